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

// Cut the subtree named by *entry, which covers file blocks from first
// on, down to the blocks below keep: a subtree wholly at or past keep is
// dropped (and *entry zeroed); one that straddles keep is cut inside.
// Returns whether *entry changed.
static int tree_trim(uint dev, uint *entry, int depth, uint first, uint keep) {
  if (*entry == 0 || first + span(depth) <= keep)
    return 0;
  if (first >= keep) {
    tree_put(dev, *entry, depth);
    *entry = 0;
    return 1;
  }
  struct buf *b = bread(dev, *entry);
  uint *e = (uint *)b->data;
  int changed = 0;
  for (uint i = 0; i < NINDIRECT; i++)
    changed |= tree_trim(dev, &e[i], depth - 1, first + i * span(depth - 1), keep);
  if (changed)
    log_write(b);
  brelse(b);
  return 0;
}

void bmap_truncate(struct inode *ip, uint keep) {
  uint first = 0;
  for (int i = 0; i < NDIRECT + 2; i++) {
    tree_trim(ip->dev, &ip->addrs[i], addr_depth(i), first, keep);
    first += span(addr_depth(i));
  }
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

// What a clone of a file of size bytes may write, in blocks: the new
// inode's block; the directory's inode, its data block and perhaps a new
// data block and indirect block for the name; the copies of the source's
// indirect blocks; and the bit-map and count blocks that the allocations
// and the shared blocks' new counts land in, at most all of them.
uint bmap_clone_cost(uint size) {
  uint n = (size + BSIZE - 1) / BSIZE;
  uint copies = 0;
  if (n > NDIRECT)
    copies++;
  if (n > NDIRECT + NINDIRECT)
    copies += 1 + (n - NDIRECT - NINDIRECT + NINDIRECT - 1) / NINDIRECT;
  uint bitmap = sb.size / BPB + 1;
  uint counts = sb.size / RPB + 1;
  return 1 + 4 + copies + bitmap + counts;
}
