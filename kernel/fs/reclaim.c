// Reclaiming a file's space: truncation in steps, the free of an
// unlinked file spread over as many transactions as it takes, and the
// orphan list that lets a crash interrupt either without losing space.
//
// A transaction may log at most MAXOPBLOCKS blocks, but freeing a big file
// touches far more: every map block, and the count and bit-map blocks of
// every data block (kernel/fs/balloc.c). So a file is cut back from its
// end in steps (bmap_trim), each of which fits in one transaction and
// leaves a consistent, shorter file: the size and the block map shrink
// together. A crash between two steps leaves that shorter file, which
// fsck accepts and the next truncation continues.
//
// Two callers free space:
//   - itrunc (open with O_TRUNC): the file keeps its name; the caller's
//     transaction is committed and a new one begun between steps.
//   - the last iput of a file with no links: the first step runs in the
//     caller's transaction (for a small file the only one, so the free is
//     part of the unlink or close, as in xv6). If the file is bigger, the
//     inode is handed, with its last reference, to the pending list, and
//     reclaim_run() finishes it in transactions of its own once the caller
//     has ended its transaction and released its locks.
//
// The orphan list (the superblock's orphan[], kernel/fs.h) names every
// inode that has no links but is still allocated: a file unlinked while
// open, or one whose free is under way. unlink puts an inode on it in the
// same transaction that drops its last link; the step that frees the
// inode takes it off. So after a crash at any point, the list names
// exactly the inodes that nothing names and nothing will free: fsinit
// calls reclaim_init, which, after the log replay, frees each of them,
// step by step, as the last close would have. docs/reclaim.md draws the
// timeline.
//
// The boot argument trimcap=N also caps the blocks one step may cut, so
// that the crash test (tests/harness.py) can stop the disk inside a
// multi-step truncation of a file small enough to check quickly.
//
// Invariant: at every commit, an allocated inode has nlink 0 exactly
// when the orphan list names it. pending[] holds the inodes whose free is
// under way, each with the one reference the reaper owns, nlink 0, its
// inode still allocated on disk and on the orphan list; only the process
// that takes an inode off pending[] works on it. reclaim.lock guards
// pending[]; the superblock's buffer lock guards the orphan list.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fs.h"
#include "kernel/fs/bmap.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"
#include "kernel/fs/reclaim.h"
#include "kernel/fs/pagecache.h"
#include "kernel/fs/buf.h"
#include "kernel/lib/printk.h"
#include "kernel/lock/spinlock.h"
#include "kernel/riscv/fdt.h"

_Static_assert(NINODE <= NORPHAN, "every in-memory inode may be an orphan");
_Static_assert(sizeof(struct superblock) <= BSIZE, "the superblock must fit a block");

static struct {
  struct spinlock lock;
  int n;
  struct inode *pending[NINODE];
  uint cap; // trimcap=N: blocks one truncation step may cut (0: no cap)
} reclaim;

// ---- The orphan list ---------------------------------------------------------

// Put inum on dev's orphan list (add) or take it off, in the caller's
// transaction. Adding one already there, or taking off one that is not,
// changes nothing.
static void orphan_edit(uint dev, uint inum, int add) {
  struct buf *b = bread(dev, 1);
  struct superblock *d = (struct superblock *)b->data;
  uint i = 0;
  while (i < d->norphan && d->orphan[i] != inum)
    i++;
  int changed = 0;
  if (add && i == d->norphan) {
    if (d->norphan == NORPHAN)
      panic("orphan list full: more unlinked inodes than the inode table holds");
    d->orphan[d->norphan++] = inum;
    changed = 1;
  } else if (!add && i < d->norphan) {
    d->orphan[i] = d->orphan[--d->norphan];
    d->orphan[d->norphan] = 0;
    changed = 1;
  }
  if (changed)
    log_write(b);
  brelse(b);
}

void orphan_add(struct inode *ip) {
  orphan_edit(ip->dev, ip->inum, 1);
}

// The first inode on dev's orphan list, or 0 if it is empty.
static uint orphan_first(uint dev) {
  struct buf *b = bread(dev, 1);
  struct superblock *d = (struct superblock *)b->data;
  uint inum = d->norphan > 0 ? d->orphan[0] : 0;
  brelse(b);
  return inum;
}

// Is inum, on disk, an allocated inode with no links, as an orphan must
// be? (ilock would panic on a free one; a corrupt list must not.)
static int orphan_plausible(uint dev, uint inum) {
  if (inum < ROOTINO || inum >= sb.ninodes)
    return 0;
  struct buf *b = bread(dev, IBLOCK(inum, sb));
  struct dinode *dip = (struct dinode *)b->data + inum % IPB;
  int ok = dip->type != 0 && dip->nlink == 0;
  brelse(b);
  return ok;
}

static void free_all(struct inode *ip);

// After a crash: free every inode on the list, as its last close or the
// free under way would have. Runs at mount, before anything else uses
// the file system.
static void orphans_recover(uint dev) {
  uint inum;
  while ((inum = orphan_first(dev)) != 0) {
    struct inode *ip = orphan_plausible(dev, inum) ? iget(dev, inum) : 0;
    if (ip == 0) {
      printf("reclaim: orphan list names inode %d, which is not an orphan: dropped\n", inum);
      begin_op();
      orphan_edit(dev, inum, 0);
      end_op();
      continue;
    }
    printf("reclaim: freeing orphan inode %d\n", inum);
    free_all(ip);
  }
}

void reclaim_init(uint dev) {
  spin_init(&reclaim.lock, "reclaim");
  char arg[16];
  if (bootarg("trimcap", arg, sizeof(arg))) {
    for (char *c = arg; *c >= '0' && *c <= '9'; c++)
      reclaim.cap = reclaim.cap * 10 + (*c - '0');
    printf("reclaim: truncation steps cut at most %d blocks (trimcap)\n", reclaim.cap);
  }
  orphans_recover(dev);
}

// One step of cutting ip back to nothing: 1 if it holds no block now.
// Caller holds ip->lock, inside a transaction. maxput: see bmap_trim.
static int trunc_step(struct inode *ip, uint maxput) {
  uint end = bmap_trim(ip, 0, TRIM_STEP_BLOCKS, maxput);
  if (ip->size > end * BSIZE)
    ip->size = end * BSIZE;
  pcache_truncate(ip, ip->size); // before the blocks can hold another file's data
  iupdate(ip);
  return end == 0;
}

void itrunc(struct inode *ip) {
  while (!trunc_step(ip, reclaim.cap)) {
    // This step is complete on its own: commit it, and go on in a new
    // transaction. ip may change meanwhile; the next step sees it.
    iunlock(ip);
    end_op();
    begin_op();
    ilock(ip);
  }
}

// One step of freeing ip, which has no links; the last one frees the
// inode too, and takes it off the orphan list. Returns whether ip is free
// on disk now.
static int free_step(struct inode *ip) {
  if (!trunc_step(ip, reclaim.cap))
    return 0;
  ip->type = 0;
  iupdate(ip);
  orphan_edit(ip->dev, ip->inum, 0);
  ip->valid = 0;
  return 1;
}

int reclaim_begin(struct inode *ip) {
  if (free_step(ip))
    return 1;
  spin_lock(&reclaim.lock);
  if (reclaim.n == NINODE)
    panic("reclaim: more pending frees than inodes");
  reclaim.pending[reclaim.n++] = ip;
  spin_unlock(&reclaim.lock);
  return 0;
}

static struct inode *pending_take(void) {
  spin_lock(&reclaim.lock);
  struct inode *ip = reclaim.n > 0 ? reclaim.pending[--reclaim.n] : 0;
  spin_unlock(&reclaim.lock);
  return ip;
}

// Free ip, whose one reference the caller owns and gives up, each step
// in its own transaction.
static void free_all(struct inode *ip) {
  int done = 0;
  while (!done) {
    begin_op();
    ilock(ip);
    done = free_step(ip);
    iunlock(ip);
    end_op();
  }
  begin_op();
  iput(ip); // the inode is free already: this only drops the reference
  end_op();
}

void reclaim_run(void) {
  struct inode *ip;
  while ((ip = pending_take()) != 0)
    free_all(ip);
}
