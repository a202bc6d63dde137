// Shared last-level page tables: the fork=sharedpt strategy, after
// On-demand-fork (EuroSys 2021), adapted to Sv39.
//
// COW fork (kernel/mm/cow.c) still touches every PTE of the parent: fork
// costs a little per parent page. Here fork hands the child the parent's
// leaf (level-0) tables themselves, one reference per table, so fork
// costs a little per 2 MiB of parent instead. A table is copied only when
// one side first touches its 2 MiB region after the fork.
//
// The Sv39 difficulty: a pointer PTE (V=1, R=W=X=0) has no permission
// bits, so a shared table cannot be write-protected from the level above,
// as x86 does by clearing RW in the PMD. Instead both sides' level-1
// entries for a shared table are made invalid, with PTE_SHARED_PT set and
// the table's address kept (the hardware ignores an invalid entry's other
// bits). Any access to the region, read or write, then faults, and
// spt_unshare gives the faulting side a private table:
//   - still shared (count > 1): a copy. Every mapped frame gains a
//     reference for the copy's PTE, and writable user pages turn COW, in
//     the copy and in the shared table alike, because their frames are
//     now mapped twice. The faulting side drops its table reference.
//   - no longer shared (count 1: the others took copies or exited): the
//     table is re-validated in place; nothing is copied.
// Each table's reference count is its frame's count (kernel/mm/frame.c):
// one per level-1 entry that points at it, valid or marked. Freeing the
// last reference frees the table and drops its leaves' frame references.
//
// Invariant: a leaf table's frame count equals the number of level-1
// entries, in all page tables, that point at it; a marked entry's table
// is never written through except to turn a writable user PTE COW (which
// uvm_share and spt_unshare may both do, with the same result); every
// frame a shared table maps holds one reference for that table's PTE, not
// one per sharer.
//
// TLB: no hart can hold a translation through a marked entry, because
// calf's processes are single-threaded, a user page table is live only on
// the hart running its process, and every entry to user mode (userret in
// trampoline.S) runs sfence.vma after writing satp. So a table that turns
// private on one side cannot leave a stale translation on another hart:
// the other side's entries were marked before it last returned to user
// mode. The sfence_vma calls below cover the hart that changed its own
// page table, for translations it cached before the change (at fork, the
// parent's entries lose PTE_V; after an unshare, the hardware may have
// cached the invalid level-1 entry, which Sv39 allows).
#include "kernel/mm/sharedpt.h"
#include "kernel/mm/vm.h"
#include "kernel/mm/frame.h"
#include "kernel/memlayout.h"
#include "kernel/sched/sched.h"
#include "kernel/riscv/cpu.h"
#include "kernel/lib/printk.h"

#define L1SPAN (512 * (uint64)PGSIZE) // the 2 MiB one leaf table maps
// Tables below this never map the trap frame or the trampoline, which
// belong to one page table only.
#define SPT_TOP (TRAPFRAME & ~(L1SPAN - 1))

static uint64 nshared; // tables with a count above 1 (atomic)

// The level-1 entry for va in pt, allocating the level-1 table if alloc;
// 0 if va is out of range or memory runs out.
static pte_t *l1_entry(pagetable_t pt, uint64 va, int alloc) {
  if (va >= MAXVA)
    return 0;
  pte_t *l2e = &pt[PX(2, va)];
  if ((*l2e & PTE_V) == 0) {
    pagetable_t l1;
    if (!alloc || (l1 = frame_alloc_zero()) == 0)
      return 0;
    uvm_pt_pages_add(1);
    *l2e = PA2PTE(l1) | PTE_V;
  }
  return &((pagetable_t)PTE2PA(*l2e))[PX(1, va)];
}

// Drop a reference on a leaf table; the last one frees it, and with it
// its leaves' references. Release ordering, as in frame_put: this side's
// writes to the table (COW marks) happen before another side can see the
// count fall to 1 and take the table back in place.
static void table_put(pagetable_t t) {
  long old = __atomic_fetch_sub(frame_ref(t), 1, __ATOMIC_RELEASE);
  if (old == 2)
    __atomic_fetch_sub(&nshared, 1, __ATOMIC_RELAXED);
  if (old > 1)
    return;
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  for (int i = 0; i < 512; i++)
    if (t[i] & PTE_V)
      frame_put((void *)PTE2PA(t[i]));
  uvm_pt_pages_add(-1);
  frame_put_last(t, old);
}

void spt_put(pte_t l1e) { table_put((pagetable_t)PTE2PA(l1e)); }

// Store a new value in one of the current process's level-1 entries under
// its p->lock: procstat walks another process's page table holding only
// that lock, and must not follow an entry to a table freed meanwhile.
static void set_entry(pte_t *l1e, pte_t e) {
  struct proc *p = myproc();
  spin_lock(&p->lock);
  *l1e = e;
  spin_unlock(&p->lock);
}

// LAB sharedpt: BEGIN SOLUTION
// One more page table holds leaf table t (see table_put for the count).
static void table_get(pagetable_t t) {
  if (__atomic_fetch_add(frame_ref(t), 1, __ATOMIC_RELAXED) == 1)
    __atomic_fetch_add(&nshared, 1, __ATOMIC_RELAXED);
}

int spt_fork(pagetable_t old, pagetable_t new, uint64 sz) {
  if (sz > SPT_TOP)
    return uvm_share(old, new, sz); // reaches the trap frame's table: plain COW
  for (uint64 va = 0; va < sz; va += L1SPAN) {
    pte_t *l1e = l1_entry(old, va, 0);
    if (l1e == 0 || *l1e == 0)
      continue;
    pte_t *nl1e = l1_entry(new, va, 1);
    if (nl1e == 0)
      return -1;
    pagetable_t t = (pagetable_t)PTE2PA(*l1e);
    // The parent's entry is marked even when it already was (a fork of a
    // fork before anyone touched the region: the table is shared 3 ways).
    *l1e = PA2PTE(t) | PTE_SHARED_PT;
    *nl1e = *l1e;
    table_get(t);
  }
  // The parent's level-1 entries lost PTE_V: drop what this hart cached
  // through them (userret flushes again before the parent runs).
  sfence_vma();
  return 0;
}

// One PTE of a shared table, for the copy: a mapped frame gains the
// copy's reference, and a writable user page turns COW in both tables.
static pte_t share_entry(pte_t *pte) {
  pte_t e = *pte;
  if ((e & PTE_V) == 0)
    return e; // empty: no frame
  if ((e & (PTE_W | PTE_U)) == (PTE_W | PTE_U)) {
    e = (e & ~PTE_W) | PTE_COW;
    *pte = e;
  }
  frame_get((void *)PTE2PA(e));
  return e;
}

enum fault_result spt_unshare(pte_t *l1e) {
  pagetable_t t = (pagetable_t)PTE2PA(*l1e);
  // Acquire: pairs with table_put's release, so the COW marks the last
  // other sharer wrote are seen before this side writes through t.
  if (__atomic_load_n(frame_ref(t), __ATOMIC_ACQUIRE) == 1) {
    *l1e = PA2PTE(t) | PTE_V; // sole holder: take it back in place
    sfence_vma(); // the invalid entry may be cached on this hart
    return FAULT_SPT_REUSE;
  }
  pagetable_t copy = frame_alloc();
  if (copy == 0)
    return FAULT_OOM;
  for (int i = 0; i < 512; i++)
    copy[i] = share_entry(&t[i]);
  uvm_pt_pages_add(1);
  set_entry(l1e, PA2PTE(copy) | PTE_V);
  table_put(t); // frees t if the other sharers let go meanwhile
  sfence_vma();
  return FAULT_SPT_COPY;
}
// LAB sharedpt: END SOLUTION
// LAB sharedpt: BEGIN STUB
// // Your job (docs/labs/sharedpt.md): share the parent's leaf tables
// // with the child, marking the level-1 entries on both sides, and
// // give a faulting side a private table; keep nshared (the tables
// // with a count above 1) right, as table_put does. Until then
// // sharedpt forks copy-on-write, and no table is ever shared.
// int spt_fork(pagetable_t old, pagetable_t new, uint64 sz) {
//   return uvm_share(old, new, sz);
// }
//
// enum fault_result spt_unshare(pte_t *l1e) {
//   return FAULT_KILL;
// }
// LAB sharedpt: END STUB

pte_t *spt_entry(pagetable_t pt, uint64 va) {
  pte_t *l1e = l1_entry(pt, va, 0);
  return l1e && spt_is_shared(*l1e) ? l1e : 0;
}

pte_t *spt_walk(pagetable_t pt, uint64 va, int *sharers) {
  pte_t *l1e = l1_entry(pt, va, 0);
  if (l1e == 0 || ((*l1e & PTE_V) == 0 && !spt_is_shared(*l1e)))
    return 0;
  pagetable_t t = (pagetable_t)PTE2PA(*l1e);
  if (sharers)
    *sharers = spt_is_shared(*l1e) ? frame_refs(t) : 1;
  return &t[PX(0, va)];
}

int spt_prepare_shrink(pagetable_t pt, uint64 newsz, uint64 oldsz) {
  // The table newsz falls inside keeps its pages below newsz: it must be
  // private before uvm_unmap clears the rest.
  uint64 first = (newsz + L1SPAN - 1) & ~(L1SPAN - 1);
  pte_t *l1e = first != newsz ? spt_entry(pt, newsz) : 0;
  if (l1e && spt_unshare(l1e) == FAULT_OOM)
    return -1;
  // Tables from there up map nothing at or above oldsz: drop them whole.
  for (uint64 a = first; a < oldsz; a += L1SPAN) {
    if ((l1e = spt_entry(pt, a)) == 0)
      continue;
    pte_t e = *l1e;
    set_entry(l1e, 0);
    spt_put(e);
  }
  return 0;
}

void spt_audit(pte_t l1e) {
  pagetable_t t = (pagetable_t)PTE2PA(l1e);
  if (frame_audit_ref(t) > 1)
    return; // its leaves were reported by the first sharer the audit met
  for (int i = 0; i < 512; i++)
    if (t[i] & PTE_V)
      frame_audit_ref((void *)PTE2PA(t[i]));
}

uint64 spt_shared_tables(void) { return __atomic_load_n(&nshared, __ATOMIC_RELAXED); }
