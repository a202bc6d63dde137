// The block allocator: the free bit map and the per-block reference
// counts that let files share blocks (kernel/fs/balloc.c). Every call
// that changes a table must run inside a transaction (kernel/fs/log.h).
#ifndef CALF_BALLOC_H
#define CALF_BALLOC_H

#include "kernel/types.h"

struct fsstat;

// A zeroed block with a count of 1, for one new pointer; 0 if the disk is full.
uint balloc(uint dev);
// One more pointer to blockno: 0, or -1 if its count is at MAXREF.
int block_get(uint dev, uint blockno);
// One pointer fewer; the block is free when the last one goes.
void block_put(uint dev, uint blockno);
// How many pointers name blockno (1 = private to one file).
uint block_count(uint dev, uint blockno);
// Copy-on-write: a new private block holding blockno's contents, and the
// caller's pointer moved off blockno (its count drops by one). Returns the
// copy, or 0 if the disk is full, in which case nothing changed.
uint block_copy(uint dev, uint blockno);
// Fill in st's block figures (size, nblocks, free, shared).
void block_stats(uint dev, struct fsstat *st);

#endif
