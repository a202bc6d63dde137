// Visiting a parent's PTEs together with a child's, for the fork
// strategies (eager copy in vm.c, COW share in cow.c).
//
// This is a static inline function in a header so that the compiler can
// inline the per-PTE function into the loop: fork's cost per page is a
// handful of instructions, and a call per page would double it.
#ifndef CALF_PTE_PAIRS_H
#define CALF_PTE_PAIRS_H

#include "kernel/mm/vm.h"

// Apply fn to every used PTE of old below sz, paired with the child's PTE
// for the same address in new (allocating its page-table pages). On a
// failure the child's mappings so far are dropped and -1 returned.
static inline __attribute__((always_inline)) int
uvm_for_each_pair(pagetable_t old, pagetable_t new, uint64 sz, int (*fn)(pte_t *, pte_t *)) {
  int n;
  for (uint64 va = 0; va < sz; va += n * PGSIZE) {
    pte_t *pte;
    n = leaf_run(old, va, sz, &pte);
    if (pte == 0)
      continue;
    pte_t *npte = walk(new, va, 1);
    if (npte == 0)
      goto fail;
    for (pte_t *end = pte + n; pte < end; pte++, npte++)
      if (*pte != 0 && fn(pte, npte) < 0)
        goto fail;
  }
  return 0;
fail:
  uvm_unmap(new, 0, PGROUNDUP(sz) / PGSIZE, 1);
  return -1;
}

#endif
