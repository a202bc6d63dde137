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
// Invariant: bcache.lock guards the list, every refcnt and every
// (dev, blockno) identity. A buffer with refcnt 0 is unused and may be
// recycled for another block; one with refcnt > 0 keeps its identity.

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
  inject_count(INJ_BREAD);
  struct buf *b = bget(dev, blockno);
  if (!b->valid) {
    virtio_blk_rw(b, 0);
    b->valid = 1;
  }
  return b;
}

// bread for callers that can return an error (file data, exec's loading):
// 0 if the block cannot be read, because the disk reported an I/O error or
// fault injection refused a buffer. The buffer is then left not valid, so
// the next reader of the block asks the disk again.
struct buf *bread_try(uint dev, uint blockno) {
  if (inject_fail(INJ_BREAD_TRY))
    return 0;
  struct buf *b = bget(dev, blockno);
  if (!b->valid) {
    if (virtio_blk_read_try(b) < 0) {
      brelse(b);
      return 0;
    }
    b->valid = 1;
  }
  return b;
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
