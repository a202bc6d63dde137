// cmocka unit tests for kernel/proc/elfcheck.c, the ELF checks exec makes.
// Built with the host compiler and ASan/UBSan by tests/host_check.py.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/proc/elfcheck.h"

#define FILESZ 11592UL
#define LIMIT 0x3fffffe000UL // TRAPFRAME

// echo's header and its first loadable segment, as the linker wrote them.
static struct elfhdr good_header(void) {
  struct elfhdr e;
  memset(&e, 0, sizeof(e));
  e.magic = ELF_MAGIC;
  e.entry = 0x132;
  e.phoff = 64;
  e.phentsize = sizeof(struct proghdr);
  e.phnum = 3;
  return e;
}

static struct proghdr good_segment(void) {
  struct proghdr p = {ELF_PROG_LOAD, 5, 0x1000, 0, 0, 0x724, 0x730, 0x1000};
  return p;
}

static void header_magic(void **state) {
  (void)state;
  struct elfhdr e = good_header();
  assert_int_equal(elf_check_header(&e, FILESZ), 0);
  e.magic ^= 1;
  assert_int_equal(elf_check_header(&e, FILESZ), -1);
}

static void header_table_inside_file(void **state) {
  (void)state;
  struct elfhdr e = good_header();
  assert_int_equal(elf_check_header(&e, 64 + 3 * 56), 0);      // ends at the end
  assert_int_equal(elf_check_header(&e, 64 + 3 * 56 - 1), -1); // one byte short
  e.phoff = 0x100000040UL;                                       // was read as 64
  assert_int_equal(elf_check_header(&e, FILESZ), -1);
  e.phoff = ~0UL - 8; // phoff + table wraps
  assert_int_equal(elf_check_header(&e, FILESZ), -1);
}

static void header_entry_size(void **state) {
  (void)state;
  struct elfhdr e = good_header();
  e.phentsize = 32;
  assert_int_equal(elf_check_header(&e, FILESZ), -1);
  e.phnum = 0; // no table: its entry size does not matter
  assert_int_equal(elf_check_header(&e, FILESZ), 0);
}

static void segment_file_bytes(void **state) {
  (void)state;
  struct proghdr p = good_segment();
  assert_int_equal(elf_check_segment(&p, FILESZ, 0, LIMIT), 0);
  p.off = 0x100001000UL; // was read as 0x1000
  assert_int_equal(elf_check_segment(&p, FILESZ, 0, LIMIT), -1);
  p.off = ~0UL - 0x10; // off + filesz wraps
  assert_int_equal(elf_check_segment(&p, FILESZ, 0, LIMIT), -1);
  p.off = FILESZ - p.filesz; // ends exactly at the end
  assert_int_equal(elf_check_segment(&p, FILESZ, 0, LIMIT), 0);
  p.off++;
  assert_int_equal(elf_check_segment(&p, FILESZ, 0, LIMIT), -1);
}

static void segment_sizes_and_order(void **state) {
  (void)state;
  struct proghdr p = good_segment();
  assert_int_equal(elf_check_segment(&p, FILESZ, 1, LIMIT), -1); // below the previous
  p.memsz = p.filesz - 1;
  assert_int_equal(elf_check_segment(&p, FILESZ, 0, LIMIT), -1);
}

static void segment_addresses(void **state) {
  (void)state;
  struct proghdr p = good_segment();
  p.vaddr = 8;
  assert_int_equal(elf_check_segment(&p, FILESZ, 0, LIMIT), -1); // not page aligned
  p.vaddr = LIMIT - 0x1000;
  assert_int_equal(elf_check_segment(&p, FILESZ, 0, LIMIT), 0);
  p.vaddr = LIMIT;
  assert_int_equal(elf_check_segment(&p, FILESZ, 0, LIMIT), -1);
  p.vaddr = ~0UL - 0xfff; // vaddr + memsz wraps
  assert_int_equal(elf_check_segment(&p, FILESZ, 0, LIMIT), -1);
}

static void segment_holds_entry(void **state) {
  (void)state;
  struct proghdr p = good_segment();
  assert_int_equal(elf_segment_holds(&p, 0x132), 1);
  assert_int_equal(elf_segment_holds(&p, 0x72f), 1);
  assert_int_equal(elf_segment_holds(&p, 0x730), 0);
  p.vaddr = 0x1000;
  assert_int_equal(elf_segment_holds(&p, 0x10), 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(header_magic),          cmocka_unit_test(header_table_inside_file),
      cmocka_unit_test(header_entry_size),     cmocka_unit_test(segment_file_bytes),
      cmocka_unit_test(segment_sizes_and_order), cmocka_unit_test(segment_addresses),
      cmocka_unit_test(segment_holds_entry),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
