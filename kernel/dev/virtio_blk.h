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
// A read whose I/O error (or fault injection's) comes back as -1, for
// bread_try; 0 if b->data now holds the block.
int virtio_blk_read_try(struct buf *b);
// Ask the device to make every completed write durable, and wait. A no-op
// if the device has no write-back cache (did not offer FLUSH).
void virtio_blk_flush(void);
void virtio_blk_intr(void);
// Writes and flushes issued since boot (for fsstat).
void virtio_blk_stats(uint64 *writes, uint64 *flushes);

#endif
