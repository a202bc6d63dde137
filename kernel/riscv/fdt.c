// Reading the flattened device tree (FDT) that OpenSBI hands the kernel.
//
// The blob is a header, a structure block of tokens (BEGIN_NODE name,
// PROP len nameoff value, END_NODE, END) and a strings block holding the
// property names. All numbers are big-endian. We walk the tokens once,
// collect the few properties we care about for each node, and when a node
// ends decide whether it is RAM, a hart, the UART, the PLIC, a virtio
// slot, the test finisher or /chosen. The result lands in `platform`,
// which is read-only after boot.
#include "kernel/riscv/fdt.h"
#include "kernel/memlayout.h"
#include "kernel/lib/string.h"

struct platform platform;

#define FDT_MAGIC 0xd00dfeed
#define FDT_BEGIN_NODE 1
#define FDT_END_NODE 2
#define FDT_PROP 3
#define FDT_NOP 4
#define FDT_END 9
#define MAX_DEPTH 8

// What we keep of one node while walking it.
struct node {
  const char *name;
  const char *compat; // all compatible strings, NUL-separated
  int compat_len;
  const uint32 *reg; // raw big-endian cells
  int reg_cells;
  int irq;
  const char *device_type;
  const char *bootargs;
};

static uint32 be32(const void *p) {
  const uint8 *b = p;
  return ((uint32)b[0] << 24) | ((uint32)b[1] << 16) | ((uint32)b[2] << 8) | b[3];
}

// Two cells, most significant first: QEMU virt uses 2 address and 2 size
// cells under / and /soc.
static uint64 cells64(const uint32 *c) { return ((uint64)be32(c) << 32) | be32(c + 1); }

static int has_compat(struct node *n, const char *want) {
  int wl = strlen(want);
  for (int i = 0; i < n->compat_len;) {
    int l = strlen(n->compat + i);
    if (l == wl && memcmp(n->compat + i, want, wl) == 0)
      return 1;
    i += l + 1;
  }
  return 0;
}

static int is(const char *s, const char *t) { return s && strncmp(s, t, 64) == 0; }

static void add_virtio(uint64 base, int irq) {
  if (platform.nvirtio >= MAX_VIRTIO)
    return;
  // Keep the slots sorted by address, so slot 0 is the lowest (QEMU
  // attaches the first -device to the highest slot, not the lowest).
  int i = platform.nvirtio++;
  while (i > 0 && platform.virtio[i - 1] > base) {
    platform.virtio[i] = platform.virtio[i - 1];
    platform.virtio_irq[i] = platform.virtio_irq[i - 1];
    i--;
  }
  platform.virtio[i] = base;
  platform.virtio_irq[i] = irq;
}

// A node has ended: record it if it is one we use.
static void classify(struct node *n, int depth) {
  if (depth == 1 && is(n->name, "chosen") && n->bootargs)
    safestrcpy(platform.bootargs, n->bootargs, sizeof(platform.bootargs));
  if (is(n->device_type, "cpu") && n->reg_cells >= 1 && platform.nharts < 8)
    platform.hartids[platform.nharts++] = be32(n->reg);
  if (n->reg_cells < 4)
    return;
  uint64 base = cells64(n->reg), size = cells64(n->reg + 2);
  if (is(n->device_type, "memory") && platform.ram_size == 0) {
    platform.ram_base = base;
    platform.ram_size = size;
  } else if (has_compat(n, "ns16550a")) {
    platform.uart = base;
    platform.uart_irq = n->irq;
  } else if (has_compat(n, "riscv,plic0") || has_compat(n, "sifive,plic-1.0.0")) {
    platform.plic = base;
  } else if (has_compat(n, "virtio,mmio")) {
    add_virtio(base, n->irq);
  } else if (has_compat(n, "sifive,test0") || has_compat(n, "sifive,test1")) {
    platform.finisher = base;
  }
}

static void set_defaults(void) {
  if (platform.ram_size == 0) {
    platform.ram_base = KERNBASE;
    platform.ram_size = PHYSTOP - KERNBASE;
  }
  if (platform.nharts == 0)
    platform.hartids[platform.nharts++] = 0;
  if (platform.uart == 0) {
    platform.uart = UART0;
    platform.uart_irq = UART0_IRQ;
  }
  if (platform.plic == 0)
    platform.plic = PLIC;
  if (platform.nvirtio == 0)
    add_virtio(VIRTIO0, VIRTIO0_IRQ);
}

void fdt_parse(uint64 dtb) {
  const uint8 *h = (const uint8 *)dtb;
  if (dtb == 0 || be32(h) != FDT_MAGIC) {
    set_defaults();
    return;
  }
  platform.fdt_base = dtb;
  platform.fdt_size = be32(h + 4);
  const uint8 *s = h + be32(h + 8);          // structure block
  const char *strings = (const char *)h + be32(h + 12);
  struct node stack[MAX_DEPTH];
  int depth = -1;

  for (;;) {
    uint32 tok = be32(s);
    s += 4;
    if (tok == FDT_BEGIN_NODE) {
      const char *name = (const char *)s;
      s += (strlen(name) + 1 + 3) & ~3;
      if (++depth >= MAX_DEPTH)
        break; // deeper than any node we need: give up on the rest
      memset(&stack[depth], 0, sizeof(stack[depth]));
      stack[depth].name = name;
    } else if (tok == FDT_PROP) {
      uint32 len = be32(s), nameoff = be32(s + 4);
      const void *val = s + 8;
      s += 8 + ((len + 3) & ~3);
      struct node *n = &stack[depth];
      const char *pname = strings + nameoff;
      if (is(pname, "compatible")) {
        n->compat = val;
        n->compat_len = len;
      } else if (is(pname, "reg")) {
        n->reg = val;
        n->reg_cells = len / 4;
      } else if (is(pname, "interrupts") && len >= 4) {
        n->irq = be32(val);
      } else if (is(pname, "device_type")) {
        n->device_type = val;
      } else if (is(pname, "bootargs")) {
        n->bootargs = val;
      }
    } else if (tok == FDT_END_NODE) {
      if (depth < 0)
        break;
      classify(&stack[depth], depth);
      depth--;
    } else if (tok != FDT_NOP) {
      break; // FDT_END or garbage
    }
  }
  set_defaults();
}

// Find "key=value" as a whole word in bootargs.
int bootarg(const char *key, char *buf, int max) {
  int kl = strlen(key);
  const char *p = platform.bootargs;
  while (*p) {
    while (*p == ' ')
      p++;
    const char *w = p;
    while (*p && *p != ' ')
      p++;
    if (p - w > kl && strncmp(w, key, kl) == 0 && w[kl] == '=') {
      int n = p - (w + kl + 1);
      if (n >= max)
        n = max - 1;
      memmove(buf, w + kl + 1, n);
      buf[n] = 0;
      return 1;
    }
  }
  return 0;
}
