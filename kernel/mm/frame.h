// Physical frame allocator with a reference count per frame.
// See kernel/mm/frame.c for the invariant.
#ifndef CALF_FRAME_H
#define CALF_FRAME_H

#include "kernel/types.h"

void frame_init(uint64 start, uint64 end);
// A 4096-byte frame with count 1, filled with junk (so code that forgets
// to initialise it fails fast), or 0 if none is left.
void *frame_alloc(void);
// The same, zero-filled (page tables, user pages).
void *frame_alloc_zero(void);

// The counts, read by the inline functions below. frame_get and frame_put
// are inline because fork, exit and exec call them once per user page:
// a function call each would be most of the cost of a COW fork.
struct frame_table {
  uint64 base, limit; // managed frames are [base, limit)
  uint64 span;        // limit - base
  int *refs;          // one count per frame
};
extern struct frame_table frames;
void frame_bad(void *pa) __attribute__((noreturn, cold));
void frame_get_bad(void *pa) __attribute__((noreturn, cold));
void frame_put_last(void *pa, int old);

// The count of frame pa. One unsigned compare checks both bounds: below
// base, the subtraction wraps around to a huge offset. (pa comes from a
// PTE or from frame_alloc, so it is page aligned.)
static inline int *frame_ref(void *pa) {
  uint64 off = (uint64)pa - frames.base;
  if (off >= frames.span)
    frame_bad(pa);
  return &frames.refs[off / 4096];
}

// Take one more reference on an allocated frame.
static inline void frame_get(void *pa) {
  if (__atomic_fetch_add(frame_ref(pa), 1, __ATOMIC_RELAXED) <= 0)
    frame_get_bad(pa);
}

// Drop a reference; the frame is freed when the count reaches zero.
static inline void frame_put(void *pa) {
  int old = __atomic_fetch_sub(frame_ref(pa), 1, __ATOMIC_RELEASE);
  if (old <= 1)
    frame_put_last(pa, old);
}
int frame_refs(void *pa);
void frame_copy(void *dst, const void *src); // word-sized page copy
uint64 frame_shared_count(void);
uint64 frame_free_count(void);
uint64 frame_total_count(void);

#endif
