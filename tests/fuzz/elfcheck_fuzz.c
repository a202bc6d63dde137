// libFuzzer target for kernel/proc/elfcheck.c: the input is the start of
// an ELF file, and its length the file's size. Whatever the checks accept
// must really lie inside the file and below the limit, computed here in
// 128-bit arithmetic that cannot wrap; a violation aborts (a finding).
// Built by tests/host_check.py with -fsanitize=fuzzer,address,undefined.
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "kernel/proc/elfcheck.h"

#define LIMIT 0x3fffffe000UL

typedef unsigned __int128 u128;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct elfhdr eh;
  if (size < sizeof(eh))
    return 0;
  memcpy(&eh, data, sizeof(eh));
  if (elf_check_header(&eh, size) < 0)
    return 0;
  if ((u128)eh.phoff + (u128)eh.phnum * sizeof(struct proghdr) > size)
    abort(); // accepted a table past the end of the file
  uint64 prev_end = 0;
  for (int i = 0; i < eh.phnum; i++) {
    struct proghdr ph;
    memcpy(&ph, data + eh.phoff + i * sizeof(ph), sizeof(ph));
    if (elf_check_segment(&ph, size, prev_end, LIMIT) < 0)
      continue;
    if ((u128)ph.off + ph.filesz > size || (u128)ph.vaddr + ph.memsz > LIMIT ||
        ph.memsz < ph.filesz || ph.vaddr < prev_end || ph.vaddr % 4096)
      abort(); // accepted a segment it should not have
    prev_end = ph.vaddr + ph.memsz;
    (void)elf_segment_holds(&ph, eh.entry);
  }
  return 0;
}
