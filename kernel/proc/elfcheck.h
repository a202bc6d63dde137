// The checks exec makes on an ELF file before it believes any number in
// it. Pure functions of the headers and the file size: no kernel state,
// so the host unit tests and fuzzer compile them as they are.
#ifndef CALF_ELFCHECK_H
#define CALF_ELFCHECK_H

#include "kernel/types.h"
#include "kernel/proc/elf.h"

// The ELF header of a file of filesize bytes: the magic, and every program
// header inside the file. 0 if exec may read on, -1 if malformed.
int elf_check_header(const struct elfhdr *eh, uint64 filesize);

// One loadable segment, given the end of the previous one (segments must
// ascend without overlapping) and the first address user memory may not
// reach. Its file bytes must lie inside the file. 0 if sane, -1 if not.
int elf_check_segment(const struct proghdr *ph, uint64 filesize, uint64 prev_end,
                      uint64 limit);

// Does the loadable segment ph contain address va?
int elf_segment_holds(const struct proghdr *ph, uint64 va);

#endif
