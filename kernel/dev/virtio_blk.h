// virtio-blk driver (virtio-mmio, modern interface) for the root disk.
#ifndef CALF_VIRTIO_BLK_H
#define CALF_VIRTIO_BLK_H

#include "kernel/types.h"

struct buf;

// Find a virtio block device among platform.virtio[] and initialise it.
// Returns its PLIC irq number; panics with a clear message if none exists.
int virtio_blk_init(void);
// Read (write = 0) or write (write = 1) b->data at block b->blockno.
// Sleeps until the device has finished.
// Panics if the device reports an error.
void virtio_blk_rw(struct buf *b, int write);
// The same for a run: bs[i]->data at block blockno + i, for i < n, in as
// few requests as the device allows; the writes count (crashafter) and
// reach the disk in the order i = 0, 1, ... The caller keeps each
// buffer's data unchanged, and its identity, until this returns.
void virtio_blk_rw_at(uint blockno, struct buf **bs, int n, int write);
// A read of such a run whose I/O error (or fault injection's) comes back
// as -1, for bread_run_try; 0 if the buffers now hold the blocks.
int virtio_blk_read_try(uint blockno, struct buf **bs, int n);
// Ask the device to make every completed write durable, and wait. A no-op
// if the device has no write-back cache (did not offer FLUSH).
void virtio_blk_flush(void);
void virtio_blk_intr(void);
// Block reads, block writes and flushes issued since boot (for fsstat).
void virtio_blk_stats(uint64 *reads, uint64 *writes, uint64 *flushes);

#endif
