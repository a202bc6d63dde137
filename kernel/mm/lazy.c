// Lazy memory: sbrklazy() grows the heap without frames.
//
// sbrk maps every page it adds at once; sbrklazy only moves p->sz. Every
// other page below sz has a PTE: exec maps the program, its guard page and
// its stack, and sbrk(-n) unmaps everything above the new end. So a page
// below sz with no PTE at all is one that sbrklazy reserved, and the
// fault path (kernel/mm/fault.c) calls lazy_fill to give it a zeroed frame
// on its first touch. A reservation costs nothing, not even page-table
// pages: a process may reserve all the address space below its mappings
// (xv6's usertests reserves almost all of it) and pay for the pages it
// touches.
//
// Invariant: below p->sz, a user page is mapped, or has no PTE and is
// lazily reserved; nothing else marks a reservation.
#include "kernel/mm/internal.h"
#include "kernel/mm/vm.h"
#include "kernel/mm/frame.h"

enum fault_result lazy_fill(pagetable_t pt, uint64 va) {
  pte_t *pte = walk(pt, PGROUNDDOWN(va), 1);
  if (pte == 0)
    return FAULT_OOM;
  void *mem = frame_alloc_zero();
  if (mem == 0)
    return FAULT_OOM;
  *pte = PA2PTE(mem) | PTE_R | PTE_W | PTE_U | PTE_V;
  sfence_vma();
  return FAULT_LAZY;
}
