// The buffer cache: a fixed pool of NBUF buffers, each holding a copy of
// one disk block, kept on a doubly linked list in least-recently-released
// order.
//
// It does two jobs. It saves disk reads by keeping popular blocks in
// memory, and it is the synchronisation point for a block: there is at
// most one buffer per (dev, blockno), and its sleep lock lets only one
// process at a time look at or change the block's data.
//
// Protocol: bread() returns a locked buffer, filled from disk; the caller
// may change b->data and then bwrite() it; brelse() unlocks and releases
// it. Nobody may touch a buffer after brelse().
//
// Read-ahead: a disk request costs far more than the 1 KiB it moves, so
// bread_run() fills a block the caller asks for together with the next
// few (the rest of a read() over a file laid out contiguously) in one
// request, into idle buffers, and releases those: they wait in the cache
// for the reads that follow. It takes only buffers nobody holds or can be
// waiting for, locks them without sleeping, and never holds more than
// READAHEAD of them at once across all harts: NBUF counts them on top of a
// full log and the readers, so read-ahead cannot starve a bget.
//
// Invariant: bcache.lock guards the list, every refcnt and every
// (dev, blockno) identity, and bcache.ahead. A buffer with refcnt 0 is
// unused, and unlocked (brelse unlocks before it drops the count), and may
// be recycled for another block; one with refcnt > 0 keeps its identity.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fs/buf.h"
#include "kernel/dev/virtio_blk.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/sync/sleeplock.h"
#include "kernel/lock/spinlock.h"
#include "kernel/debug/inject.h"

static struct {
  struct spinlock lock;
  struct buf buf[NBUF];
  // Sentinel of the circular list. head.next is the most recently
  // released buffer, head.prev the least recently released.
  struct buf head;
  int ahead; // buffers held for read-ahead, at most READAHEAD
} bcache;

static void list_remove(struct buf *b) {
  b->next->prev = b->prev;
  b->prev->next = b->next;
}

static void list_push_front(struct buf *b) {
  b->next = bcache.head.next;
  b->prev = &bcache.head;
  bcache.head.next->prev = b;
  bcache.head.next = b;
}

void binit(void) {
  spin_init(&bcache.lock, "bcache");
  bcache.head.prev = &bcache.head;
  bcache.head.next = &bcache.head;
  for (struct buf *b = bcache.buf; b < bcache.buf + NBUF; b++) {
    sleeplock_init(&b->lock, "buffer");
    list_push_front(b);
  }
}

// Find the buffer for (dev, blockno), or recycle the least recently used
// idle one for it. Either way, return it locked.
static struct buf *bget(uint dev, uint blockno) {
  struct buf *b;

  spin_lock(&bcache.lock);

  for (b = bcache.head.next; b != &bcache.head; b = b->next) {
    if (b->dev == dev && b->blockno == blockno) {
      b->refcnt++;
      spin_unlock(&bcache.lock);
      sleeplock_lock(&b->lock);
      return b;
    }
  }

  // Not cached. Walk from the cold end: idle buffers there have gone
  // longest without use and are the best ones to forget.
  for (b = bcache.head.prev; b != &bcache.head; b = b->prev) {
    if (b->refcnt == 0) {
      b->dev = dev;
      b->blockno = blockno;
      b->valid = 0; // the data is some other block's: read before use
      b->refcnt = 1;
      spin_unlock(&bcache.lock);
      sleeplock_lock(&b->lock);
      return b;
    }
  }
  panic("bget: all %d buffers are in use", NBUF);
}

// Return a locked buffer holding the contents of the block. Never fails:
// its callers have no way back (an excluded fault-injection site; see
// kernel/debug/inject.c).
struct buf *bread(uint dev, uint blockno) {
  return bread_run(dev, blockno, 1);
}

// A buffer for reading block blockno ahead, locked and not valid, or 0 if
// the block is cached already (someone may be reading it right now), no
// buffer is idle, or read-ahead holds READAHEAD buffers. Never sleeps.
static struct buf *bget_ahead(uint dev, uint blockno) {
  struct buf *b;
  spin_lock(&bcache.lock);
  for (b = bcache.head.next; b != &bcache.head; b = b->next)
    if (b->dev == dev && b->blockno == blockno)
      goto none;
  if (bcache.ahead == READAHEAD)
    goto none;
  for (b = bcache.head.prev; b != &bcache.head; b = b->prev) {
    // Idle, so unlocked; locked here, before anyone can find it under its
    // new identity and wait for it, so the trylock cannot fail.
    if (b->refcnt == 0 && sleeplock_trylock(&b->lock)) {
      b->dev = dev;
      b->blockno = blockno;
      b->valid = 0;
      b->refcnt = 1;
      bcache.ahead++;
      spin_unlock(&bcache.lock);
      return b;
    }
  }
none:
  spin_unlock(&bcache.lock);
  return 0;
}

// bread_run and bread_run_try: block blockno in a locked buffer, and the
// read-ahead. On a failed read (may_fail only) every buffer of the run is
// left not valid, so the next reader of a block asks the disk again, and
// the result is 0.
static struct buf *read_run(uint dev, uint blockno, uint n, int may_fail) {
  struct buf *run[READAHEAD + 1];
  run[0] = bget(dev, blockno);
  if (run[0]->valid)
    return run[0];
  uint k = 1;
  while (k < n && k <= READAHEAD && (run[k] = bget_ahead(dev, blockno + k)) != 0)
    k++;
  int ok = 1;
  if (may_fail)
    ok = virtio_blk_read_try(blockno, run, k) == 0;
  else
    virtio_blk_rw_at(blockno, run, k, 0);
  for (uint i = 0; i < k; i++)
    run[i]->valid = ok;
  for (uint i = 1; i < k; i++)
    brelse(run[i]);
  if (k > 1) {
    spin_lock(&bcache.lock);
    bcache.ahead -= k - 1;
    spin_unlock(&bcache.lock);
  }
  if (!ok) {
    brelse(run[0]);
    return 0;
  }
  return run[0];
}

struct buf *bread_run(uint dev, uint blockno, uint n) {
  inject_count(INJ_BREAD);
  return read_run(dev, blockno, n, 0);
}

// bread_run for callers that can return an error (file data, exec's
// loading): 0 if the block cannot be read, because the disk reported an
// I/O error or fault injection refused a buffer.
struct buf *bread_run_try(uint dev, uint blockno, uint n) {
  if (inject_fail(INJ_BREAD_TRY))
    return 0;
  return read_run(dev, blockno, n, 1);
}

// Return a locked buffer for a block the caller will overwrite whole (a
// block just allocated, a copy's destination): its old contents are not
// read from the disk, which saves a read per block written. If the cache
// does not hold it, it starts zeroed.
struct buf *bread_blank(uint dev, uint blockno) {
  struct buf *b = bget(dev, blockno);
  if (!b->valid) {
    memset(b->data, 0, BSIZE);
    b->valid = 1;
  }
  return b;
}

// Write b's contents to disk now. The caller must hold b locked.
// File system code normally calls log_write instead, so the write
// becomes part of a crash-safe transaction.
void bwrite(struct buf *b) {
  if (!sleeplock_held(&b->lock))
    panic("bwrite: buffer not locked");
  virtio_blk_rw(b, 1);
}

// Unlock a buffer and drop the caller's reference. The last release
// moves it to the hot end of the list.
void brelse(struct buf *b) {
  if (!sleeplock_held(&b->lock))
    panic("brelse: buffer not locked");
  sleeplock_unlock(&b->lock);

  spin_lock(&bcache.lock);
  b->refcnt--;
  if (b->refcnt == 0) {
    list_remove(b);
    list_push_front(b);
  }
  spin_unlock(&bcache.lock);
}

// The log pins a buffer it has not yet written to its home location, so
// that the cache cannot recycle it and lose the change.
void bpin(struct buf *b) {
  spin_lock(&bcache.lock);
  b->refcnt++;
  spin_unlock(&bcache.lock);
}

void bunpin(struct buf *b) {
  spin_lock(&bcache.lock);
  b->refcnt--;
  spin_unlock(&bcache.lock);
}
