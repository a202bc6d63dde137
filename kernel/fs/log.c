// The write-ahead log: makes the block writes of each file system call
// atomic with respect to crashes.
//
// A system call brackets its disk updates with begin_op() and end_op(),
// and marks each changed buffer with log_write() instead of bwrite().
// Nothing reaches its home location on disk yet. When the last
// outstanding operation ends, the whole group is committed:
//   1. copy every logged block into the log area on disk;
//   2. write the log header with the block count: the commit point;
//   3. copy each block from the log to its home location (install);
//   4. write the header again with a count of zero.
// A crash before step 2 leaves the header saying zero, so none of the
// group happened; a crash after it is repaired at boot by redoing step 3.
// Either way the file system sees all of a group's writes or none.
//
// That argument assumes the disk performs the writes in the order we
// issue them. A real disk with a write-back cache does not: it may put
// the header on the platter before the logged blocks, and a crash then
// replays garbage. So the log asks the disk to flush its cache (virtio-blk
// FLUSH) at each step where order matters:
//   logged blocks | FLUSH | header n | FLUSH | install | FLUSH | header 0 | FLUSH
// The first keeps the commit record from overtaking the data it commits;
// the second makes the commit durable before home blocks are overwritten;
// the third keeps "header 0" from overtaking the install it retires; the
// last keeps the next group's log writes from overwriting a log that a
// stale header could still replay. A file's data and the metadata that
// points at it (inode, indirect block, counts) are in the same group, so
// a pointer never reaches the disk without the data it points at.
//
// On-disk log layout: [ header block | logged block 1 | logged block 2 | ... ]
//
// Invariant: log.lock guards log. Every block in log.lh is pinned in the
// buffer cache until installed. begin_op admits an operation only if the
// log has room for every admitted operation's worst case (MAXOPBLOCKS
// each, or the whole log for an exclusive one), so log_write can never run
// out of space.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fs.h"
#include "kernel/fs/buf.h"
#include "kernel/fs/log.h"
#include "kernel/dev/virtio_blk.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/lock/spinlock.h"
#include "kernel/sched/sched.h"

// The log header, both on disk (in the log's first block) and in memory,
// where it accumulates the home block numbers of the open group.
struct logheader {
  int n;
  int block[LOGBLOCKS];
};
_Static_assert(sizeof(struct logheader) <= BSIZE, "log header must fit in a block");

static struct {
  struct spinlock lock;
  int start;       // block number of the header block
  int size;        // blocks in the log area, header included
  int outstanding; // file system calls between begin_op and end_op
  int reserved;    // log blocks promised to the outstanding calls
  int exclusive;   // calls waiting in, or inside, begin_op_exclusive
  int whole;       // an exclusive call is admitted and owns the whole log
  int committing;  // a commit is in progress; new operations wait
  int dev;
  struct logheader lh;
} log;

// Copy disk block `from` to disk block `to`, through the cache. If
// unpin, `to` is a home block the log pinned, and may now be recycled.
static void copy_block(uint from, uint to, int unpin) {
  struct buf *src = bread(log.dev, from);
  struct buf *dst = bread(log.dev, to);
  memmove(dst->data, src->data, BSIZE);
  bwrite(dst);
  if (unpin)
    bunpin(dst);
  brelse(src);
  brelse(dst);
}

// Copy the logged blocks from the log area to their home locations.
// At boot (recovering) the home buffers were never pinned.
static void install_trans(int recovering) {
  for (int i = 0; i < log.lh.n; i++)
    copy_block(log.start + 1 + i, log.lh.block[i], !recovering);
}

static void read_head(void) {
  struct buf *b = bread(log.dev, log.start);
  struct logheader *disk_lh = (struct logheader *)b->data;
  if (disk_lh->n < 0 || disk_lh->n > LOGBLOCKS || disk_lh->n > log.size - 1)
    panic("initlog: log header claims %d blocks; the disk is corrupt", disk_lh->n);
  log.lh.n = disk_lh->n;
  memmove(log.lh.block, disk_lh->block, log.lh.n * sizeof(int));
  brelse(b);
}

// Write the in-memory header to disk. With a non-zero count this is the
// moment the current group becomes durable.
static void write_head(void) {
  struct buf *b = bread(log.dev, log.start);
  struct logheader *disk_lh = (struct logheader *)b->data;
  disk_lh->n = log.lh.n;
  memmove(disk_lh->block, log.lh.block, log.lh.n * sizeof(int));
  bwrite(b);
  brelse(b);
}

static void recover_from_log(void) {
  read_head();
  install_trans(1); // a committed group that may not have been installed
  virtio_blk_flush();
  log.lh.n = 0;
  write_head();
  virtio_blk_flush();
}

void initlog(int dev, struct superblock *sb) {
  spin_init(&log.lock, "log");
  log.start = sb->logstart;
  log.size = sb->nlog;
  log.dev = dev;
  recover_from_log();
}

// Would the log overflow if an operation needing n more blocks joined the
// admitted ones, each of which may still write everything it reserved?
static int log_would_overflow(int n) {
  return log.lh.n + log.reserved + n > LOGBLOCKS;
}

static void admit(int n) {
  log.outstanding++;
  log.reserved += n;
}

void begin_op(void) {
  spin_lock(&log.lock);
  while (log.committing || log.exclusive || log_would_overflow(MAXOPBLOCKS))
    sleep(&log, &log.lock);
  admit(MAXOPBLOCKS);
  spin_unlock(&log.lock);
}

// Wait for the log to be empty and idle, then take all of it. Ordinary
// operations that arrive meanwhile wait behind us, so a stream of them
// cannot starve an exclusive one.
void begin_op_exclusive(void) {
  spin_lock(&log.lock);
  log.exclusive++;
  while (log.committing || log.outstanding > 0 || log_would_overflow(LOGBLOCKS))
    sleep(&log, &log.lock);
  admit(LOGBLOCKS);
  log.whole = 1;
  spin_unlock(&log.lock);
}

// Copy the group's modified blocks, still cached, into the log area.
static void write_log(void) {
  for (int i = 0; i < log.lh.n; i++)
    copy_block(log.lh.block[i], log.start + 1 + i, 0);
}

static void commit(void) {
  if (log.lh.n == 0)
    return;
  write_log();
  virtio_blk_flush();
  write_head(); // the commit point
  virtio_blk_flush();
  install_trans(0);
  virtio_blk_flush();
  log.lh.n = 0;
  write_head(); // the group is home; forget it
  virtio_blk_flush();
}

void end_op(void) {
  int do_commit = 0;

  spin_lock(&log.lock);
  if (log.committing)
    panic("end_op: operation ended during a commit");
  if (log.whole) {
    log.whole = 0;
    log.exclusive--;
    log.reserved -= LOGBLOCKS;
  } else {
    log.reserved -= MAXOPBLOCKS;
  }
  log.outstanding--;
  if (log.outstanding == 0) {
    do_commit = 1;
    log.committing = 1;
  } else {
    // This operation's reserved space is free again, which may let a
    // waiting begin_op in.
    wakeup(&log);
  }
  spin_unlock(&log.lock);

  // commit() sleeps on disk I/O, so it must run without the spinlock;
  // log.committing keeps everyone else out meanwhile.
  if (do_commit) {
    commit();
    spin_lock(&log.lock);
    log.committing = 0;
    wakeup(&log);
    spin_unlock(&log.lock);
  }
}

// Record that b, which the caller has modified and still holds, belongs
// to the current group; it will be written at commit. A block logged
// twice in one group takes a single log slot (absorption).
void log_write(struct buf *b) {
  spin_lock(&log.lock);
  if (log.outstanding < 1)
    panic("log_write: outside of begin_op/end_op");

  int i = 0;
  while (i < log.lh.n && log.lh.block[i] != (int)b->blockno)
    i++;
  if (i == log.lh.n) {
    if (log.lh.n >= LOGBLOCKS || log.lh.n >= log.size - 1)
      panic("log_write: transaction too big");
    log.lh.block[i] = b->blockno;
    log.lh.n++;
    bpin(b); // keep it cached until it is installed
  }
  spin_unlock(&log.lock);
}
