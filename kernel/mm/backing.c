// Lazily restored memory: a process's pages that come from an object on
// first touch, then are the process's own (copy-on-write).
//
// restore(path, RESTORE_LAZY) (kernel/proc/restore.c) does not read the
// image's pages. It gives the new process a backing: a list of runs of
// virtual pages, each showing the image file's pages from some page offset
// on, through the vm_object_ops the file layer registered for the image
// (kernel/fs/filemap.c). The runs may lie below sz (program, stack, heap)
// or inside mmap regions: the fault path (kernel/mm/fault.c) asks the
// backing first whenever a page has no PTE. A backed page arrives exactly
// as a page of a MAP_PRIVATE file mapping does: the page cache's frame,
// read-only and copy-on-write if the page may be written, or a private
// copy at once if the first touch is a store. So each page costs one
// fault (and one disk read if the cache does not hold it) on first touch,
// and only touched pages cost anything: CRIU's lazy pages, done with the
// page cache instead of userfaultfd.
//
// The boot argument lazycost=N adds a fixed cost of N loop iterations to
// every restore fault (deterministic under -icount), so a demo can raise
// the per-fault cost and watch the crossover with eager restore move.
//
// Invariant: p->backing is 0 or one frame holding runs that do not
// overlap, each of whose pages has no PTE yet or has been filled (a PTE
// wins: the backing is asked only where there is none). The backing holds
// one reference on its object (ops->get). Only p itself changes it after
// restore installed it (munmap, sbrk, exec, exit); fork copies it.
#include "kernel/mm/backing.h"
#include "kernel/mm/internal.h"
#include "kernel/mm/mmap.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/vm.h"
#include "kernel/sched/sched.h"
#include "kernel/riscv/cpu.h"
#include "kernel/riscv/fdt.h"
#include "kernel/fcntl.h"
#include "kernel/lib/string.h"

struct backing_run {
  uint64 start, end; // a free slot has end == 0
  uint64 pgoff;      // the object's page shown at start
  int prot;
};

#define NBRUN ((PGSIZE - 32) / sizeof(struct backing_run))

struct backing {
  void *obj;
  const struct vm_object_ops *ops;
  struct backing_run r[NBRUN];
};

_Static_assert(sizeof(struct backing) <= PGSIZE, "a backing fits in one frame");

static int lazycost = -1; // read from the boot arguments at the first fault

struct backing *backing_new(void *obj, const struct vm_object_ops *ops) {
  struct backing *b = frame_alloc_zero();
  if (b == 0)
    return 0;
  b->obj = obj;
  b->ops = ops;
  ops->get(obj, 0);
  return b;
}

int backing_add(struct backing *b, uint64 start, uint64 end, uint64 pgoff, int prot) {
  for (struct backing_run *r = b->r; r < b->r + NBRUN; r++) {
    if (r->end == 0) {
      *r = (struct backing_run){start, end, pgoff, prot};
      return 0;
    }
  }
  return -1;
}

void backing_install(struct proc *p, struct backing *b) { p->backing = b; }

int backing_fork(struct proc *p, struct proc *np) {
  if (p->backing == 0)
    return 0;
  struct backing *b = frame_alloc();
  if (b == 0)
    return -1;
  memmove(b, p->backing, sizeof(*b));
  b->ops->get(b->obj, 0);
  np->backing = b;
  return 0;
}

// Cutting [lo, hi) out of a run may leave a piece on each side: the right
// piece needs a slot of its own. If there is none it is dropped: those
// pages then read as zero instead of the image (a documented limit; a
// restored image has at most CKPT_MAXRUNS runs, far fewer than NBRUN).
void backing_cut(struct proc *p, uint64 lo, uint64 hi) {
  struct backing *b = p->backing;
  if (b == 0)
    return;
  for (struct backing_run *r = b->r; r < b->r + NBRUN; r++) {
    if (r->end == 0 || r->end <= lo || r->start >= hi)
      continue;
    struct backing_run right = *r;
    right.pgoff += (hi - r->start) / PGSIZE;
    right.start = hi;
    if (r->start < lo)
      r->end = lo; // keep the left piece
    else
      r->end = 0;
    if (right.start < right.end)
      backing_add(b, right.start, right.end, right.pgoff, right.prot);
  }
}

void backing_drop(struct proc *p) {
  struct backing *b = p->backing;
  if (b == 0)
    return;
  p->backing = 0;
  b->ops->put(b->obj, 0);
  frame_put(b);
}

static struct backing_run *covering(struct backing *b, uint64 va) {
  if (b == 0)
    return 0;
  for (struct backing_run *r = b->r; r < b->r + NBRUN; r++)
    if (r->end != 0 && va >= r->start && va < r->end)
      return r;
  return 0;
}

int backing_covers(struct proc *p, uint64 va) { return covering(p->backing, va) != 0; }

// The lazycost=N boot argument's busy loop: the same N iterations on every
// fault, so that under -icount it costs the same instructions every time.
static void fault_cost(void) {
  if (lazycost < 0)
    lazycost = bootarg_uint("lazycost", 0);
  for (volatile int i = 0; i < lazycost; i++)
    ;
}

enum fault_result backing_fill(struct proc *p, pte_t *pte, uint64 va, int store, const char **why) {
  struct backing *b = p->backing;
  struct backing_run *r = covering(b, va);
  *why = 0;
  if (r == 0)
    return FAULT_KILL;
  if (mycpu()->noff > 0) { // copyout under a spinlock: may not sleep for the disk
    *why = "restored page touched while the kernel holds a lock";
    return FAULT_KILL;
  }
  // LAB checkpoint: BEGIN SOLUTION
  fault_cost();
  int err, perm = PTE_U | PTE_R | ((r->prot & PROT_EXEC) ? PTE_X : 0);
  frame_map_change_begin(); // a reference before its PTE: see frame.c
  void *pa = b->ops->get_page(b->obj, r->pgoff + (va - r->start) / PGSIZE, &err);
  if (pa && store) {
    // A store: the page is the process's own from the start. (A store to
    // a page the run does not let be written was refused by the caller.)
    void *mem = frame_alloc();
    if (mem)
      frame_copy(mem, pa);
    frame_put(pa);
    pa = mem;
    perm |= PTE_W;
  } else if (pa && (r->prot & PROT_WRITE)) {
    perm |= PTE_COW; // the image's cached page is the other sharer
  }
  if (pa)
    *pte = PA2PTE(pa) | perm | PTE_V;
  frame_map_change_end();
  if (pa == 0) {
    *why = err == VMOBJ_EOF ? "restored page lies past the end of its image" : 0;
    return err == VMOBJ_EOF ? FAULT_KILL : FAULT_OOM;
  }
  sfence_vma();
  return FAULT_RESTORE;
  // LAB checkpoint: END SOLUTION
  // LAB checkpoint: BEGIN STUB
  // // Your job: fill *pte with the image's page for va: page
  // // r->pgoff + (va - r->start) / PGSIZE of b->obj, from b->ops->get_page
  // // (one frame reference for this PTE), after fault_cost(). A load maps
  // // the cache's frame read-only (PTE_COW if r->prot allows writes); a
  // // store gets a private copy, writable. Until then a lazily restored
  // // process dies at its first touch.
  // (void)store;
  // (void)fault_cost;
  // *why = "lazy restore is not implemented yet (lab checkpoint)";
  // return FAULT_KILL;
  // LAB checkpoint: END STUB
}

// Does the run at va allow the access (PROT_* need)?
int backing_allows(struct proc *p, uint64 va, int need) {
  struct backing_run *r = covering(p->backing, va);
  return r && (r->prot & need) == need;
}
