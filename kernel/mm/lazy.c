// Lazy memory: sbrklazy() reserves address space without frames.
//
// A reserved page is a PTE with PTE_LAZY set and PTE_V clear. Hardware
// ignores every other bit of an invalid PTE, so any access faults, and the
// fault path (kernel/mm/fault.c) backs the page with a zeroed frame on the
// first touch. The reservation costs no frame, but it does cost its share
// of a page-table page: one 4 KiB page-table page per 2 MiB reserved.
//
// Invariant: a PTE_LAZY entry holds no frame and is never valid.
#include "kernel/mm/internal.h"
#include "kernel/mm/vm.h"
#include "kernel/mm/frame.h"

uint64 uvm_reserve(pagetable_t pt, uint64 oldsz, uint64 newsz) {
  for (uint64 a = PGROUNDUP(oldsz); a < newsz; a += PGSIZE) {
    pte_t *pte = walk(pt, a, 1);
    if (pte == 0) {
      uvm_dealloc(pt, a, oldsz);
      return 0;
    }
    *pte = PTE_LAZY | PTE_R | PTE_W | PTE_U; // the rights the page will get
  }
  return newsz;
}

enum fault_result lazy_fill(pte_t *pte) {
  void *mem = frame_alloc_zero();
  if (mem == 0)
    return FAULT_OOM;
  *pte = PA2PTE(mem) | (PTE_FLAGS(*pte) & ~PTE_LAZY) | PTE_V;
  sfence_vma();
  return FAULT_LAZY;
}
