// A file's block map: which disk block holds each block of an inode's
// contents, and the copy-on-write rule for blocks that files share.
//
// The map is a small tree. ip->addrs[0..NDIRECT-1] name data blocks;
// addrs[NDIRECT] names an indirect block of NINDIRECT more; addrs[NDIRECT+1]
// names a doubly indirect block whose entries name indirect blocks. A
// block at depth d of the tree is a data block (d = 0), an indirect block
// (d = 1) or the doubly indirect block (d = 2).
//
// Invariant: every non-zero entry of the tree holds one reference on the
// block it names (kernel/fs/balloc.c counts them). Data blocks may be
// named by several files' trees after clonefile; indirect blocks never
// are: a clone gets copies of them. So a file may change its own indirect
// blocks in place, and must copy a data block before writing it whenever
// the block's count is above one. The caller holds ip->lock and, for
// anything that changes the tree, is inside a transaction.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fs.h"
#include "kernel/fs/balloc.h"
#include "kernel/fs/bmap.h"
#include "kernel/fs/buf.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"

// The block number in *entry, allocating a zeroed block there first if
// the entry is empty and alloc is set. 0 if there is none.
static uint entry_block(uint dev, uint *entry, int alloc) {
  if (*entry == 0 && alloc)
    *entry = balloc(dev);
  return *entry;
}

// Find the entry that names block bn of ip. It is either in ip->addrs
// (*holder = 0; the caller must iupdate after changing it) or in an
// indirect block, returned locked in *holder (the caller logs it if it
// changes the entry, then releases it). With alloc, missing indirect
// blocks on the way are allocated. Returns 0 if bn is past the largest
// file, an indirect block is missing and !alloc, or the disk is full.
static uint *entry_of(struct inode *ip, uint bn, int alloc, struct buf **holder) {
  *holder = 0;
  if (bn < NDIRECT)
    return &ip->addrs[bn];
  bn -= NDIRECT;

  uint ind;
  if (bn < NINDIRECT) {
    ind = entry_block(ip->dev, &ip->addrs[NDIRECT], alloc);
  } else {
    bn -= NINDIRECT;
    if (bn >= NDINDIRECT)
      return 0;
    uint dind = entry_block(ip->dev, &ip->addrs[NDIRECT + 1], alloc);
    if (dind == 0)
      return 0;
    struct buf *b = bread(ip->dev, dind);
    uint *e = (uint *)b->data + bn / NINDIRECT;
    uint before = *e;
    ind = entry_block(ip->dev, e, alloc);
    if (ind != before)
      log_write(b); // the doubly indirect block gained an entry
    brelse(b);
    bn %= NINDIRECT;
  }
  if (ind == 0)
    return 0;
  *holder = bread(ip->dev, ind);
  return (uint *)(*holder)->data + bn;
}

uint bmap_read(struct inode *ip, uint bn) {
  struct buf *holder;
  uint *e = entry_of(ip, bn, 0, &holder);
  uint addr = e ? *e : 0;
  if (holder)
    brelse(holder);
  return addr;
}

uint bmap_write(struct inode *ip, uint bn) {
  struct buf *holder;
  uint *e = entry_of(ip, bn, 1, &holder);
  if (e == 0)
    return 0;

  uint addr = *e;
  if (addr == 0)
    addr = balloc(ip->dev);
  else if (block_count(ip->dev, addr) > 1)
    addr = block_copy(ip->dev, addr); // shared: write a private copy
  if (addr != 0 && addr != *e) {
    *e = addr;
    if (holder)
      log_write(holder);
  }
  if (holder)
    brelse(holder);
  return addr;
}

// ---- Whole trees: truncate and clone ------------------------------------

// Drop the reference held by an entry naming block b at depth d, and, for
// an indirect block, the references its entries hold.
static void tree_put(uint dev, uint b, int depth) {
  if (b == 0)
    return;
  if (depth > 0) {
    struct buf *buf = bread(dev, b);
    uint *e = (uint *)buf->data;
    for (uint i = 0; i < NINDIRECT; i++)
      tree_put(dev, e[i], depth - 1);
    brelse(buf);
  }
  block_put(dev, b);
}

// The block a clone's entry should name, for a source entry naming b at
// depth d: b itself, shared, for a data block; for an indirect block a
// fresh copy whose entries are clones of b's. 0 (with nothing held) if
// the disk is full or a data block's count is at its limit.
static uint tree_clone(uint dev, uint b, int depth) {
  if (b == 0)
    return 0;
  if (depth == 0)
    return block_get(dev, b) == 0 ? b : 0;

  uint copy = balloc(dev);
  if (copy == 0)
    return 0;
  struct buf *from = bread(dev, b);
  struct buf *to = bread(dev, copy);
  uint *src = (uint *)from->data, *dst = (uint *)to->data;
  int ok = 1;
  for (uint i = 0; i < NINDIRECT && ok; i++) {
    dst[i] = tree_clone(dev, src[i], depth - 1);
    ok = src[i] == 0 || dst[i] != 0;
  }
  log_write(to);
  brelse(from);
  brelse(to);
  if (ok)
    return copy;
  tree_put(dev, copy, depth); // undo the entries made so far
  return 0;
}

// The depth of the tree below each entry of ip->addrs.
static int addr_depth(int i) {
  return i < NDIRECT ? 0 : i - NDIRECT + 1;
}

// How many file blocks a subtree of the given depth covers.
static uint span(int depth) {
  return depth == 0 ? 1 : depth == 1 ? NINDIRECT : NDINDIRECT;
}

// ---- Cutting a file back, one bounded step at a time ----------------------
//
// Freeing a big file touches more blocks than one transaction may log:
// every map block, and the count and bit-map blocks of every data block.
// So bmap_trim cuts the tree from its last block towards the first, and
// stops when the step has dirtied as many blocks as its caller allowed.
// Whenever it stops, every file block at or past some boundary `end` is
// unmapped and every block below it is as it was: the caller sets the
// size to at most end blocks, and the file is a shorter consistent file
// (kernel/fs/inode.c runs the steps, each in its own transaction). A map
// block is freed in the same step that empties it, so no map block is
// ever left covering only blocks past the end (mkfs/fsck checks that).

struct trim {
  uint dev;
  uint keep;  // file blocks below keep stay
  uint end;   // every file block at or past end is unmapped
  int room;   // distinct blocks the step may dirty; 0: no limit
  int n;      // distinct blocks it will dirty so far, in dirty[]
  uint puts;  // blocks the step may still drop; ~0: no limit
  uint dirty[MAXOPBLOCKS];
};

// Promise the step the k blocks in want (duplicates allowed): 1 if they
// fit in its room with the blocks it dirties already, 0 (and nothing
// promised) if not.
static int trim_claim(struct trim *t, const uint *want, int k) {
  if (t->puts == 0)
    return 0;
  t->puts--; // a block claimed is a block dropped, or a map block cut
  if (t->room == 0)
    return 1;
  uint fresh[3];
  int nfresh = 0;
  for (int i = 0; i < k; i++) {
    int seen = 0;
    for (int j = 0; j < t->n && !seen; j++)
      seen = t->dirty[j] == want[i];
    for (int j = 0; j < nfresh && !seen; j++)
      seen = fresh[j] == want[i];
    if (!seen)
      fresh[nfresh++] = want[i];
  }
  if (t->n + nfresh > t->room) {
    t->puts++;
    return 0;
  }
  for (int i = 0; i < nfresh; i++)
    t->dirty[t->n++] = fresh[i];
  return 1;
}

// The subtree holds nothing at or past max(first, keep) any more.
static int trim_done(struct trim *t, uint first) {
  uint e = first > t->keep ? first : t->keep;
  if (e < t->end)
    t->end = e;
  return 1;
}

// Cut the subtree named by *entry (depth d, covering file blocks from
// first on) back to t->keep, last block first. Returns 1 if it holds no
// block at or past keep any more, 0 if the step ran out of room first.
// Dropping a block dirties its count and bit-map blocks; emptying entries
// of a map block dirties the map block.
static int trim_back(struct trim *t, uint *entry, int depth, uint first) {
  if (first + span(depth) <= t->keep)
    return 1; // wholly kept
  if (*entry == 0)
    return trim_done(t, first);
  uint b = *entry;
  int whole = first >= t->keep; // the block itself goes, not just entries
  uint want[3] = {RBLOCK(b, sb), BBLOCK(b, sb), b};
  if (depth == 0) {
    if (!trim_claim(t, want, 2))
      return 0;
    block_put(t->dev, b);
    *entry = 0;
    return trim_done(t, first);
  }
  if (!trim_claim(t, whole ? want : want + 2, whole ? 3 : 1))
    return 0;
  struct buf *buf = bread(t->dev, b);
  uint *e = (uint *)buf->data;
  int done = 1, changed = 0;
  for (int i = NINDIRECT - 1; i >= 0 && done; i--) {
    uint before = e[i];
    done = trim_back(t, &e[i], depth - 1, first + i * span(depth - 1));
    changed |= e[i] != before;
  }
  if (changed)
    log_write(buf);
  brelse(buf);
  if (!done)
    return 0;
  if (whole) {
    block_put(t->dev, b);
    *entry = 0;
  }
  return trim_done(t, first);
}

uint bmap_trim(struct inode *ip, uint keep, int room, uint maxput) {
  struct trim t = {.dev = ip->dev, .keep = keep, .end = MAXFILE, .room = room,
                   .puts = maxput ? maxput : ~0u};
  uint first[NDIRECT + 2];
  for (int i = 0, f = 0; i < NDIRECT + 2; f += span(addr_depth(i)), i++)
    first[i] = f;
  for (int i = NDIRECT + 1; i >= 0; i--)
    if (!trim_back(&t, &ip->addrs[i], addr_depth(i), first[i]))
      break;
  return t.end;
}

void bmap_truncate(struct inode *ip, uint keep) {
  bmap_trim(ip, keep, 0, 0);
}

int bmap_clone(struct inode *dst, struct inode *src) {
  for (int i = 0; i < NDIRECT + 2; i++) {
    dst->addrs[i] = tree_clone(src->dev, src->addrs[i], addr_depth(i));
    if (src->addrs[i] != 0 && dst->addrs[i] == 0) {
      bmap_truncate(dst, 0);
      return -1;
    }
  }
  return 0;
}

// Walk the subtree named by b (depth d) in file order, counting its map
// blocks in *maps and, in *counts, how often the count block of the next
// data block differs from the one before (*last): at least the number of
// distinct count blocks the data blocks' counts live in.
static void tree_cost(uint dev, uint b, int depth, uint *maps, uint *counts, uint *last) {
  if (b == 0)
    return;
  if (depth == 0) {
    if (RBLOCK(b, sb) != *last)
      (*counts)++;
    *last = RBLOCK(b, sb);
    return;
  }
  (*maps)++;
  struct buf *buf = bread(dev, b);
  for (uint i = 0; i < NINDIRECT; i++)
    tree_cost(dev, ((uint *)buf->data)[i], depth - 1, maps, counts, last);
  brelse(buf);
}

// What a clone of src may write, in blocks: the new inode's block; the
// directory's inode, its data block and perhaps a new data block and
// indirect block for the name; a copy of each of src's map blocks, with
// a bit-map and a count block for each copy (but never more than the
// tables have); and the count blocks of the data blocks that become shared.
uint bmap_clone_cost(struct inode *src) {
  uint maps = 0, counts = 0, last = 0;
  for (int i = 0; i < NDIRECT + 2; i++)
    tree_cost(src->dev, src->addrs[i], addr_depth(i), &maps, &counts, &last);
  uint tables = (sb.size / BPB + 1) + (sb.size / RPB + 1);
  uint alloc = 2 * maps < tables ? 2 * maps : tables;
  return 1 + 4 + maps + alloc + counts;
}
