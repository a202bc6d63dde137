// ELF sanity checks for exec (see elfcheck.h).
//
// ELF-64 offsets, addresses and sizes are 64-bit. Every sum below is
// checked for wrap-around before it is compared, and nothing is narrowed
// to 32 bits: exec once kept p_offset and e_phoff in a uint, so an offset
// of 0x100000000 read the file from 0 and ran it.
//
// Invariant: a header these functions accept names only bytes inside the
// file and, for a segment, only addresses in [0, limit), above the
// previous segment, page aligned at the start.
#include "kernel/proc/elfcheck.h"
#include "kernel/riscv.h"

// a + b, unless it wraps past 2^64: then -1 (all ones), which no file
// size or address limit reaches.
static uint64 add_or_max(uint64 a, uint64 b) { return a + b < a ? ~0UL : a + b; }

int elf_check_header(const struct elfhdr *eh, uint64 filesize) {
  if (eh->magic != ELF_MAGIC)
    return -1;
  if (eh->phnum != 0 && eh->phentsize != sizeof(struct proghdr))
    return -1;
  uint64 table = (uint64)eh->phnum * sizeof(struct proghdr); // < 2^22: no wrap
  if (add_or_max(eh->phoff, table) > filesize)
    return -1;
  return 0;
}

int elf_check_segment(const struct proghdr *ph, uint64 filesize, uint64 prev_end,
                      uint64 limit) {
  if (ph->memsz < ph->filesz || ph->vaddr % PGSIZE != 0)
    return -1;
  if (ph->vaddr < prev_end || add_or_max(ph->vaddr, ph->memsz) > limit)
    return -1;
  if (add_or_max(ph->off, ph->filesz) > filesize)
    return -1;
  return 0;
}

int elf_segment_holds(const struct proghdr *ph, uint64 va) {
  return va >= ph->vaddr && va - ph->vaddr < ph->memsz;
}
