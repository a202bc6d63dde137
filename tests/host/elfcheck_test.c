// Host unit tests for kernel/proc/elfcheck.c, the ELF checks exec makes.
// Built with the host compiler by tests/host_check.py; prints one line per
// failed check and "elfcheck_test: N passed, M failed", exits 1 on any.
#include <stdio.h>
#include <string.h>

#include "kernel/proc/elfcheck.h"

static int passed, failed;

#define EXPECT(expr, want)                                                            \
  do {                                                                                \
    long got_ = (long)(expr);                                                         \
    if (got_ == (long)(want)) {                                                       \
      passed++;                                                                       \
    } else {                                                                          \
      failed++;                                                                       \
      printf("elfcheck_test: line %d: %s is %ld, want %ld\n", __LINE__, #expr, got_, \
             (long)(want));                                                           \
    }                                                                                 \
  } while (0)

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

static void headers(void) {
  struct elfhdr e = good_header();
  EXPECT(elf_check_header(&e, FILESZ), 0);
  e.magic ^= 1;
  EXPECT(elf_check_header(&e, FILESZ), -1);
  e = good_header();
  EXPECT(elf_check_header(&e, 64 + 3 * 56), 0);     // the table ends at the end
  EXPECT(elf_check_header(&e, 64 + 3 * 56 - 1), -1); // one byte short
  e.phoff = 0x100000040UL;                             // was read as 64
  EXPECT(elf_check_header(&e, FILESZ), -1);
  e.phoff = ~0UL - 8; // phoff + table wraps
  EXPECT(elf_check_header(&e, FILESZ), -1);
  e = good_header();
  e.phentsize = 32;
  EXPECT(elf_check_header(&e, FILESZ), -1);
  e.phnum = 0; // no table: its entry size does not matter
  EXPECT(elf_check_header(&e, FILESZ), 0);
}

static void segments(void) {
  struct proghdr p = good_segment();
  EXPECT(elf_check_segment(&p, FILESZ, 0, LIMIT), 0);
  EXPECT(elf_check_segment(&p, FILESZ, 1, LIMIT), -1); // below the previous segment
  p.off = 0x100001000UL;                                // was read as 0x1000
  EXPECT(elf_check_segment(&p, FILESZ, 0, LIMIT), -1);
  p = good_segment();
  p.off = ~0UL - 0x10; // off + filesz wraps
  EXPECT(elf_check_segment(&p, FILESZ, 0, LIMIT), -1);
  p = good_segment();
  p.off = FILESZ - p.filesz; // ends exactly at the end
  EXPECT(elf_check_segment(&p, FILESZ, 0, LIMIT), 0);
  p.off++;
  EXPECT(elf_check_segment(&p, FILESZ, 0, LIMIT), -1);
  p = good_segment();
  p.memsz = p.filesz - 1;
  EXPECT(elf_check_segment(&p, FILESZ, 0, LIMIT), -1);
  p = good_segment();
  p.vaddr = 8;
  EXPECT(elf_check_segment(&p, FILESZ, 0, LIMIT), -1); // not page aligned
  p.vaddr = LIMIT - 0x1000;
  EXPECT(elf_check_segment(&p, FILESZ, 0, LIMIT), 0);
  p.vaddr = LIMIT;
  EXPECT(elf_check_segment(&p, FILESZ, 0, LIMIT), -1);
  p.vaddr = ~0UL - 0xfff; // vaddr + memsz wraps
  EXPECT(elf_check_segment(&p, FILESZ, 0, LIMIT), -1);
  p = good_segment();
  EXPECT(elf_segment_holds(&p, 0x132), 1);
  EXPECT(elf_segment_holds(&p, 0x72f), 1);
  EXPECT(elf_segment_holds(&p, 0x730), 0);
  p.vaddr = 0x1000;
  EXPECT(elf_segment_holds(&p, 0x10), 0);
}

int main(void) {
  headers();
  segments();
  printf("elfcheck_test: %d passed, %d failed\n", passed, failed);
  return failed != 0;
}
