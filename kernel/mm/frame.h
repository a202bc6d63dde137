// Physical frame allocator with a reference count per frame.
// See kernel/mm/frame.c for the invariant.
#ifndef CALF_FRAME_H
#define CALF_FRAME_H

#include "kernel/types.h"
#include "kernel/riscv.h"

void frame_init(uint64 start, uint64 end);
// A PGSIZE-byte frame with count 1, filled with junk (so code that forgets
// to initialise it fails fast), or 0 if none is left.
void *frame_alloc(void);
// The same, zero-filled (page tables, user pages).
void *frame_alloc_zero(void);

// The counts, read by the inline functions below. frame_get and frame_put
// are inline because fork, exit and exec call them once per user page:
// a function call each would be most of the cost of a COW fork.
struct frame_table {
  uint64 base, limit; // managed frames are [base, limit)
  uint64 base_pfn;    // base / PGSIZE
  uint64 nframes;     // (limit - base) / PGSIZE
  long *refs;         // one count per frame (64-bit: RISC-V's amoadd.d
                      // needs no sign extension afterwards)
  uint8 *cached;      // one byte per frame: 1 while the page cache holds it
};
extern struct frame_table frames;
void frame_bad(void *pa) __attribute__((noreturn, cold));
void frame_put_last(void *pa, long old);

// The count of frame pa. One unsigned compare checks both bounds: below
// base, the subtraction wraps around to a huge index. (pa comes from a
// PTE or from frame_alloc, so it is page aligned.)
static inline long *frame_ref(void *pa) {
  uint64 i = (uint64)pa / PGSIZE - frames.base_pfn;
  if (i >= frames.nframes)
    frame_bad(pa);
  return &frames.refs[i];
}

// Take one more reference on a frame the caller already holds one on (a
// mapped page, say), so the count cannot be zero here.
static inline void frame_get(void *pa) { __atomic_fetch_add(frame_ref(pa), 1, __ATOMIC_RELAXED); }

// Drop a reference; the frame is freed when the count reaches zero. The
// decrement has release ordering (amoadd.d.rl: one instruction, where the
// compiler's __atomic_fetch_sub emits a fence as well): this owner's
// writes to the frame are done before another hart can see the count
// drop and reuse the frame.
static inline void frame_put(void *pa) {
  long old;
  __asm__ volatile("amoadd.d.rl %0, %2, %1" : "=r"(old), "+A"(*frame_ref(pa)) : "r"(-1L) : "memory");
  if (old <= 1)
    frame_put_last(pa, old);
}
int frame_refs(void *pa); // the count, read with acquire ordering (frame.c)

// The page cache (kernel/fs/pagecache.c) sits above mm. It registers these
// operations at boot, so that an allocation that finds no free frame can
// evict an idle cache page first, and the figures and the frame audit can
// count the cache's frames, without mm naming the file system.
struct frame_cache_ops {
  int (*evict)(void); // free one frame no one but the cache holds: 1, or 0 if none
  void (*stat)(uint64 *frames, uint64 *idle); // frames held, and of those idle
  void (*audit)(void); // report the cache's own reference on each frame
  int (*whose)(void *pa, uint *inum, uint *pgidx); // which file page pa caches: 0, or -1
};
void frame_cache_register(const struct frame_cache_ops *ops);
void frame_cache_stat(uint64 *frames, uint64 *idle);
int frame_cache_whose(void *pa, uint *inum, uint *pgidx);
// The cache marks its frames, so procstat can tell a program's file pages.
static inline void frame_set_cached(void *pa, int on) {
  frames.cached[frame_ref(pa) - frames.refs] = on;
}
static inline int frame_is_cached(void *pa) { return frames.cached[frame_ref(pa) - frames.refs]; }
void frame_copy(void *dst, const void *src); // word-sized page copy
uint64 frame_shared_count(void);
uint64 frame_free_count(void);
uint64 frame_total_count(void);
// The debug check of the invariant: begin, report every PTE's frame, end
// (returns how many frames' counts disagree with their PTEs). See frame.c.
// frame_audit_end returns FRAME_AUDIT_RACED when a change below ran
// meanwhile: the counts it saw do not belong to one moment; try again.
#define FRAME_AUDIT_RACED (-2)
int frame_audit_begin(void);
int frame_audit_ref(void *pa); // returns how many times pa was reported so far
int frame_audit_end(void);
// Bracket any change that makes a frame's count and the PTEs the audit can
// see disagree for a while (taking references before the PTEs are
// visible, hiding a page table before freeing it, a COW copy). They never
// wait: they only tell a concurrent audit that its view is torn. Nest.
void frame_map_change_begin(void);
void frame_map_change_end(void);

#endif
