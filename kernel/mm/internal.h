// What the files of mm/ share with each other and with nobody else: the
// Sv39 walkers, the fault resolutions, and the pieces of fork. Code
// outside mm/ uses the public headers (frame.h, vm.h, uaccess.h, fault.h)
// and never decodes a PTE itself.
//
// The two loops are static inline functions in a header so that the
// compiler can inline the per-PTE function into them: fork and exit cost
// a handful of instructions per page, and a call per page would double it.
#ifndef CALF_MM_INTERNAL_H
#define CALF_MM_INTERNAL_H

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/mm/vm.h"

pte_t *walk(pagetable_t pt, uint64 va, int alloc);
int leaf_run(pagetable_t pt, uint64 va, uint64 end, pte_t **pte);
uint64 uvm_pt_pages(void);
void uvm_pt_pages_add(long n); // page-table pages allocated (+) or freed (-) outside vm.c
int uvm_copy(pagetable_t old, pagetable_t new, uint64 sz); // eager fork: vm.c

// What resolving one fault did (kernel/mm/fault.c counts them).
enum fault_result {
  FAULT_KILL,      // not resolvable: the process dies
  FAULT_OOM,       // resolvable, but no frame was free: the process dies
  FAULT_COW_COPY,  // a COW page was copied for the writer
  FAULT_COW_REUSE, // a COW page was made writable in place (sole owner)
  FAULT_LAZY,      // a lazy page got its zeroed frame
  FAULT_SPT_COPY,  // a shared leaf table was copied (kernel/mm/sharedpt.c)
  FAULT_SPT_REUSE, // a shared leaf table was taken back in place (sole holder)
  FAULT_FILE,      // a mapped file page arrived (kernel/mm/mmap.c)
  FAULT_ANON,      // an anonymous mapping's page got its zeroed frame
  FAULT_SHARED_WRITE, // a clean shared file page was made writable (and dirty)
  FAULT_RESTORE,   // a lazily restored page arrived from its image (kernel/mm/backing.c)
};

// Give the writer of the COW page at *pte a page of its own (cow.c).
enum fault_result cow_break(pte_t *pte);
// Back the lazily reserved page at va with a zeroed frame (lazy.c).
enum fault_result lazy_fill(pagetable_t pt, uint64 va);

struct proc;
// Resolve a fault at va inside one of p's mappings (kernel/mm/mmap.c);
// FAULT_KILL if va lies in none. *why, if set, says why a kill kills.
enum fault_result vma_fault(struct proc *p, uint64 scause, uint64 va, const char **why);
// Lazily restored pages (kernel/mm/backing.c): is va one of p's, does its
// run allow the PROT_* access need, and fill its PTE (pte, which is 0).
int backing_covers(struct proc *p, uint64 va);
int backing_allows(struct proc *p, uint64 va, int need);
enum fault_result backing_fill(struct proc *p, pte_t *pte, uint64 va, int store, const char **why);

// A valid PTE at this level that points to the next level's table (no
// R, W or X), rather than mapping memory: the table, else 0.
static inline pagetable_t pte_table(pte_t e, int level) {
  if (level == 0 || (e & PTE_V) == 0 || (e & (PTE_R | PTE_W | PTE_X)))
    return 0;
  return (pagetable_t)PTE2PA(e);
}

// The mark of a level-1 entry whose leaf table is shared (fork=sharedpt,
// kernel/mm/sharedpt.c): PTE_V clear, so the hardware faults on any access
// below it, and the table's address kept in the PPN field, which the
// hardware ignores in an invalid entry. (PTE_COW's bit: in a level-1
// entry it cannot mean COW.)
#define PTE_SHARED_PT PTE_RSW0

static inline int spt_is_shared(pte_t e) { return (e & (PTE_V | PTE_SHARED_PT)) == PTE_SHARED_PT; }

#define LEAF_VA(i2, i1, i0) \
  (((uint64)(i2) << PXSHIFT(2)) | ((uint64)(i1) << PXSHIFT(1)) | ((uint64)(i0) << PXSHIFT(0)))

// Apply leaf(pte, va, arg) to every valid leaf PTE of the tree pt, and
// table(t, arg) to every page-table page t once its entries are done
// (children before parents, so table may free them). Lazy reservations
// (not valid) are not leaves. A level-1 entry that marks a shared leaf
// table (kernel/mm/sharedpt.c) goes to shared(l1e, va, arg) instead: the
// table is not this tree's alone, so neither leaf nor table sees it.
// Free, the frame audit and procstat's counting all walk a tree with it.
static inline __attribute__((always_inline)) void
uvm_for_each_leaf(pagetable_t pt, void (*leaf)(pte_t *, uint64, void *),
                  void (*table)(pagetable_t, void *), void (*shared)(pte_t *, uint64, void *),
                  void *arg) {
  for (int i2 = 0; i2 < 512; i2++) {
    pagetable_t mid = pte_table(pt[i2], 2);
    if (mid == 0 && (pt[i2] & PTE_V))
      leaf(&pt[i2], LEAF_VA(i2, 0, 0), arg);
    for (int i1 = 0; mid && i1 < 512; i1++) {
      pagetable_t low = pte_table(mid[i1], 1);
      if (low == 0 && (mid[i1] & PTE_V))
        leaf(&mid[i1], LEAF_VA(i2, i1, 0), arg);
      if (spt_is_shared(mid[i1]))
        shared(&mid[i1], LEAF_VA(i2, i1, 0), arg);
      for (int i0 = 0; low && i0 < 512; i0++)
        if (low[i0] & PTE_V)
          leaf(&low[i0], LEAF_VA(i2, i1, i0), arg);
      if (low)
        table(low, arg);
    }
    if (mid)
      table(mid, arg);
  }
  table(pt, arg);
}

// Apply fn to every used PTE of old in [start, end), paired with the
// child's PTE for the same address in new (allocating its page-table
// pages), for the fork strategies (eager copy in vm.c, COW share in
// cow.c) and mappings (mmap.c). start is page aligned. On a failure the
// child's pages of the range so far are dropped and -1 returned.
static inline __attribute__((always_inline)) int
uvm_for_each_pair(pagetable_t old, pagetable_t new, uint64 start, uint64 end,
                  int (*fn)(pte_t *, pte_t *)) {
  int n;
  for (uint64 va = start; va < end; va += n * PGSIZE) {
    pte_t *pte;
    n = leaf_run(old, va, end, &pte);
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
  uvm_unmap(new, start, (PGROUNDUP(end) - start) / PGSIZE, 1);
  return -1;
}

#endif
