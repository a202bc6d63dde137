// virtio-blk driver (virtio-mmio, modern interface) for the root disk.
#ifndef CALF_VIRTIO_BLK_H
#define CALF_VIRTIO_BLK_H

struct buf;

// Find a virtio block device among platform.virtio[] and initialise it.
// Returns its PLIC irq number; panics with a clear message if none exists.
int virtio_blk_init(void);
// Read (write = 0) or write (write = 1) b->data at block b->blockno.
// Sleeps until the device has finished.
void virtio_blk_rw(struct buf *b, int write);
void virtio_blk_intr(void);

#endif
