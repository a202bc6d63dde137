// Reclaiming a file's space: truncation in steps, and the free of an
// unlinked file, spread over as many transactions as it takes.
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
// The boot argument trimcap=N also caps the blocks one step may cut, so
// that the crash test (tests/harness.py) can stop the disk inside a
// multi-step truncation of a file small enough to check quickly.
//
// Invariant: pending[] holds the inodes whose free is under way, each
// with the one reference the reaper owns, nlink 0 and its inode still
// allocated on disk; only the process that takes an inode off the list
// works on it. reclaim.lock guards the list.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fs.h"
#include "kernel/fs/bmap.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"
#include "kernel/fs/reclaim.h"
#include "kernel/lib/printk.h"
#include "kernel/lock/spinlock.h"
#include "kernel/riscv/fdt.h"

static struct {
  struct spinlock lock;
  int n;
  struct inode *pending[NINODE];
  uint cap; // trimcap=N: blocks one truncation step may cut (0: no cap)
} reclaim;

void reclaim_init(void) {
  spin_init(&reclaim.lock, "reclaim");
  char arg[16];
  if (bootarg("trimcap", arg, sizeof(arg))) {
    for (char *c = arg; *c >= '0' && *c <= '9'; c++)
      reclaim.cap = reclaim.cap * 10 + (*c - '0');
    printf("reclaim: truncation steps cut at most %d blocks (trimcap)\n", reclaim.cap);
  }
}

// One step of cutting ip back to nothing: 1 if it holds no block now.
// Caller holds ip->lock, inside a transaction. maxput: see bmap_trim.
static int trunc_step(struct inode *ip, uint maxput) {
  uint end = bmap_trim(ip, 0, TRIM_STEP_BLOCKS, maxput);
  if (ip->size > end * BSIZE)
    ip->size = end * BSIZE;
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
// inode too. Returns whether ip is free on disk now.
static int free_step(struct inode *ip) {
  if (!trunc_step(ip, 0))
    return 0;
  ip->type = 0;
  iupdate(ip);
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

void reclaim_run(void) {
  struct inode *ip;
  while ((ip = pending_take()) != 0) {
    int done = 0;
    while (!done) {
      begin_op();
      ilock(ip);
      done = free_step(ip);
      iunlock(ip);
      end_op();
    }
    begin_op();
    iput(ip); // the reaper's reference; the inode is free already
    end_op();
  }
}
