// Physical frame allocator with a reference count per frame.
// See kernel/mm/frame.c for the invariant.
#ifndef CALF_FRAME_H
#define CALF_FRAME_H

#include "kernel/types.h"

void frame_init(uint64 start, uint64 end);
// An uninitialised 4096-byte frame with count 1, or 0 if none.
void *frame_alloc(void);
// Take one more reference on an allocated frame.
void frame_get(void *pa);
// Drop a reference; the frame is freed when the count reaches zero.
void frame_put(void *pa);
int frame_refs(void *pa);
void frame_copy(void *dst, const void *src); // word-sized page copy
uint64 frame_shared_count(void);
uint64 frame_free_count(void);
uint64 frame_total_count(void);

#endif
