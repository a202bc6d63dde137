// Copy-on-write and lazy pages: the resolutions the fault path can apply.
#ifndef CALF_COW_H
#define CALF_COW_H

#include "kernel/riscv.h"

enum fault_result {
  FAULT_KILL = -1,     // not resolvable: the process dies
  FAULT_OOM = -2,      // resolvable, but no frame was free: the process dies
  FAULT_COW_COPY = 1,  // a COW page was copied for the writer
  FAULT_COW_REUSE = 2, // a COW page was made writable in place (sole owner)
  FAULT_LAZY = 3,      // a lazy page got its zeroed frame
  FAULT_SPT_COPY = 4,  // a shared page table was copied (kernel/mm/sharedpt.c)
  FAULT_SPT_REUSE = 5, // a shared page table was taken back in place (sole holder)
};

// Give the writer of the COW page at *pte a page of its own.
enum fault_result cow_break(pte_t *pte);
// Back the lazy reservation at *pte with a zeroed frame.
enum fault_result lazy_fill(pte_t *pte);

#endif
