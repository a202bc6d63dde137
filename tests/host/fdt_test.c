// cmocka unit tests for kernel/riscv/fdt.c, the device-tree reader.
//
// Two kinds of blob: QEMU virt's own (tests/fuzz/fdt/virt-*.dtb, dumped
// with `qemu-system-riscv64 -machine virt,dumpdtb=FILE`), read whole and
// cut short at every length; and small trees built here token by token,
// each breaking one rule of fdt.c's invariant. Every blob sits in a heap
// block of exactly its length, so ASan reports any read past it.
// Built with ASan/UBSan by tests/host_check.py.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/memlayout.h"
#include "kernel/riscv/fdt.h"

// ---- Blobs built token by token --------------------------------------------

struct tree {
  uint8_t s[4096]; // the structure block
  size_t ns;
  uint8_t str[1024]; // the strings block
  size_t nstr;
};

static void put32(uint8_t *p, uint32_t v) {
  p[0] = v >> 24;
  p[1] = v >> 16;
  p[2] = v >> 8;
  p[3] = v;
}

static uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void tok(struct tree *t, uint32_t v) {
  put32(t->s + t->ns, v);
  t->ns += 4;
}

// n bytes of data into the structure block, zero-padded to 4.
static void bytes(struct tree *t, const void *data, size_t n) {
  memcpy(t->s + t->ns, data, n);
  memset(t->s + t->ns + n, 0, (4 - n % 4) % 4);
  t->ns += (n + 3) & ~(size_t)3;
}

static void begin(struct tree *t, const char *name) {
  tok(t, 1);
  bytes(t, name, strlen(name) + 1);
}

static void end(struct tree *t) { tok(t, 2); }

// A property whose name lies at nameoff in the strings block.
static void prop_at(struct tree *t, uint32_t nameoff, const void *val, uint32_t len) {
  tok(t, 3);
  tok(t, len);
  tok(t, nameoff);
  bytes(t, val, len);
}

static void prop(struct tree *t, const char *name, const void *val, uint32_t len) {
  uint32_t off = t->nstr;
  memcpy(t->str + off, name, strlen(name) + 1);
  t->nstr += strlen(name) + 1;
  prop_at(t, off, val, len);
}

static void prop_str(struct tree *t, const char *name, const char *s) {
  prop(t, name, s, strlen(s) + 1);
}

static void prop_u32(struct tree *t, const char *name, uint32_t v) {
  uint8_t b[4];
  put32(b, v);
  prop(t, name, b, 4);
}

// reg = <base size> in two cells each.
static void prop_reg(struct tree *t, uint64_t base, uint64_t size) {
  uint8_t b[16];
  put32(b, base >> 32);
  put32(b + 4, base);
  put32(b + 8, size >> 32);
  put32(b + 12, size);
  prop(t, "reg", b, 16);
}

// A device node under the root: begin, compatible, reg, interrupts, end.
// compat is a list of NUL-separated strings, compat_len bytes in all.
static void device_list(struct tree *t, const char *compat, uint32_t compat_len,
                        uint64_t base, uint32_t irq) {
  begin(t, "dev");
  prop(t, "compatible", compat, compat_len);
  prop_reg(t, base, 0x1000);
  prop_u32(t, "interrupts", irq);
  end(t);
}

static void device(struct tree *t, const char *compat, uint64_t base, uint32_t irq) {
  device_list(t, compat, strlen(compat) + 1, base, irq);
}

// The blob: header, empty reservation map, strings, structure block (with
// an END token if with_end). Heap-allocated at exactly *len bytes, the
// structure block last, so ASan sees a read past its end.
static uint8_t *blob(struct tree *t, int with_end, size_t *len) {
  if (with_end)
    tok(t, 9);
  size_t toff = 40 + 16, soff = toff + t->nstr;
  *len = soff + t->ns;
  uint8_t *b = calloc(1, *len);
  uint32_t hdr[10] = {0xd00dfeed, *len, soff, toff, 40, 17, 16, 0, t->nstr, t->ns};
  for (int i = 0; i < 10; i++)
    put32(b + 4 * i, hdr[i]);
  memcpy(b + soff, t->s, t->ns);
  memcpy(b + toff, t->str, t->nstr);
  return b;
}

// fdt_read on the tree as a blob; frees it.
static int read_tree(struct tree *t, int with_end) {
  size_t len;
  uint8_t *b = blob(t, with_end, &len);
  int r = fdt_read(b, len);
  free(b);
  return r;
}

static void expect_defaults(void) {
  assert_int_equal(platform.ram_base, KERNBASE);
  assert_int_equal(platform.ram_size, PHYSTOP - KERNBASE);
  assert_int_equal(platform.nharts, 1);
  assert_int_equal(platform.hartids[0], 0);
  assert_int_equal(platform.uart, UART0);
  assert_int_equal(platform.uart_irq, UART0_IRQ);
  assert_int_equal(platform.plic, PLIC);
  assert_int_equal(platform.nvirtio, 1);
  assert_int_equal(platform.virtio[0], VIRTIO0);
  assert_int_equal(platform.finisher, 0);
  assert_string_equal(platform.bootargs, "");
}

// ---- QEMU's blobs ----------------------------------------------------------

static uint8_t *load(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  *len = ftell(f);
  rewind(f);
  uint8_t *b = malloc(*len);
  assert_int_equal(fread(b, 1, *len, f), *len);
  fclose(f);
  return b;
}

// What every QEMU virt machine with 128 MiB says, whatever its harts.
static void expect_virt(int nharts) {
  assert_int_equal(platform.ram_base, 0x80000000);
  assert_int_equal(platform.ram_size, 128 << 20);
  assert_int_equal(platform.nharts, nharts);
  for (int i = 0; i < nharts; i++)
    assert_int_equal(platform.hartids[i], i);
  assert_int_equal(platform.uart, 0x10000000);
  assert_int_equal(platform.uart_irq, 10);
  assert_int_equal(platform.plic, 0x0c000000);
  assert_int_equal(platform.finisher, 0x100000);
  assert_int_equal(platform.nvirtio, 8);
  for (int i = 0; i < 8; i++) {
    assert_int_equal(platform.virtio[i], 0x10001000 + 0x1000 * i);
    assert_int_equal(platform.virtio_irq[i], 1 + i);
  }
  assert_string_equal(platform.bootargs, "fork=cow diskcache=wb");
}

static void qemu_one_hart(void **state) {
  (void)state;
  size_t len;
  uint8_t *b = load("tests/fuzz/fdt/virt-1hart.dtb", &len);
  assert_int_equal(fdt_read(b, len), 0);
  expect_virt(1);
  assert_int_equal(platform.fdt_base, (uint64)(uintptr_t)b);
  assert_int_equal(platform.fdt_size, len);
  free(b);
}

static void qemu_four_harts(void **state) {
  (void)state;
  size_t len;
  uint8_t *b = load("tests/fuzz/fdt/virt-4hart.dtb", &len);
  assert_int_equal(fdt_read(b, len), 0);
  expect_virt(4);
  fdt_parse((uint64)(uintptr_t)b); // the kernel's way in: size from the header
  expect_virt(4);
  free(b);
}

// Every prefix of the blob, in a block of exactly that length: as it is
// (the header claims more than there is: refused), and with the header
// made to claim only what is there (read up to where it breaks off: it
// reaches its END token only once every property name is whole).
static void qemu_cut_everywhere(void **state) {
  (void)state;
  size_t len;
  uint8_t *whole = load("tests/fuzz/fdt/virt-4hart.dtb", &len);
  uint32_t soff = get32(whole + 8), toff = get32(whole + 12);
  uint32_t tsize = get32(whole + 32), ssize = get32(whole + 36);
  assert_true(soff + ssize <= toff); // strings after the structure, as QEMU lays them
  for (size_t cut = 0; cut < len; cut++) {
    uint8_t *b = malloc(cut ? cut : 1);
    memcpy(b, whole, cut);
    assert_int_equal(fdt_read(b, cut), -1);
    expect_defaults();
    if (cut >= 40) {
      put32(b + 4, cut);
      put32(b + 36, cut < soff + ssize ? (cut > soff ? cut - soff : 0) : ssize);
      put32(b + 12, cut < toff ? cut : toff);
      put32(b + 32, cut < toff ? 0 : cut < toff + tsize ? cut - toff : tsize);
      int want = cut >= toff + tsize ? 0 : -1;
      assert_int_equal(fdt_read(b, cut), want);
      assert_in_range(platform.nharts, 1, 8);
      assert_in_range(platform.nvirtio, 1, MAX_VIRTIO);
    }
    free(b);
  }
  free(whole);
}

// ---- The header ------------------------------------------------------------

static struct tree *one_uart(void) {
  static struct tree t;
  memset(&t, 0, sizeof(t));
  begin(&t, "");
  device(&t, "ns16550a", 0x2000, 7);
  end(&t);
  return &t;
}

static void header_refused(void **state) {
  (void)state;
  size_t len;
  uint8_t *b = blob(one_uart(), 1, &len);
  assert_int_equal(fdt_read(b, len), 0);
  assert_int_equal(platform.uart, 0x2000);
  assert_int_equal(platform.uart_irq, 7);

  assert_int_equal(fdt_read(b, len - 1), -1); // totalsize past what the caller has
  expect_defaults();
  assert_int_equal(fdt_read(0, 0), -1);
  expect_defaults();
  fdt_parse(0);
  expect_defaults();

  // Each field broken in turn, the rest left as it was.
  struct {
    int off;
    uint32_t value;
  } bad[] = {
      {0, 0xd00dfeee},            // magic
      {4, 39},                    // totalsize smaller than the header
      {8, len + 1},               // structure block starts past the end
      {36, len - 56 + 1},         // ...or runs past it
      {12, len + 1},              // strings block starts past the end
      {32, 0xffffffff},           // ...or runs past it (and wraps)
      {36, 0xfffffff0},           // a size that wraps the structure's end
  };
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    uint8_t *c = malloc(len);
    memcpy(c, b, len);
    put32(c + bad[i].off, bad[i].value);
    assert_int_equal(fdt_read(c, len), -1);
    expect_defaults();
    free(c);
  }
  free(b);
}

// ---- The structure block ---------------------------------------------------

static void no_end_token(void **state) {
  (void)state;
  assert_int_equal(read_tree(one_uart(), 0), -1);
  assert_int_equal(platform.uart, 0x2000); // the node ended before the block did
}

// A property before any node: the old reader wrote it to stack[-1].
static void property_outside_any_node(void **state) {
  (void)state;
  struct tree t = {0};
  prop_str(&t, "compatible", "ns16550a");
  begin(&t, "");
  end(&t);
  assert_int_equal(read_tree(&t, 1), -1);
  expect_defaults();
}

// A node name that runs to the end of the structure block with no NUL.
static void name_without_nul(void **state) {
  (void)state;
  struct tree t = {0};
  begin(&t, "");
  tok(&t, 1);
  memcpy(t.s + t.ns, "abcdefgh", 8);
  t.ns += 8;
  assert_int_equal(read_tree(&t, 0), -1);
  expect_defaults();
}

// The block's last property claims a value longer than what is left of
// the block (nothing): each of the properties the reader looks into.
static void property_value_past_block(void **state) {
  (void)state;
  const char *names[] = {"interrupts", "compatible", "device_type", "bootargs", "reg"};
  uint32_t lens[] = {4, 64, 0xfffffffc, 0xffffffff};
  for (size_t n = 0; n < 5; n++) {
    for (size_t i = 0; i < 4; i++) {
      struct tree t = {0};
      begin(&t, "");
      device(&t, "ns16550a", 0x2000, 7);
      prop(&t, names[n], "", 0);
      put32(t.s + t.ns - 8, lens[i]); // the last property's len
      assert_int_equal(read_tree(&t, 0), -1);
      assert_int_equal(platform.uart, 0x2000);
    }
  }
}

static void property_name_outside_strings(void **state) {
  (void)state;
  struct tree t = {0};
  begin(&t, "");
  prop_str(&t, "model", "x");
  prop_at(&t, t.nstr, "", 0); // one past the last string
  end(&t);
  assert_int_equal(read_tree(&t, 1), -1);

  memset(&t, 0, sizeof(t));
  begin(&t, "");
  memcpy(t.str, "compat", 6); // a last name with no NUL before the block ends
  t.nstr = 6;
  prop_at(&t, 0, "ns16550a", 9);
  end(&t);
  assert_int_equal(read_tree(&t, 1), -1);
  expect_defaults();
}

// String properties must end in a NUL inside their value, or are ignored.
static void unterminated_strings_ignored(void **state) {
  (void)state;
  struct tree t = {0};
  begin(&t, "");
  begin(&t, "dev");
  prop(&t, "compatible", "ns16550a", 8); // no NUL
  prop_reg(&t, 0x2000, 0x1000);
  end(&t);
  begin(&t, "mem");
  prop(&t, "device_type", "memory", 6);
  prop_reg(&t, 0x90000000, 0x1000);
  end(&t);
  begin(&t, "chosen");
  prop(&t, "bootargs", "x=1", 3);
  end(&t);
  end(&t);
  assert_int_equal(read_tree(&t, 1), 0);
  expect_defaults();
}

static void deep_nodes(void **state) {
  (void)state;
  struct tree t = {0};
  for (int i = 0; i < 8; i++) // depths 0..7: the stack holds them
    begin(&t, "n");
  for (int i = 0; i < 8; i++)
    end(&t);
  assert_int_equal(read_tree(&t, 1), 0);
  memset(&t, 0, sizeof(t));
  for (int i = 0; i < 9; i++)
    begin(&t, "n");
  for (int i = 0; i < 9; i++)
    end(&t);
  assert_int_equal(read_tree(&t, 1), -1);
  expect_defaults();
}

static void stray_tokens(void **state) {
  (void)state;
  struct tree t = {0};
  tok(&t, 4); // NOPs are skipped
  begin(&t, "");
  tok(&t, 4);
  device(&t, "ns16550a", 0x2000, 7);
  end(&t);
  assert_int_equal(read_tree(&t, 1), 0);
  assert_int_equal(platform.uart, 0x2000);

  memset(&t, 0, sizeof(t));
  begin(&t, "");
  end(&t);
  end(&t); // more ends than begins
  assert_int_equal(read_tree(&t, 1), -1);

  memset(&t, 0, sizeof(t));
  begin(&t, "");
  tok(&t, 5); // no such token
  assert_int_equal(read_tree(&t, 1), -1);
}

// ---- What the nodes mean ---------------------------------------------------

static void harts_and_devices(void **state) {
  (void)state;
  struct tree t = {0};
  begin(&t, "");
  begin(&t, "cpus");
  for (int i = 0; i < 9; i++) { // one more than platform holds
    begin(&t, "cpu");
    prop_str(&t, "device_type", "cpu");
    prop_u32(&t, "reg", 10 + i);
    end(&t);
  }
  end(&t);
  device(&t, "virtio,mmio", 0x3000, 3); // slots sorted by address
  device(&t, "virtio,mmio", 0x1000, 1);
  device(&t, "virtio,mmio", 0x2000, 2);
  device_list(&t, "x\0riscv,plic0", 14, 0x4000, 0); // the second string matches
  device_list(&t, "other\0sifive,test0", 19, 0x5000, 0);
  begin(&t, "memory");
  prop_str(&t, "device_type", "memory");
  prop_reg(&t, 0x90000000, 0x4000000);
  end(&t);
  end(&t);
  assert_int_equal(read_tree(&t, 1), 0);
  assert_int_equal(platform.nharts, 8);
  for (int i = 0; i < 8; i++)
    assert_int_equal(platform.hartids[i], 10 + i);
  assert_int_equal(platform.nvirtio, 3);
  for (int i = 0; i < 3; i++) {
    assert_int_equal(platform.virtio[i], 0x1000 * (i + 1));
    assert_int_equal(platform.virtio_irq[i], i + 1);
  }
  assert_int_equal(platform.plic, 0x4000);
  assert_int_equal(platform.finisher, 0x5000);
  assert_int_equal(platform.ram_base, 0x90000000);
  assert_int_equal(platform.ram_size, 0x4000000);
}

static void virtio_slots_capped(void **state) {
  (void)state;
  struct tree t = {0};
  begin(&t, "");
  for (int i = 10; i > 0; i--)
    device(&t, "virtio,mmio", 0x1000 * i, i);
  end(&t);
  assert_int_equal(read_tree(&t, 1), 0);
  assert_int_equal(platform.nvirtio, MAX_VIRTIO); // the first 8 met: 10..3, sorted
  for (int i = 0; i < MAX_VIRTIO; i++)
    assert_int_equal(platform.virtio[i], 0x1000 * (i + 3));
}

static void chosen_bootargs(void **state) {
  (void)state;
  char longargs[200];
  memset(longargs, 'a', sizeof(longargs) - 1);
  longargs[sizeof(longargs) - 1] = 0;
  struct tree t = {0};
  begin(&t, "");
  begin(&t, "chosen");
  prop_str(&t, "bootargs", longargs);
  end(&t);
  end(&t);
  assert_int_equal(read_tree(&t, 1), 0);
  assert_int_equal(strlen(platform.bootargs), sizeof(platform.bootargs) - 1); // cut

  memset(&t, 0, sizeof(t));
  begin(&t, "");
  begin(&t, "x");
  begin(&t, "chosen"); // only /chosen counts
  prop_str(&t, "bootargs", "a=1");
  end(&t);
  end(&t);
  end(&t);
  assert_int_equal(read_tree(&t, 1), 0);
  assert_string_equal(platform.bootargs, "");
}

static void bootarg_lookup(void **state) {
  (void)state;
  struct tree t = {0};
  begin(&t, "");
  begin(&t, "chosen");
  prop_str(&t, "bootargs", " forkx=no  fork=cow disk=wb_long trimcap=");
  end(&t);
  end(&t);
  assert_int_equal(read_tree(&t, 1), 0);
  char buf[8];
  assert_int_equal(bootarg("fork", buf, sizeof(buf)), 1);
  assert_string_equal(buf, "cow");
  assert_int_equal(bootarg("disk", buf, sizeof(buf)), 1);
  assert_string_equal(buf, "wb_long"); // 7 bytes and the NUL: fits
  assert_int_equal(bootarg("disk", buf, 4), 1);
  assert_string_equal(buf, "wb_"); // cut to max - 1
  assert_int_equal(bootarg("trimcap", buf, sizeof(buf)), 1); // "key=": an empty value
  assert_string_equal(buf, "");
  assert_int_equal(bootarg("for", buf, sizeof(buf)), 0);     // words, not prefixes
  assert_int_equal(bootarg("cow", buf, sizeof(buf)), 0);
  memset(buf, 'z', sizeof(buf));
  assert_int_equal(bootarg("fork", buf, 0), 0); // no room: buf untouched
  assert_int_equal(buf[0], 'z');
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(qemu_one_hart),
      cmocka_unit_test(qemu_four_harts),
      cmocka_unit_test(qemu_cut_everywhere),
      cmocka_unit_test(header_refused),
      cmocka_unit_test(no_end_token),
      cmocka_unit_test(property_outside_any_node),
      cmocka_unit_test(name_without_nul),
      cmocka_unit_test(property_value_past_block),
      cmocka_unit_test(property_name_outside_strings),
      cmocka_unit_test(unterminated_strings_ignored),
      cmocka_unit_test(deep_nodes),
      cmocka_unit_test(stray_tokens),
      cmocka_unit_test(harts_and_devices),
      cmocka_unit_test(virtio_slots_capped),
      cmocka_unit_test(chosen_bootargs),
      cmocka_unit_test(bootarg_lookup),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
