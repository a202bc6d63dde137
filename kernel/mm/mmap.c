// Memory mappings (mmap): regions of a process's address space that show
// anonymous memory or an object's pages, filled on first touch.
//
// A process's mappings are a small array (p->mmaps, allocated at its
// first mmap). They live above the heap, placed downwards from MMAPTOP
// unless the caller asks for an address, and never share a 2 MiB leaf
// page table with [0, sz): fork=sharedpt shares the heap's leaf tables
// whole, and a mapping's pages follow the rules below instead.
//
// What a fault inside a mapping does (kernel/mm/fault.c calls vma_fault
// when the PTE alone does not say):
//   anonymous        -> a zeroed frame of its own
//   file, shared     -> the page cache's own frame; writable only after a
//                       store, which tells the object the page is dirty
//   file, private    -> the cache's frame, read-only and, if the mapping
//                       may be written, PTE_COW: the first store copies it
//                       (kernel/mm/cow.c), exactly as after a fork, with
//                       the cache as the other sharer
// A store to a page the mapping does not allow, a touch past the end of
// the file, or a touch outside every mapping kills the process.
//
// Invariant: every PTE inside a mapping is 0 or valid and holds one frame
// reference; a PTE with PTE_W in a shared file mapping has been counted
// dirty by the object (page_dirty) and is counted clean (page_clean) when
// it goes, after its page was written home. Only p itself changes its
// mappings; it holds p->lock while it edits the array, so that procstat
// on another hart reads a consistent one.
#include "kernel/mm/mmap.h"
#include "kernel/mm/backing.h"
#include "kernel/mm/internal.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/vm.h"
#include "kernel/sched/sched.h"
#include "kernel/riscv/cpu.h"
#include "kernel/memlayout.h"
#include "kernel/fcntl.h"
#include "kernel/vmstat.h"
#include "kernel/lib/string.h"

struct mmap_set {
  struct vma v[NVMA]; // a slot is free when end == 0
};

_Static_assert(sizeof(struct mmap_set) <= PGSIZE, "a mapping set fits in one frame");

#define SUPERPAGE (1UL << PXSHIFT(1)) // what one leaf page table maps: 2 MiB
#define MAP_KIND (MAP_SHARED | MAP_PRIVATE)

static uint64 round_up(uint64 a, uint64 to) { return (a + to - 1) & ~(to - 1); }

// The lowest address a mapping may use: the heap's last leaf table is
// its own.
static uint64 map_floor(struct proc *p) { return round_up(p->sz, SUPERPAGE); }

static int in_range(struct vma *v, uint64 va) { return v->end != 0 && va >= v->start && va < v->end; }

static int overlap(struct vma *v, uint64 start, uint64 end) {
  return v->end != 0 && v->start < end && start < v->end;
}

static struct vma *find(struct mmap_set *ms, uint64 va) {
  for (struct vma *v = ms->v; v < ms->v + NVMA; v++)
    if (in_range(v, va))
      return v;
  return 0;
}

static int free_slots(struct mmap_set *ms) {
  int n = 0;
  for (struct vma *v = ms->v; v < ms->v + NVMA; v++)
    n += v->end == 0;
  return n;
}

static struct vma *free_slot(struct mmap_set *ms) {
  for (struct vma *v = ms->v; v < ms->v + NVMA; v++)
    if (v->end == 0)
      return v;
  return 0;
}

// The lowest start among mappings overlapping [start, end), or 0 if none.
static uint64 lowest_overlap(struct mmap_set *ms, uint64 start, uint64 end) {
  uint64 low = 0;
  for (struct vma *v = ms->v; v < ms->v + NVMA; v++)
    if (overlap(v, start, end) && (low == 0 || v->start < low))
      low = v->start;
  return low;
}

// [start, start + len) lies between the heap's tables and MMAPMAX. start
// is checked against MMAPMAX before the subtraction: above it, MMAPMAX -
// start would wrap to a huge length and let a mapping cover the trap
// frame and trampoline (whose frames its munmap or exit would then free).
static int range_ok(struct proc *p, uint64 start, uint64 len) {
  return start % PGSIZE == 0 && start >= map_floor(p) && start <= MMAPMAX &&
         len <= MMAPMAX - start;
}

// Where len bytes go: the hint if it is free, else the highest free
// range below MMAPTOP. 0 if there is none.
static uint64 place(struct proc *p, struct mmap_set *ms, uint64 hint, uint64 len) {
  if (hint && range_ok(p, hint, len) && lowest_overlap(ms, hint, hint + len) == 0)
    return hint;
  uint64 end = MMAPTOP, floor = map_floor(p);
  while (end >= floor && end - floor >= len) {
    uint64 low = lowest_overlap(ms, end - len, end);
    if (low == 0)
      return end - len;
    end = low;
  }
  return 0;
}

static uint64 page_of(struct vma *v, uint64 va) { return v->pgoff + (va - v->start) / PGSIZE; }

static int is_shared_file(struct vma *v) { return v->obj && (v->flags & MAP_SHARED); }

// Can stores through v reach its object? (It then counts as a writer of
// the file: kernel/fs/filemap.c.)
static int writes(struct vma *v) { return is_shared_file(v) && (v->prot & PROT_WRITE); }

// Edit p's array under p->lock (see the invariant).
static void set_vma(struct proc *p, struct vma *slot, struct vma *v) {
  spin_lock(&p->lock);
  *slot = *v;
  spin_unlock(&p->lock);
}

// Does unmapping [addr, end) split a mapping in two (and so need a slot)?
static int needs_split(struct mmap_set *ms, uint64 addr, uint64 end) {
  for (struct vma *v = ms->v; v < ms->v + NVMA; v++)
    if (v->end != 0 && v->start < addr && v->end > end)
      return 1;
  return 0;
}

uint64 vma_map(struct proc *p, uint64 addr, uint64 len, int prot, int flags, void *obj,
               const struct vm_object_ops *ops, uint64 pgoff) {
  int kind = flags & MAP_KIND;
  if (len == 0 || len > MMAPMAX || (kind != MAP_SHARED && kind != MAP_PRIVATE) ||
      (flags & ~(MAP_KIND | MAP_FIXED | MAP_ANONYMOUS)) ||
      (prot & ~(PROT_READ | PROT_WRITE | PROT_EXEC)) || pgoff > (MAXVA / PGSIZE))
    return -1;
  len = round_up(len, PGSIZE);
  int fixed = flags & MAP_FIXED;
  if (fixed && !range_ok(p, addr, len))
    return -1;
  if (p->mmaps == 0 && (p->mmaps = frame_alloc_zero()) == 0)
    return -1;
  // Everything that can fail before anything changes: MAP_FIXED's unmap
  // of what was there may split a mapping (one slot), and the new mapping
  // needs one.
  int need = 1 + (fixed && needs_split(p->mmaps, addr, addr + len));
  uint64 start = fixed ? addr : place(p, p->mmaps, addr, len);
  if (free_slots(p->mmaps) < need || start == 0)
    return -1;
  if (fixed)
    vma_unmap(p, addr, len); // cannot fail now: the slot is there
  struct vma *slot = free_slot(p->mmaps);
  struct vma v = {start, start + len, pgoff, prot, flags, obj, ops};
  if (obj)
    ops->get(obj, writes(&v));
  set_vma(p, slot, &v);
  return start;
}

// Apply fn to every valid PTE of v in [lo, hi), a leaf table at a time:
// a mapping may be huge and mostly untouched, and a table that is not
// there is skipped whole.
static void for_each_page(struct proc *p, struct vma *v, uint64 lo, uint64 hi,
                          void (*fn)(struct vma *, uint64, pte_t *, void *), void *arg) {
  int n;
  for (uint64 va = lo; va < hi; va += n * PGSIZE) {
    pte_t *pte;
    n = leaf_run(p->pagetable, va, hi, &pte);
    for (int i = 0; pte && i < n; i++)
      if (pte[i] & PTE_V)
        fn(v, va + i * PGSIZE, &pte[i], arg);
  }
}

// Drop one page of v, writing it home first if it is a dirty shared page
// (the PTE keeps the frame alive meanwhile).
static void release_page(struct vma *v, uint64 va, pte_t *pte, void *arg) {
  void *pa = (void *)PTE2PA(*pte);
  // LAB mmap: BEGIN SOLUTION
  // A shared file page is writable only after a store counted it dirty
  // (fill_file, vma_fault), so PTE_W is the "must go home" mark. Write it
  // while the PTE still holds the frame: after frame_put it may be gone.
  // (If the write fails, munmap and exit have no one to tell: the changes
  // are lost, as on Linux. msync reports it.)
  int dirty = is_shared_file(v) && (*pte & PTE_W);
  if (dirty)
    v->ops->writeback(v->obj, page_of(v, va), pa);
  // LAB mmap: END SOLUTION
  // LAB mmap: BEGIN STUB
  // // Your job: a page of a MAP_SHARED file mapping that the process has
  // // written (its PTE has PTE_W) must reach the file before it goes, and
  // // be counted clean after (see the dirty/clean protocol in mmap.h).
  // // As it is, munmap and exit just drop the page and its changes.
  // int dirty = 0;
  // LAB mmap: END STUB
  frame_map_change_begin(); // the PTE goes before its reference: see frame.c
  *pte = 0;
  sfence_vma();
  frame_put(pa);
  frame_map_change_end();
  if (dirty)
    v->ops->page_clean(v->obj, page_of(v, va));
}

static void release_pages(struct proc *p, struct vma *v, uint64 lo, uint64 hi) {
  for_each_page(p, v, lo, hi, release_page, 0);
}

// Cut [lo, hi) out of *v (whose pages there are gone): shrink it, split
// it, or free the slot.
static void cut(struct proc *p, struct vma *v, uint64 lo, uint64 hi) {
  struct vma left = *v, right = *v, none = {0};
  left.end = lo;
  right.pgoff = page_of(v, hi);
  right.start = hi;
  int keep_left = lo > v->start, keep_right = hi < v->end;
  if (keep_left && keep_right) {
    if (v->obj)
      v->ops->get(v->obj, writes(v)); // the right half holds obj too
    set_vma(p, free_slot(p->mmaps), &right);
  }
  if (!keep_left && !keep_right && v->obj)
    v->ops->put(v->obj, writes(v));
  set_vma(p, v, keep_left ? &left : keep_right ? &right : &none);
}

int vma_unmap(struct proc *p, uint64 addr, uint64 len) {
  if (addr % PGSIZE || len == 0 || addr >= MAXVA || len > MAXVA - addr)
    return -1;
  uint64 end = round_up(addr + len, PGSIZE);
  struct mmap_set *ms = p->mmaps;
  if (ms == 0)
    return 0; // nothing mapped there: as Linux, not an error
  if (needs_split(ms, addr, end) && free_slot(ms) == 0)
    return -1;
  for (struct vma *v = ms->v; v < ms->v + NVMA; v++) {
    if (!overlap(v, addr, end))
      continue;
    uint64 lo = v->start > addr ? v->start : addr;
    uint64 hi = v->end < end ? v->end : end;
    release_pages(p, v, lo, hi);
    backing_cut(p, lo, hi); // a lazily restored page there is gone too
    cut(p, v, lo, hi);
  }
  return 0;
}

// msync's step: a dirty page home; arg counts the writes that failed.
static void sync_page(struct vma *v, uint64 va, pte_t *pte, void *arg) {
  if ((*pte & PTE_W) && v->ops->writeback(v->obj, page_of(v, va), (void *)PTE2PA(*pte)) < 0)
    (*(int *)arg)++;
}

int vma_sync(struct proc *p, uint64 addr, uint64 len) {
  if (addr % PGSIZE || addr >= MAXVA || len > MAXVA - addr || p->mmaps == 0)
    return -1;
  uint64 end = round_up(addr + len, PGSIZE);
  // Every page must be mapped (Linux's ENOMEM otherwise).
  for (uint64 va = addr; va < end;) {
    struct vma *v = find(p->mmaps, va);
    if (v == 0)
      return -1;
    va = v->end;
  }
  int failed = 0;
  for (struct vma *v = p->mmaps->v; v < p->mmaps->v + NVMA; v++) {
    if (!overlap(v, addr, end) || !is_shared_file(v))
      continue;
    for_each_page(p, v, v->start > addr ? v->start : addr, v->end < end ? v->end : end, sync_page,
                  &failed);
  }
  return failed ? -1 : 0;
}

// fork: a shared page is the same frame in the child, read-only there
// until the child's own first store counts it dirty.
static int share_shared(pte_t *pte, pte_t *npte) {
  if (*pte & PTE_V)
    frame_get((void *)PTE2PA(*pte));
  *npte = *pte & ~PTE_W;
  return 0;
}

// fork: a private page turns copy-on-write in both, as in COW fork.
static int share_private(pte_t *pte, pte_t *npte) {
  if ((*pte & (PTE_V | PTE_W)) == (PTE_V | PTE_W))
    *pte = (*pte & ~PTE_W) | PTE_COW;
  if (*pte & PTE_V)
    frame_get((void *)PTE2PA(*pte));
  *npte = *pte;
  return 0;
}

struct mmap_set *vma_share_set(struct mmap_set *ms, pagetable_t pt, pagetable_t npt) {
  struct mmap_set *set = frame_alloc_zero();
  if (set == 0)
    return 0;
  int r = 0;
  frame_map_change_begin(); // references before PTEs: see frame.c
  for (struct vma *v = ms->v; v < ms->v + NVMA && r == 0; v++)
    if (v->end)
      r = uvm_for_each_pair(pt, npt, v->start, v->end,
                            (v->flags & MAP_SHARED) ? share_shared : share_private);
  frame_map_change_end();
  sfence_vma(); // pt's private pages lost PTE_W
  if (r < 0) {
    frame_put(set);
    return 0;
  }
  *set = *ms;
  for (struct vma *v = set->v; v < set->v + NVMA; v++)
    if (v->end && v->obj)
      v->ops->get(v->obj, writes(v));
  return set;
}

void vma_set_put(struct mmap_set *set) {
  for (struct vma *v = set->v; v < set->v + NVMA; v++)
    if (v->end && v->obj)
      v->ops->put(v->obj, writes(v));
  frame_put(set);
}

void vma_set_install(struct proc *p, struct mmap_set *set) {
  spin_lock(&p->lock);
  p->mmaps = set;
  spin_unlock(&p->lock);
}

int vma_fork(struct proc *p, struct proc *np) {
  if (p->mmaps == 0)
    return 0;
  // np is not running yet: no one else reads its mmaps.
  np->mmaps = vma_share_set(p->mmaps, p->pagetable, np->pagetable);
  return np->mmaps ? 0 : -1;
}

void vma_unmap_all(struct proc *p) {
  struct mmap_set *ms = p->mmaps;
  if (ms == 0)
    return;
  vma_unmap(p, 0, MAXVA); // splits nothing, so cannot fail
  spin_lock(&p->lock);
  p->mmaps = 0;
  spin_unlock(&p->lock);
  frame_put(ms);
}

uint64 vma_heap_limit(struct proc *p) {
  uint64 low = p->mmaps ? lowest_overlap(p->mmaps, 0, MAXVA) : 0;
  return low ? low & ~(SUPERPAGE - 1) : TRAPFRAME;
}

// The PTE rights a page of v gets (before any write).
static int page_perm(struct vma *v) {
  int perm = PTE_U | PTE_R; // RISC-V has no write-only pages
  if (v->prot & PROT_EXEC)
    perm |= PTE_X;
  return perm;
}

// First touch of a file page: the cache's frame, or a private copy of it
// for a store to a private mapping.
static enum fault_result fill_file(struct vma *v, pte_t *pte, uint64 va, int store, const char **why) {
  if (mycpu()->noff > 0) { // copyout under a spinlock (wait's status): may not sleep
    *why = "file page touched while the kernel holds a lock";
    return FAULT_KILL;
  }
  // LAB mmap: BEGIN SOLUTION
  int err, perm = page_perm(v);
  frame_map_change_begin(); // a reference before its PTE: see frame.c
  void *pa = v->ops->get_page(v->obj, page_of(v, va), &err);
  if (pa && store && (v->flags & MAP_PRIVATE)) {
    // The first touch is a store: copy now rather than map the cache's
    // frame COW and take a second fault to break it at once.
    void *mem = frame_alloc();
    if (mem)
      frame_copy(mem, pa);
    else
      err = VMOBJ_NOMEM;
    frame_put(pa);
    pa = mem;
    perm |= PTE_W;
  } else if (pa && (v->prot & PROT_WRITE)) {
    // Private: the cache is the other sharer, so a later store breaks
    // COW (cow.c). Shared: writable now only for a store, which is then
    // counted dirty below; a load leaves it clean until vma_fault sees
    // the first store.
    perm |= (v->flags & MAP_PRIVATE) ? PTE_COW : store ? PTE_W : 0;
  }
  if (pa)
    *pte = PA2PTE(pa) | perm | PTE_V;
  frame_map_change_end();
  if (pa == 0) {
    *why = err == VMOBJ_EOF ? "page fault past the end of the mapped file" : 0;
    return err == VMOBJ_EOF ? FAULT_KILL : FAULT_OOM;
  }
  if (store && (v->flags & MAP_SHARED))
    v->ops->page_dirty(v->obj, page_of(v, va));
  return FAULT_FILE;
  // LAB mmap: END SOLUTION
  // LAB mmap: BEGIN STUB
  // // Your job: fill the PTE with page page_of(v, va) of the file, from
  // // v->ops->get_page (one frame reference for this PTE). A load maps the
  // // cache's own frame read-only; a store to a MAP_PRIVATE mapping gets a
  // // private copy; a MAP_SHARED page becomes writable on a store, and is
  // // then counted dirty with v->ops->page_dirty. Until then, touching a
  // // file mapping kills the process.
  // *why = "file mappings are not implemented yet (lab mmap)";
  // return FAULT_KILL;
  // LAB mmap: END STUB
}

static enum fault_result fill_anon(struct vma *v, pte_t *pte) {
  void *mem = frame_alloc_zero();
  if (mem == 0)
    return FAULT_OOM;
  *pte = PA2PTE(mem) | page_perm(v) | ((v->prot & PROT_WRITE) ? PTE_W : 0) | PTE_V;
  return FAULT_ANON;
}

enum fault_result vma_fault(struct proc *p, uint64 scause, uint64 va, const char **why) {
  struct vma *v = p->mmaps ? find(p->mmaps, va) : 0;
  *why = 0;
  if (v == 0)
    return FAULT_KILL;
  int store = scause == SCAUSE_STORE_PAGE_FAULT;
  int need = store ? PROT_WRITE : scause == SCAUSE_INST_PAGE_FAULT ? PROT_EXEC : PROT_READ;
  if ((v->prot & need) == 0) {
    *why = "access the mapping does not allow";
    return FAULT_KILL;
  }
  pte_t *pte = walk(p->pagetable, PGROUNDDOWN(va), 1);
  if (pte == 0)
    return FAULT_OOM;
  enum fault_result r;
  if (*pte & PTE_V) {
    // Present: the one case left is a store to a clean shared page.
    if (!store || (v->flags & MAP_SHARED) == 0)
      return FAULT_KILL;
    if (v->obj)
      v->ops->page_dirty(v->obj, page_of(v, va));
    *pte |= PTE_W;
    r = FAULT_SHARED_WRITE;
  } else {
    r = v->obj ? fill_file(v, pte, PGROUNDDOWN(va), store, why) : fill_anon(v, pte);
  }
  sfence_vma();
  return r;
}

int vma_get(struct proc *p, int i, struct vma *out) {
  if (p->mmaps == 0 || i < 0 || i >= NVMA || p->mmaps->v[i].end == 0)
    return -1;
  *out = p->mmaps->v[i];
  return 0;
}

void vma_stat(struct proc *p, struct procstat *ps) {
  if (p->mmaps == 0)
    return;
  for (struct vma *v = p->mmaps->v; v < p->mmaps->v + NVMA; v++)
    ps->mapped_bytes += v->end - v->start; // 0 for a free slot
}
