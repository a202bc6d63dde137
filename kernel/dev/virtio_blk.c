// The virtio block driver: moves buffer-cache blocks to and from the disk
// that QEMU attaches with "-drive ... -device virtio-blk-device", using the
// modern virtio-mmio interface and a single virtqueue.
//
// A request is a chain of descriptors: a header saying read, write or
// flush and which sector, the data of one or more consecutive blocks, one
// descriptor each (none for a flush), and a status byte for the device to
// fill in. The caller sleeps until the completion interrupt marks its
// request done.
//
// Why several blocks per request: each request costs a trip through the
// device and an interrupt, far more than moving 1 KiB. The log writes a
// whole transaction to its contiguous area on disk, and installs runs of
// consecutive blocks (a file's new data); reads of consecutive blocks of
// a file come in runs too. So callers hand over runs of blocks, and one
// request carries up to maxseg of them (MAXSEG, or fewer if the device's
// seg_max says so); longer runs become several requests, in order.
//
// Flushes: when the device offers VIRTIO_BLK_F_FLUSH it may keep completed
// writes in a volatile cache; a FLUSH request completes once they are all
// durable. The log (kernel/fs/log.c) flushes to keep its writes in order.
//
// Crash injection, for the crash-consistency test: with the boot argument
// crashafter=N the driver issues N block writes and then stops the disk:
// it prints one line and never completes another request, as if the power
// had failed at that moment. The harness then kills QEMU. N counts blocks,
// not requests: a run of k blocks is k writes, in order, and a run that
// would cross the crash point is cut there, so the disk holds exactly the
// first N blocks written, as if each block had been a request of its own.
// With diskcache=wb as well, writes wait in a simulated volatile cache
// until a flush, and the crash loses all of them but the newest
// (kernel/dev/wbcache.c); the cache takes blocks one at a time.
//
// Errors: a request the device reports as failed panics (the log cannot
// lose a write), except a read for bread_run_try, whose caller returns -1
// up (virtio_blk_read_try). Fault injection fakes such an error status
// (kernel/debug/inject.c).
//
// Invariant: disk.lock guards every field of disk. A descriptor is either
// on the free list (disk.free[i] = 1) or part of exactly one request in
// flight, whose head descriptor i has info[i].done == 0 until the device
// has finished it; a buf's b->disk is 1 exactly while the device owns it.

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/dev/virtio.h"
#include "kernel/dev/virtio_blk.h"
#include "kernel/dev/wbcache.h"
#include "kernel/fs/buf.h"
#include "kernel/lib/printk.h"
#include "kernel/debug/inject.h"
#include "kernel/lib/string.h"
#include "kernel/lock/spinlock.h"
#include "kernel/mm/frame.h"
#include "kernel/sched/sched.h"
#include "kernel/riscv/fdt.h"

#define NDESC VIRTIO_QUEUE_SIZE
#define SECTOR_SIZE 512
#define MAXSEG 32 // the most blocks one request carries: a few such
                  // requests fit in the queue at once (n + 2 descriptors)

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
    int done;
    uchar status;
  } info[NDESC];
  struct virtio_blk_req req[NDESC];
  int flush;           // did the device offer VIRTIO_BLK_F_FLUSH?
  int maxseg;          // the most blocks in one request
  uint64 reads;        // block reads issued since boot
  uint64 writes;       // block writes issued since boot
  uint64 flushes;      // flushes issued since boot
  long crash_after;    // stop the disk after this many writes; -1 never
  int stopped;         // the crash point was reached: no more requests
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
// Returns the accepted low word, so the caller can see what it got.
static uint64 negotiate_features(void) {
  uint64 refused = (1UL << VIRTIO_BLK_F_RO) | (1UL << VIRTIO_BLK_F_SCSI) |
                   (1UL << VIRTIO_BLK_F_CONFIG_WCE) | (1UL << VIRTIO_BLK_F_MQ) |
                   (1UL << VIRTIO_F_ANY_LAYOUT) |
                   (1UL << VIRTIO_RING_F_EVENT_IDX) |
                   (1UL << VIRTIO_RING_F_INDIRECT_DESC);
  // Of the high word, only VERSION_1 (the modern ring and endianness rules,
  // which is what this driver speaks) is understood.
  uint64 understood_high = 1UL << VIRTIO_F_VERSION_1;
  uint64 low = 0;

  for (uint32 word = 0; word < 2; word++) {
    *reg(base, VIRTIO_MMIO_DEVICE_FEATURES_SEL) = word;
    uint64 offered = (uint64)*reg(base, VIRTIO_MMIO_DEVICE_FEATURES) << (32 * word);
    uint64 accepted = word == 0 ? offered & ~refused : offered & understood_high;
    *reg(base, VIRTIO_MMIO_DRIVER_FEATURES_SEL) = word;
    *reg(base, VIRTIO_MMIO_DRIVER_FEATURES) = (uint32)(accepted >> (32 * word));
    if (word == 0)
      low = accepted;
  }
  return low;
}

// The crashafter=N boot argument, or -1.
static long crash_point(void) {
  char arg[16];
  if (!bootarg("crashafter", arg, sizeof(arg)))
    return -1;
  long n = 0;
  for (char *c = arg; *c >= '0' && *c <= '9'; c++)
    n = n * 10 + (*c - '0');
  printf("virtio_blk: the disk will stop after %d writes (crashafter)\n", (int)n);
  return n;
}

// The most blocks one request may carry: MAXSEG, or fewer if the device
// limits the data buffers of a request (seg_max). Read once the device
// has accepted our features.
static int max_segments(uint64 features) {
  if (((features >> VIRTIO_BLK_F_SEG_MAX) & 1) == 0)
    return MAXSEG;
  uint32 seg_max = *reg(base, VIRTIO_MMIO_CONFIG + VIRTIO_BLK_CONFIG_SEG_MAX);
  if (seg_max == 0)
    return 1;
  return seg_max < MAXSEG ? (int)seg_max : MAXSEG;
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

  uint64 features = negotiate_features();
  disk.flush = (features >> VIRTIO_BLK_F_FLUSH) & 1;
  disk.crash_after = crash_point();
  if (wbcache_init())
    printf("virtio_blk: writes wait in a simulated volatile cache until a flush (diskcache=wb)\n");
  status |= VIRTIO_STATUS_FEATURES_OK;
  *reg(base, VIRTIO_MMIO_STATUS) = status;
  // The device clears FEATURES_OK again if it cannot live with our subset.
  if ((*reg(base, VIRTIO_MMIO_STATUS) & VIRTIO_STATUS_FEATURES_OK) == 0) {
    *reg(base, VIRTIO_MMIO_STATUS) = VIRTIO_STATUS_FAILED;
    panic("virtio_blk: device rejected our feature set");
  }
  disk.maxseg = max_segments(features);

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

// Take n descriptors at once, or none: taking them one at a time could
// deadlock two requests that each hold some and wait for the rest.
static int chain_get(int *idx, int n) {
  for (int i = 0; i < n; i++) {
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

static int request(uint32 type, uint64 sector, void *const *data, int n);

// A request whose failure nobody could be told of, or do anything about:
// every write and flush, and the reads of bread (see kernel/debug/inject.c).
static void must_succeed(int status, uint32 type, uint64 sector) {
  if (status != VIRTIO_BLK_S_OK)
    panic("virtio_blk: device reported error %d on request type %d, sector %d", status, type,
          (int)sector);
}

static uint64 sector_of(uint blockno) {
  return (uint64)blockno * (BSIZE / SECTOR_SIZE);
}

// Write one block to the device itself (past the simulated cache).
static void write_home(uint blockno, void *data) {
  must_succeed(request(VIRTIO_BLK_T_OUT, sector_of(blockno), &data, 1), VIRTIO_BLK_T_OUT,
               sector_of(blockno));
}

// Stop here for good if the crash point has been reached: the write or
// flush about to be issued (ordering is non-zero for those, not for a
// read), and every request after it, never reaches the disk. A crash
// just before a flush is the moment the simulated cache holds the most.
static void crash_check(int ordering) {
  if (!disk.stopped && (!ordering || disk.crash_after < 0 ||
                        (long)disk.writes < disk.crash_after))
    return;
  if (!disk.stopped) {
    if (wbcache_on())
      wbcache_crash(write_home);
    printf("crash: disk stopped after %d writes\n", (int)disk.writes);
  }
  disk.stopped = 1;
  for (;;)
    sleep(&disk.stopped, &disk.lock);
}

// Send one request of the given type for n consecutive blocks starting
// at sector, data[i] holding block i's BSIZE bytes (n = 0 for a flush),
// and sleep until the device has finished it; return the status byte it
// wrote (VIRTIO_BLK_S_OK on success). Caller holds disk.lock;
// like sleep(), request() lets go of it while the device works.
static int request(uint32 type, uint64 sector, void *const *data, int n) {
  int idx[MAXSEG + 2];
  while (chain_get(idx, n + 2) != 0)
    sleep(&disk.free[0], &disk.lock);

  int head = idx[0];
  struct virtio_blk_req *req = &disk.req[head];
  req->type = type;
  req->reserved = 0;
  req->sector = sector;

  // The device reads the header and, for a write, the data; it writes the
  // data of a read and always the status byte.
  desc_set(idx[0], req, sizeof(*req), VIRTQ_DESC_F_NEXT, idx[1]);
  uint16 dir = type == VIRTIO_BLK_T_IN ? VIRTQ_DESC_F_WRITE : 0;
  for (int i = 0; i < n; i++)
    desc_set(idx[1 + i], data[i], BSIZE, VIRTQ_DESC_F_NEXT | dir, idx[2 + i]);
  disk.info[head].status = 0xff; // the device sets 0 on success
  disk.info[head].done = 0;
  desc_set(idx[n + 1], &disk.info[head].status, 1, VIRTQ_DESC_F_WRITE, 0);

  // Publish the chain in the avail ring, then bump idx. The barriers keep
  // the device from seeing the new idx before the descriptors and ring
  // entry it covers, and keep the notify after the idx.
  struct virtq_avail *avail = &disk.ring->avail;
  avail->ring[avail->idx % NDESC] = head;
  __sync_synchronize();
  avail->idx += 1;
  __sync_synchronize();

  // Ring the doorbell with disk.lock released. The completion interrupt
  // needs disk.lock, and it may arrive at once: under QEMU's -icount the
  // device finishes the request inside the doorbell write and raises the
  // interrupt before this hart executes another instruction. Rung with the
  // lock held, this is the interleaving that hung two-hart boots:
  //   hart 1: lock disk.lock, publish, ring the doorbell  (lock still held)
  //   device: done, interrupt to hart 0
  //   hart 0: virtio_blk_intr spins on disk.lock, interrupts off
  // and QEMU, which runs all harts in one thread under -icount, keeps
  // running the spinning hart 0 until its time slice (10 to 100 ms of
  // virtual time) is used up before hart 1 gets to release the lock: one
  // disk request per slice. Released, the lock is free whenever hart 0
  // arrives; the request stays ours (its descriptors are off the free
  // list and done is 0), and we take the lock back before looking at done,
  // so a completion that came first is seen, not slept through.
  spin_unlock(&disk.lock);
  *reg(base, VIRTIO_MMIO_QUEUE_NOTIFY) = 0;
  spin_lock(&disk.lock);

  // virtio_blk_intr sets done when the device has finished.
  while (!disk.info[head].done)
    sleep(&disk.info[head], &disk.lock);
  int status = disk.info[head].status;
  chain_put(head);
  return status;
}

// A write the simulated cache keeps, or a read it can answer: no device I/O.
static int cached(uint blockno, void *data, int write) {
  if (!wbcache_on())
    return 0;
  if (!write)
    return wbcache_get(blockno, data);
  if (wbcache_full())
    wbcache_drain(write_home); // a real cache writes back when it fills
  wbcache_put(blockno, data);
  return 1;
}

// How many of the next n blocks of a run go in one request: one with the
// simulated cache (it keeps and serves blocks one by one); otherwise as
// many as a request carries, but no write past the crash point, which
// crash_check has just found still ahead.
static int request_blocks(int n, int write) {
  if (wbcache_on())
    return 1;
  int k = n < disk.maxseg ? n : disk.maxseg;
  if (write && disk.crash_after >= 0 && disk.crash_after - (long)disk.writes < k)
    k = (int)(disk.crash_after - (long)disk.writes);
  return k;
}

// Read or write the run (see virtio_blk_rw_at); returns the device's
// status: VIRTIO_BLK_S_OK, or the first error, after which the rest of
// the run is not sent.
static int rw_run(uint blockno, struct buf **bs, int n, int write) {
  void *data[MAXSEG];
  int status = VIRTIO_BLK_S_OK;
  spin_lock(&disk.lock);
  for (int i = 0; i < n; i++)
    bs[i]->disk = 1;
  for (int done = 0; done < n && status == VIRTIO_BLK_S_OK;) {
    crash_check(write);
    int k = request_blocks(n - done, write);
    for (int i = 0; i < k; i++)
      data[i] = bs[done + i]->data;
    disk.writes += write ? k : 0;
    disk.reads += write ? 0 : k;
    if (!cached(blockno + done, data[0], write)) // k is 1 if the cache is on
      status = request(write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, sector_of(blockno + done),
                       data, k);
    done += k;
  }
  for (int i = 0; i < n; i++)
    bs[i]->disk = 0;
  spin_unlock(&disk.lock);
  return status;
}

void virtio_blk_rw_at(uint blockno, struct buf **bs, int n, int write) {
  inject_count(write ? INJ_DISK_WRITE : INJ_DISK_READ);
  must_succeed(rw_run(blockno, bs, n, write), write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN,
               sector_of(blockno));
}

void virtio_blk_rw(struct buf *b, int write) {
  virtio_blk_rw_at(b->blockno, &b, 1, write);
}

// Fault injection's disk error: the device did the read, but the status
// says it failed, and the data must not be believed.
int virtio_blk_read_try(uint blockno, struct buf **bs, int n) {
  int status = rw_run(blockno, bs, n, 0);
  if (status == VIRTIO_BLK_S_OK && inject_fail(INJ_DISK_READ_TRY))
    status = VIRTIO_BLK_S_IOERR;
  return status == VIRTIO_BLK_S_OK ? 0 : -1;
}

void virtio_blk_flush(void) {
  inject_count(INJ_DISK_WRITE);
  spin_lock(&disk.lock);
  crash_check(1);
  if (wbcache_on())
    wbcache_drain(write_home);
  if (disk.flush) {
    disk.flushes++;
    must_succeed(request(VIRTIO_BLK_T_FLUSH, 0, 0, 0), VIRTIO_BLK_T_FLUSH, 0);
  }
  spin_unlock(&disk.lock);
}

void virtio_blk_stats(uint64 *reads, uint64 *writes, uint64 *flushes) {
  spin_lock(&disk.lock);
  *reads = disk.reads;
  *writes = disk.writes;
  *flushes = disk.flushes;
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
    disk.info[id].done = 1;
    wakeup(&disk.info[id]);
    disk.used_idx += 1;
  }

  spin_unlock(&disk.lock);
}
