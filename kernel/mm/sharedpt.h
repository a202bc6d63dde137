// Shared last-level page tables: the fork=sharedpt strategy
// (kernel/mm/sharedpt.c owns the mechanism and its invariant; the mark,
// PTE_SHARED_PT, is in kernel/mm/internal.h, since every walker reads it).
// Used inside mm/ only.
#ifndef CALF_SHAREDPT_H
#define CALF_SHAREDPT_H

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/mm/internal.h"

// Fork by sharing the parent's leaf tables for [0, sz) with the child.
// Returns 0, or -1 if a page-table page ran out (the caller frees new).
int spt_fork(pagetable_t old, pagetable_t new, uint64 sz);
// Make the shared table *l1e points at private to this page table: a copy
// (FAULT_SPT_COPY) or, if no one else holds it any more, the table itself
// (FAULT_SPT_REUSE); FAULT_OOM if no frame is free for the copy.
enum fault_result spt_unshare(pte_t *l1e);
// The level-1 entry for va if it marks a shared leaf table, else 0 (the
// fault path's first question).
pte_t *spt_entry(pagetable_t pt, uint64 va);
// Drop a shared entry's reference on its table (exit, exec, shrink).
void spt_put(pte_t l1e);
// The leaf PTE for va, looking through a shared table without unsharing
// it, or 0 if no leaf table covers va. If sharers is not 0, *sharers is
// set to how many page tables hold that leaf table (1: a private one).
// For readers, and for uvm_share, which may turn an entry COW in place.
pte_t *spt_walk(pagetable_t pt, uint64 va, int *sharers);
// Before sbrk shrinks [newsz, oldsz) (page aligned): drop the shared
// tables the range covers whole and unshare the one it starts inside.
// Returns 0, or -1 (nothing changed that matters) if that needed a frame.
int spt_prepare_shrink(pagetable_t pt, uint64 newsz, uint64 oldsz);
// The frame audit for a shared entry: report the table's reference, and,
// the first time this audit meets the table, its leaves' frames.
void spt_audit(pte_t l1e);
// Leaf tables held by more than one page table right now.
uint64 spt_shared_tables(void);

#endif
