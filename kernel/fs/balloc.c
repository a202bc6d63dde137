// The block allocator: which disk blocks are free, and how many block
// pointers share each one.
//
// Two tables on disk describe every block (kernel/fs.h):
//   - the free bit map, one bit per block, set when the block is in use;
//   - the reference counts, one ushort per block: how many block pointers
//     (an inode's addrs[] entries and indirect-block entries) name it.
// Before reflinks a block had at most one pointer, and the bit map was
// enough. clonefile lets two files point at the same data block, so the
// file system must know when the last pointer goes before it frees it,
// just as the frame allocator counts the page tables that map a frame.
//
// Invariant: for every data block, count == number of pointers to it,
// and its bit is set exactly when count > 0. (Metadata blocks keep their
// bits set and a count of zero; nobody allocates or frees them.) Every
// change to either table goes through log_write inside a transaction, so
// the two tables change together or not at all.
//
// Locking: the buffer lock of a bit-map or count block serialises the
// updates of the blocks it describes. A block's count changes only under
// the lock of an inode that points at it, and is read to decide between
// writing in place and copying (bmap.c); see block_count().

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fs.h"
#include "kernel/fsstat.h"
#include "kernel/fs/balloc.h"
#include "kernel/fs/buf.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"

// ---- The bit map ----------------------------------------------------------

_Static_assert(__builtin_offsetof(struct buf, data) % sizeof(uint64) == 0,
               "first_clear reads a buffer's data a word at a time");

// The first clear bit among the first n bits of one bit-map block, or -1.
// Words, then bytes, with all bits set are passed over whole: the map of
// a full disk region is mostly such words, and testing bit by bit made
// every allocation cost a walk over all the blocks allocated before it (a
// file of MAXFILE blocks took minutes to write under QEMU). A buffer's
// data is 8-byte aligned, so the map can be read a word at a time.
static int first_clear(const uchar *map, uint n) {
  for (uint bit = 0; bit < n; bit++) {
    if (bit % 64 == 0 && bit + 64 <= n && ((const uint64 *)map)[bit / 64] == ~0UL) {
      bit += 63;
      continue;
    }
    if (bit % 8 == 0 && map[bit / 8] == 0xff) {
      bit += 7;
      continue;
    }
    if ((map[bit / 8] & (1 << (bit % 8))) == 0)
      return bit;
  }
  return -1;
}

// Claim the first clear bit of the map and return its block number, or 0
// if every block is in use. Only the bit changes; the caller sets the count.
static uint bit_claim(uint dev) {
  for (uint start = 0; start < sb.size; start += BPB) {
    struct buf *b = bread(dev, BBLOCK(start, sb));
    uint n = sb.size - start < BPB ? sb.size - start : BPB;
    int bit = first_clear(b->data, n);
    if (bit >= 0) {
      b->data[bit / 8] |= 1 << (bit % 8);
      log_write(b);
      brelse(b);
      return start + bit;
    }
    brelse(b);
  }
  return 0;
}

static void bit_clear(uint dev, uint blockno) {
  struct buf *b = bread(dev, BBLOCK(blockno, sb));
  uint bit = blockno % BPB;
  b->data[bit / 8] &= ~(1 << (bit % 8));
  log_write(b);
  brelse(b);
}

// ---- The counts -----------------------------------------------------------

// The first data block: everything before the last nblocks is metadata.
static uint data_start(void) {
  return sb.size - sb.nblocks;
}

// Add delta to blockno's count and return the new count. The count block
// is read, changed and logged under its buffer lock, so two updates of
// counts in the same block cannot lose each other.
static uint count_add(uint dev, uint blockno, int delta) {
  if (blockno < data_start() || blockno >= sb.size)
    panic("count of block %d, which is not a data block; the disk is corrupt", blockno);
  struct buf *b = bread(dev, RBLOCK(blockno, sb));
  ushort *count = (ushort *)b->data + blockno % RPB;
  uint old = *count;
  if (delta < 0 && old == 0)
    panic("block %d: count %d cannot change by %d; the disk is corrupt",
          blockno, old, delta);
  *count = old + delta;
  log_write(b);
  brelse(b);
  return old + delta;
}

uint block_count(uint dev, uint blockno) {
  struct buf *b = bread(dev, RBLOCK(blockno, sb));
  uint n = ((ushort *)b->data)[blockno % RPB];
  brelse(b);
  return n;
}

// ---- Allocation -------------------------------------------------------------

// A block nobody points at yet, counted once for the caller's pointer,
// its old contents still in place. 0 if the disk is full.
static uint block_new(uint dev) {
  uint blockno = bit_claim(dev);
  if (blockno == 0) {
    printf("balloc: out of blocks\n");
    return 0;
  }
  count_add(dev, blockno, 1);
  return blockno;
}

uint balloc(uint dev) {
  uint blockno = block_new(dev);
  if (blockno == 0)
    return 0;
  struct buf *b = bread_blank(dev, blockno);
  memset(b->data, 0, BSIZE);
  log_write(b);
  brelse(b);
  return blockno;
}

int block_get(uint dev, uint blockno) {
  uint n = block_count(dev, blockno);
  if (n == 0)
    panic("block_get: block %d is free; the disk is corrupt", blockno);
  if (n >= MAXREF)
    return -1;
  count_add(dev, blockno, 1);
  return 0;
}

void block_put(uint dev, uint blockno) {
  if (count_add(dev, blockno, -1) == 0)
    bit_clear(dev, blockno);
}

uint block_copy(uint dev, uint blockno) {
  uint copy = block_new(dev);
  if (copy == 0)
    return 0;
  struct buf *from = bread(dev, blockno);
  struct buf *to = bread_blank(dev, copy);
  memmove(to->data, from->data, BSIZE);
  log_write(to);
  brelse(from);
  brelse(to);
  block_put(dev, blockno);
  return copy;
}

// ---- Figures ----------------------------------------------------------------

// Count free and shared data blocks from the count table.
void block_stats(uint dev, struct fsstat *st) {
  uint first = data_start();
  st->size = sb.size;
  st->nblocks = sb.size - first;
  st->free = 0;
  st->shared = 0;
  for (uint start = first - first % RPB; start < sb.size; start += RPB) {
    struct buf *b = bread(dev, RBLOCK(start, sb));
    for (uint i = 0; i < RPB && start + i < sb.size; i++) {
      if (start + i < first)
        continue;
      ushort n = ((ushort *)b->data)[i];
      st->free += n == 0;
      st->shared += n > 1;
    }
    brelse(b);
  }
}
