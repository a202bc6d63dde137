// Copy-on-write: sharing a parent's pages with a child at fork, and
// breaking the sharing when one of them writes.
//
// At fork every writable user page is mapped into both page tables
// read-only, with PTE_COW set, and its frame gains a reference for the
// child's PTE. Read-only pages (text) are shared as they are: nobody may
// write them, so they need no COW mark. The first write to a COW page
// faults; cow_break then gives the writer a private copy, or, when the
// writer's PTE holds the frame's only reference, simply makes the page
// writable again ("reuse": nobody else can see the change).
//
// Invariant: a PTE has PTE_COW only if it is valid, user, and not writable;
// a frame mapped by a PTE_COW entry counts that entry among its references.
#include "kernel/mm/internal.h"
#include "kernel/mm/vm.h"
#include "kernel/mm/frame.h"
#include "kernel/riscv.h"

// LAB cow: BEGIN SOLUTION
// Share one parent PTE with the child: writable pages turn COW in both.
static int share_pte(pte_t *pte, pte_t *npte) {
  pte_t e = *pte;
  if (e & PTE_V) {
    // Only user pages turn COW: the stack guard page (no PTE_U) is never
    // written by anyone, so it is simply shared.
    if ((e & (PTE_W | PTE_U)) == (PTE_W | PTE_U)) {
      e = (e & ~PTE_W) | PTE_COW;
      *pte = e;
    }
    frame_get((void *)PTE2PA(e));
  }
  *npte = e; // same frame, same rights
  return 0;
}

int uvm_share(pagetable_t old, pagetable_t new, uint64 sz) {
  int r = uvm_for_each_pair(old, new, 0, sz, share_pte);
  // The parent's PTEs lost PTE_W: drop any writable translation this hart
  // cached. Other harts flush on their next switch to this page table.
  sfence_vma();
  return r;
}
// LAB cow: END SOLUTION
// LAB cow: BEGIN STUB
// // Your job: share the parent's pages with the child instead of copying
// // them (see docs/labs/cow.md). Until then fork copies every page, as
// // classic xv6 does.
// int uvm_share(pagetable_t old, pagetable_t new, uint64 sz) {
//   return uvm_copy(old, new, sz);
// }
// LAB cow: END STUB

enum fault_result cow_break(pte_t *pte) {
  // LAB cow: BEGIN SOLUTION
  void *old = (void *)PTE2PA(*pte);
  int flags = (PTE_FLAGS(*pte) & ~PTE_COW) | PTE_W;
  if (frame_refs(old) == 1) {
    // Sole owner (and frame_refs acquires: the others are done with the
    // frame); only this process could add a mapping (by forking): it is here.
    *pte = PA2PTE(old) | flags;
    sfence_vma();
    return FAULT_COW_REUSE;
  }
  void *mem = frame_alloc();
  if (mem == 0)
    return FAULT_OOM;
  frame_copy(mem, old);
  *pte = PA2PTE(mem) | flags;
  sfence_vma();
  frame_put(old); // may free it, if the other sharers broke away meanwhile
  return FAULT_COW_COPY;
  // LAB cow: END SOLUTION
  // LAB cow: BEGIN STUB
  // // Your job: give the writer a private copy of the page, or make the
  // // page writable in place when its PTE holds the frame's only
  // // reference. Until then a write to a COW page kills the process.
  // return FAULT_KILL;
  // LAB cow: END STUB
}
