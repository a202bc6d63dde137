// The virtio block driver: moves buffer-cache blocks to and from the disk
// that QEMU attaches with "-drive ... -device virtio-blk-device", using the
// modern virtio-mmio interface and a single virtqueue.
//
// A request is a chain of three descriptors: a header saying read or write
// and which sector, the block's data, and a status byte for the device to
// fill in. The caller sleeps on its buf until the completion interrupt.
//
// Invariant: disk.lock guards every field of disk. A descriptor is either
// on the free list (disk.free[i] = 1) or part of exactly one request in
// flight, whose head descriptor i records the waiting buf in info[i].b;
// a buf's b->disk is 1 exactly while the device owns it.

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/dev/virtio.h"
#include "kernel/dev/virtio_blk.h"
#include "kernel/fs/buf.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/lock/spinlock.h"
#include "kernel/mm/frame.h"
#include "kernel/proc/proc.h"
#include "kernel/riscv/fdt.h"

#define NDESC VIRTIO_QUEUE_SIZE
#define SECTOR_SIZE 512

// The three parts of the virtqueue the device reads and writes by DMA.
// Together they fit in one page. Each part meets the spec's alignment
// (16 bytes for descriptors, 2 for avail, 4 for used): the descriptor
// table starts the page, and C's member alignment places the other two.
struct vring {
  struct virtq_desc desc[NDESC];
  struct virtq_avail avail;
  struct virtq_used used;
};
_Static_assert(sizeof(struct vring) <= PGSIZE, "virtqueue must fit in a page");

// Physical base address of the device's MMIO registers. The kernel maps
// devices at their physical addresses, so this is usable as a pointer.
static uint64 base;

static struct {
  struct spinlock lock;
  struct vring *ring;
  char free[NDESC];  // is descriptor i unused?
  uint16 used_idx;   // how far we have consumed ring->used.ring
  // Per request, indexed by the chain's head descriptor: the buf to wake,
  // the device's status byte, and the request header. They live here, in
  // kernel memory the device can reach, for as long as the request runs.
  struct {
    struct buf *b;
    uchar status;
  } info[NDESC];
  struct virtio_blk_req req[NDESC];
} disk;

// A device register: slot base address plus register offset.
static volatile uint32 *reg(uint64 at, uint32 off) {
  return (volatile uint32 *)(at + off);
}

static int is_block_device(uint64 at) {
  return *reg(at, VIRTIO_MMIO_MAGIC_VALUE) == VIRTIO_MAGIC &&
         *reg(at, VIRTIO_MMIO_VERSION) == VIRTIO_VERSION_MODERN &&
         *reg(at, VIRTIO_MMIO_DEVICE_ID) == VIRTIO_DEVICE_BLOCK;
}

// Read the device's 64 feature bits, keep only those we are prepared to
// honour, and tell the device. We drive the simplest form of the device:
// one queue, plain descriptor chains, an interrupt for every completion.
static void negotiate_features(void) {
  uint64 refused = (1UL << VIRTIO_BLK_F_RO) | (1UL << VIRTIO_BLK_F_SCSI) |
                   (1UL << VIRTIO_BLK_F_CONFIG_WCE) | (1UL << VIRTIO_BLK_F_MQ) |
                   (1UL << VIRTIO_F_ANY_LAYOUT) |
                   (1UL << VIRTIO_RING_F_EVENT_IDX) |
                   (1UL << VIRTIO_RING_F_INDIRECT_DESC);
  // Of the high word, only VERSION_1 (the modern ring and endianness rules,
  // which is what this driver speaks) is understood.
  uint64 understood_high = 1UL << VIRTIO_F_VERSION_1;

  for (uint32 word = 0; word < 2; word++) {
    *reg(base, VIRTIO_MMIO_DEVICE_FEATURES_SEL) = word;
    uint64 offered = (uint64)*reg(base, VIRTIO_MMIO_DEVICE_FEATURES) << (32 * word);
    uint64 accepted = word == 0 ? offered & ~refused : offered & understood_high;
    *reg(base, VIRTIO_MMIO_DRIVER_FEATURES_SEL) = word;
    *reg(base, VIRTIO_MMIO_DRIVER_FEATURES) = (uint32)(accepted >> (32 * word));
  }
}

static void write_addr(uint32 low_reg, void *p) {
  uint64 pa = (uint64)p;
  *reg(base, low_reg) = (uint32)pa;
  *reg(base, low_reg + 4) = (uint32)(pa >> 32);
}

// Give queue 0 a zeroed page of rings and tell the device where they are.
static void setup_queue(void) {
  *reg(base, VIRTIO_MMIO_QUEUE_SEL) = 0;
  if (*reg(base, VIRTIO_MMIO_QUEUE_READY))
    panic("virtio_blk: queue 0 is already live");
  uint32 max = *reg(base, VIRTIO_MMIO_QUEUE_NUM_MAX);
  if (max < NDESC)
    panic("virtio_blk: device queue holds %d descriptors, driver needs %d", max, NDESC);

  disk.ring = frame_alloc();
  if (disk.ring == 0)
    panic("virtio_blk: no memory for the virtqueue");
  memset(disk.ring, 0, PGSIZE);

  *reg(base, VIRTIO_MMIO_QUEUE_NUM) = NDESC;
  write_addr(VIRTIO_MMIO_QUEUE_DESC_LOW, disk.ring->desc);
  write_addr(VIRTIO_MMIO_QUEUE_DRIVER_LOW, &disk.ring->avail);
  write_addr(VIRTIO_MMIO_QUEUE_DEVICE_LOW, &disk.ring->used);
  *reg(base, VIRTIO_MMIO_QUEUE_READY) = 1;

  for (int i = 0; i < NDESC; i++)
    disk.free[i] = 1;
}

// The initialisation dance of virtio spec 3.1.1: reset, announce
// ourselves, agree on features, set up the queue, then go live.
int virtio_blk_init(void) {
  int slot = -1;
  for (int i = 0; i < platform.nvirtio && slot < 0; i++)
    if (is_block_device(platform.virtio[i]))
      slot = i;
  if (slot < 0)
    panic("virtio_blk: no modern virtio-mmio block device; run QEMU with "
          "-drive file=fs.img,if=none,format=raw,id=x0 "
          "-device virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0 "
          "-global virtio-mmio.force-legacy=false");

  spin_init(&disk.lock, "virtio_blk");
  base = platform.virtio[slot];

  uint32 status = 0;
  *reg(base, VIRTIO_MMIO_STATUS) = status; // reset
  status |= VIRTIO_STATUS_ACKNOWLEDGE;
  *reg(base, VIRTIO_MMIO_STATUS) = status;
  status |= VIRTIO_STATUS_DRIVER;
  *reg(base, VIRTIO_MMIO_STATUS) = status;

  negotiate_features();
  status |= VIRTIO_STATUS_FEATURES_OK;
  *reg(base, VIRTIO_MMIO_STATUS) = status;
  // The device clears FEATURES_OK again if it cannot live with our subset.
  if ((*reg(base, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK) == 0) {
    *reg(base, VIRTIO_MMIO_STATUS) = VIRTIO_STATUS_FAILED;
    panic("virtio_blk: device rejected our feature set");
  }

  setup_queue();
  status |= VIRTIO_STATUS_DRIVER_OK;
  *reg(base, VIRTIO_MMIO_STATUS) = status;

  return platform.virtio_irq[slot];
}

// Take one free descriptor, or return -1 if all are busy.
static int desc_get(void) {
  for (int i = 0; i < NDESC; i++) {
    if (disk.free[i]) {
      disk.free[i] = 0;
      return i;
    }
  }
  return -1;
}

// Return descriptor i to the free list and wake anyone waiting for one.
static void desc_put(int i) {
  if (i < 0 || i >= NDESC || disk.free[i])
    panic("virtio_blk: desc_put of descriptor %d", i);
  memset(&disk.ring->desc[i], 0, sizeof(struct virtq_desc));
  disk.free[i] = 1;
  wakeup(&disk.free[0]);
}

// Free a whole chain, starting from its head.
static void chain_put(int head) {
  for (int i = head;;) {
    struct virtq_desc *d = &disk.ring->desc[i];
    int more = d->flags & VIRTQ_DESC_F_NEXT;
    int next = d->next;
    desc_put(i);
    if (!more)
      return;
    i = next;
  }
}

// Take three descriptors at once, or none: taking them one at a time could
// deadlock two requests that each hold some and wait for the rest.
static int chain_get3(int idx[3]) {
  for (int i = 0; i < 3; i++) {
    idx[i] = desc_get();
    if (idx[i] < 0) {
      while (--i >= 0)
        desc_put(idx[i]);
      return -1;
    }
  }
  return 0;
}

static void desc_set(int i, void *addr, uint32 len, uint16 flags, uint16 next) {
  struct virtq_desc *d = &disk.ring->desc[i];
  d->addr = (uint64)addr;
  d->len = len;
  d->flags = flags;
  d->next = next;
}

void virtio_blk_rw(struct buf *b, int write) {
  int idx[3];

  spin_lock(&disk.lock);
  while (chain_get3(idx) != 0)
    sleep(&disk.free[0], &disk.lock);

  int head = idx[0];
  struct virtio_blk_req *req = &disk.req[head];
  req->type = write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN;
  req->reserved = 0;
  req->sector = (uint64)b->blockno * (BSIZE / SECTOR_SIZE);

  // The device reads the header and, for a write, the data; it writes the
  // data of a read and always the status byte.
  uint16 data_flags = VIRTQ_DESC_F_NEXT | (write ? 0 : VIRTQ_DESC_F_WRITE);
  desc_set(idx[0], req, sizeof(*req), VIRTQ_DESC_F_NEXT, idx[1]);
  desc_set(idx[1], b->data, BSIZE, data_flags, idx[2]);
  disk.info[head].status = 0xff; // the device sets 0 on success
  desc_set(idx[2], &disk.info[head].status, 1, VIRTQ_DESC_F_WRITE, 0);

  b->disk = 1;
  disk.info[head].b = b;

  // Publish the chain in the avail ring, then bump idx. The barriers keep
  // the device from seeing the new idx before the descriptors and ring
  // entry it covers, and keep the notify after the idx.
  struct virtq_avail *avail = &disk.ring->avail;
  avail->ring[avail->idx % NDESC] = head;
  __sync_synchronize();
  avail->idx += 1;
  __sync_synchronize();
  *reg(base, VIRTIO_MMIO_QUEUE_NOTIFY) = 0;

  // virtio_blk_intr clears b->disk when the device is done with it.
  while (b->disk == 1)
    sleep(b, &disk.lock);

  disk.info[head].b = 0;
  chain_put(head);
  spin_unlock(&disk.lock);
}

// The device has finished one or more requests: wake their owners.
void virtio_blk_intr(void) {
  spin_lock(&disk.lock);

  // Acknowledge first, so a completion arriving while we walk the used
  // ring raises a fresh interrupt instead of being lost; at worst that
  // interrupt finds nothing new to do.
  *reg(base, VIRTIO_MMIO_INTERRUPT_ACK) = *reg(base, VIRTIO_MMIO_INTERRUPT_STATUS) & 0x3;
  __sync_synchronize();

  // The device bumps used.idx after filling in each used.ring entry, so
  // every entry below the idx we read is complete.
  while (disk.used_idx != disk.ring->used.idx) {
    __sync_synchronize();
    int id = disk.ring->used.ring[disk.used_idx % NDESC].id;
    struct buf *b = disk.info[id].b;
    if (disk.info[id].status != VIRTIO_BLK_S_OK)
      panic("virtio_blk: device reported error %d on block %d",
            disk.info[id].status, b->blockno);
    b->disk = 0;
    wakeup(b);
    disk.used_idx += 1;
  }

  spin_unlock(&disk.lock);
}
