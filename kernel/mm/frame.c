// The physical frame allocator.
//
// Owns every 4096-byte frame of RAM from the end of the kernel image to
// the end of RAM (as the device tree reports it), and a reference count
// for each.
//
// Invariant: a frame's count equals the number of page-table entries plus
// kernel references that hold it; a frame is on the free list exactly when
// its count is zero. frame_alloc hands out a frame with count 1 (the
// caller's reference); frame_get adds one, frame_put drops one and frees the
// frame when the last reference goes.
//
// Counts change with atomic instructions, so sharing a frame between
// processes on different harts needs no lock; only the free list has one.
#include "kernel/mm/frame.h"
#include "kernel/riscv.h"
#include "kernel/lock/spinlock.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"

struct run {
  struct run *next;
};

static struct {
  struct spinlock lock;
  struct run *freelist;
  uint64 nfree;
} fl;

static uint64 base, limit; // managed frames are [base, limit)
static int *refs;          // one count per frame in [base, limit)

static int *ref_of(void *pa) {
  uint64 a = (uint64)pa;
  if (a % PGSIZE != 0 || a < base || a >= limit)
    panic("frame: %p is not a managed frame", pa);
  return &refs[(a - base) / PGSIZE];
}

static void push_free(void *pa) {
  struct run *r = pa;
  spin_lock(&fl.lock);
  r->next = fl.freelist;
  fl.freelist = r;
  fl.nfree++;
  spin_unlock(&fl.lock);
}

// The count array lives at the start of [start, end); frames follow it.
void frame_init(uint64 start, uint64 end) {
  spin_init(&fl.lock, "frames");
  start = PGROUNDUP(start);
  end = PGROUNDDOWN(end);
  uint64 nframes = (end - start) / PGSIZE;
  refs = (int *)start;
  base = PGROUNDUP(start + nframes * sizeof(int));
  limit = end;
  memset(refs, 0, (limit - base) / PGSIZE * sizeof(int));
  for (uint64 pa = base; pa < limit; pa += PGSIZE)
    push_free((void *)pa);
}

void *frame_alloc(void) {
  spin_lock(&fl.lock);
  struct run *r = fl.freelist;
  if (r) {
    fl.freelist = r->next;
    fl.nfree--;
  }
  spin_unlock(&fl.lock);
  if (r == 0)
    return 0;
  *ref_of(r) = 1;
  memset(r, 5, PGSIZE); // junk, so code that forgets to initialise fails fast
  return r;
}

void frame_get(void *pa) {
  int *rc = ref_of(pa);
  if (__atomic_fetch_add(rc, 1, __ATOMIC_RELAXED) <= 0)
    panic("frame_get: %p is free", pa);
}

void frame_put(void *pa) {
  int *rc = ref_of(pa);
  int old = __atomic_fetch_sub(rc, 1, __ATOMIC_ACQ_REL);
  if (old <= 0)
    panic("frame_put: %p freed twice", pa);
  if (old > 1)
    return;
  memset(pa, 1, PGSIZE); // junk, to catch dangling references
  push_free(pa);
}

// Copy one frame to another a 64-bit word at a time. Eager fork and the
// COW break both use this, so benchmarks compare strategies, not loops.
void frame_copy(void *dst, const void *src) {
  uint64 *d = dst;
  const uint64 *s = src;
  for (int i = 0; i < PGSIZE / 8; i++)
    d[i] = s[i];
}

// How many frames have more than one reference (shared).
uint64 frame_shared_count(void) {
  uint64 n = 0;
  for (uint64 i = 0; i < (limit - base) / PGSIZE; i++)
    n += __atomic_load_n(&refs[i], __ATOMIC_RELAXED) > 1;
  return n;
}

int frame_refs(void *pa) { return __atomic_load_n(ref_of(pa), __ATOMIC_RELAXED); }

uint64 frame_free_count(void) { return fl.nfree; }

uint64 frame_total_count(void) { return (limit - base) / PGSIZE; }
