// virtio over MMIO, modern (version 2) interface: the register offsets,
// status and feature bits, and the split-virtqueue layout the device reads
// and writes by DMA. Definitions only; kernel/dev/virtio_blk.c drives them.
//
// Everything here is little-endian on the wire, as RISC-V is, so the
// structures can be shared with the device as plain C structs.
#ifndef CALF_VIRTIO_H
#define CALF_VIRTIO_H

#include "kernel/types.h"

// MMIO register offsets from a slot's base address (virtio spec 4.2.2).
#define VIRTIO_MMIO_MAGIC_VALUE 0x000 // reads "virt" = 0x74726976
#define VIRTIO_MMIO_VERSION 0x004     // 2 for the modern interface
#define VIRTIO_MMIO_DEVICE_ID 0x008   // 0 = empty slot, 2 = block device
#define VIRTIO_MMIO_VENDOR_ID 0x00c
#define VIRTIO_MMIO_DEVICE_FEATURES 0x010
#define VIRTIO_MMIO_DEVICE_FEATURES_SEL 0x014 // which 32-bit word of features
#define VIRTIO_MMIO_DRIVER_FEATURES 0x020
#define VIRTIO_MMIO_DRIVER_FEATURES_SEL 0x024
#define VIRTIO_MMIO_QUEUE_SEL 0x030     // which queue the QUEUE_* registers mean
#define VIRTIO_MMIO_QUEUE_NUM_MAX 0x034 // largest ring size the device allows
#define VIRTIO_MMIO_QUEUE_NUM 0x038     // ring size the driver chose
#define VIRTIO_MMIO_QUEUE_READY 0x044
#define VIRTIO_MMIO_QUEUE_NOTIFY 0x050 // write a queue number: "look at it"
#define VIRTIO_MMIO_INTERRUPT_STATUS 0x060
#define VIRTIO_MMIO_INTERRUPT_ACK 0x064
#define VIRTIO_MMIO_STATUS 0x070
#define VIRTIO_MMIO_QUEUE_DESC_LOW 0x080 // physical address of the descriptor table
#define VIRTIO_MMIO_QUEUE_DESC_HIGH 0x084
#define VIRTIO_MMIO_QUEUE_DRIVER_LOW 0x090 // ... of the available ring
#define VIRTIO_MMIO_QUEUE_DRIVER_HIGH 0x094
#define VIRTIO_MMIO_QUEUE_DEVICE_LOW 0x0a0 // ... of the used ring
#define VIRTIO_MMIO_QUEUE_DEVICE_HIGH 0x0a4
#define VIRTIO_MMIO_CONFIG 0x100 // device-specific configuration space

#define VIRTIO_MAGIC 0x74726976
#define VIRTIO_VERSION_MODERN 2
#define VIRTIO_DEVICE_BLOCK 2

// Bits of the STATUS register, set by the driver one by one as it
// progresses through initialisation (virtio spec 2.1).
#define VIRTIO_STATUS_ACKNOWLEDGE 1 // the driver has noticed the device
#define VIRTIO_STATUS_DRIVER 2      // ... and knows how to drive it
#define VIRTIO_STATUS_DRIVER_OK 4   // ... and is ready
#define VIRTIO_STATUS_FEATURES_OK 8 // ... and has finished feature negotiation
#define VIRTIO_STATUS_FAILED 128    // the driver gave up on the device

// Feature bits, numbered across the 64-bit feature space.
#define VIRTIO_BLK_F_SEG_MAX 2      // config seg_max: most data buffers in a request
#define VIRTIO_BLK_F_RO 5           // disk is read-only
#define VIRTIO_BLK_F_SCSI 7         // supports SCSI command passthrough
#define VIRTIO_BLK_F_FLUSH 9        // has a write-back cache and FLUSH requests
#define VIRTIO_BLK_F_CONFIG_WCE 11  // writeback mode available in config
#define VIRTIO_BLK_F_MQ 12          // supports more than one virtqueue
#define VIRTIO_F_ANY_LAYOUT 27      // legacy: any descriptor layout
#define VIRTIO_RING_F_INDIRECT_DESC 28
#define VIRTIO_RING_F_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32       // the device follows virtio 1.0 or later

// A queue of this many descriptors is all the block driver uses; it must be
// a power of two no larger than the device's QUEUE_NUM_MAX (QEMU's
// virtio-blk offers 256). A request of n blocks takes n + 2 of them, and
// the three rings must still fit in one page.
#define VIRTIO_QUEUE_SIZE 128

// One buffer of a request. Chained descriptors (flags & NEXT) form one
// request; WRITE marks a buffer the device writes (as opposed to reads).
struct virtq_desc {
  uint64 addr; // physical address
  uint32 len;
  uint16 flags;
  uint16 next;
};
#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2

// The available ring: the driver appends the head descriptor of each new
// request at ring[idx % size], then bumps idx. Only the driver writes it.
struct virtq_avail {
  uint16 flags;
  uint16 idx;
  uint16 ring[VIRTIO_QUEUE_SIZE];
  uint16 used_event; // only meaningful with EVENT_IDX, which we refuse
};

// The used ring: the device appends each finished request's head
// descriptor and bumps idx. Only the device writes it.
struct virtq_used_elem {
  uint32 id;  // head descriptor of the finished chain
  uint32 len; // bytes the device wrote into the chain's buffers
};

struct virtq_used {
  uint16 flags;
  uint16 idx;
  struct virtq_used_elem ring[VIRTIO_QUEUE_SIZE];
  uint16 avail_event;
};

// The header that starts every block request (virtio spec 5.2.6). The
// data buffers (one per block, for consecutive sectors) and a one-byte
// status follow in their own descriptors.
#define VIRTIO_BLK_T_IN 0  // read from disk
#define VIRTIO_BLK_T_OUT 1 // write to disk
#define VIRTIO_BLK_T_FLUSH 4 // make every completed write durable
#define VIRTIO_BLK_S_OK 0  // the status byte on success
#define VIRTIO_BLK_S_IOERR 1 // ... when the device could not do it

// Offset of seg_max in the block device's configuration space (after the
// 64-bit capacity and the 32-bit size_max).
#define VIRTIO_BLK_CONFIG_SEG_MAX 12

struct virtio_blk_req {
  uint32 type; // VIRTIO_BLK_T_IN, _OUT or _FLUSH
  uint32 reserved;
  uint64 sector; // in 512-byte units, whatever the file system's block size
};

#endif
