// The write-ahead log: makes the block writes of each file system call
// atomic with respect to crashes.
//
// A system call brackets its disk updates with begin_op() and end_op(),
// and marks each changed buffer with log_write() instead of bwrite().
// Nothing reaches its home location on disk yet. When the last
// outstanding operation ends, the whole group is committed:
//   1. copy every logged block into the log area on disk;
//   2. write the log header with the block count: the commit point;
//   3. write each block to its home location (install; from the cache,
//      where it is still pinned; boot's recovery reads it from the log);
//   4. write the header again with a count of zero.
// A crash before step 2 leaves the header saying zero, so none of the
// group happened; a crash after it is repaired at boot by redoing step 3.
// Either way the file system sees all of a group's writes or none.
//
// When a group commits is the boot argument commit=MODE (the lesson it
// teaches, measured: docs/cow-in-practice.md, section 5):
//   commit=op     (the default) when the last outstanding operation ends,
//                 so a system call is durable when it returns: each group
//                 is one call, or the few that overlapped it;
//   commit=group  operations keep joining one open group, which commits
//                 when it is three-quarters full (GROUP_FULL), when
//                 someone asks (fsync, sync, a clone that needs the whole
//                 log, poweroff), or when its oldest change is
//                 commitsecs=S seconds old (default 5, ext4's interval;
//                 0: never). A block changed by many operations is
//                 logged and installed once per group (absorption),
//                 where commit=op does both again in every call.
//   commit=inplace no log at all: log_write writes the block home at
//                 once. No crash safety: it exists to measure what the
//                 log costs and saves (user/jdemo.c).
// The time limit is checked whenever an operation begins or ends and at
// every clock tick that interrupts a user process (log_tick, from the
// trap path); calf has no kernel threads, so a machine on which nothing
// runs keeps an expired group until something does.
//
// Steps 1 and 3 write straight from the pinned buffers, and in runs: the
// log area is contiguous, so step 1 is one disk request (or a few: the
// driver caps a request's length), and step 3 sends each run of
// consecutive home blocks (a file's new data, usually) as one request.
// A run is the same block writes, in the same order, as one request per
// block would be (kernel/dev/virtio_blk.c); and nothing here depends on
// the order of the writes within one step, only on the flushes between
// steps, below.
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
// Only the header goes through the buffer cache. The logged blocks' slots
// never do: commit writes them from the home blocks' buffers, recovery
// reads them into those buffers, so the cache holds no copy to go stale.
//
// Commit hands the pinned buffers to the disk without taking their sleep
// locks. Their data cannot change meanwhile: only operations change a
// logged block, and none runs during a commit (a pinned buffer is valid,
// so no bread refills it either). A reader may hold one of them, which is
// harmless; taking the locks of a whole run at once, by contrast, could
// deadlock with a reader that holds one of them and waits for another.
//
// Groups are numbered: log.seq is the open one (the one being committed,
// while log.committing), and every group below log.seq is durable. A
// caller that needs the open group durable (sync) records it in
// log.want; no operation joins the group once it is wanted, so the last
// one to end commits it.
//
// Invariant: log.lock guards log. Every block in log.lh is pinned in the
// buffer cache until installed, and log.buf[i] is the buffer holding
// log.lh.block[i]. begin_op admits an operation only if the
// log has room for every admitted operation's worst case (MAXOPBLOCKS
// each, or the whole log for an exclusive one), so log_write can never run
// out of space. In commit=group an idle open group holds fewer than
// GROUP_FULL blocks, so the next operation always fits.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fs.h"
#include "kernel/fs/buf.h"
#include "kernel/fs/log.h"
#include "kernel/dev/virtio_blk.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/lock/spinlock.h"
#include "kernel/riscv/fdt.h"
#include "kernel/riscv/timer.h"
#include "kernel/sched/sched.h"

// The log header, both on disk (in the log's first block) and in memory,
// where it accumulates the home block numbers of the open group.
struct logheader {
  int n;
  int block[LOGBLOCKS];
};
_Static_assert(sizeof(struct logheader) <= BSIZE, "log header must fit in a block");

// commit=group commits at three-quarters full; the quarter left is room
// for one more operation, so an idle group never turns one away.
#define GROUP_FULL (LOGBLOCKS * 3 / 4)
_Static_assert(LOGBLOCKS - GROUP_FULL >= MAXOPBLOCKS, "a group at GROUP_FULL - 1 must admit an op");

static struct {
  struct spinlock lock;
  int start;       // block number of the header block
  int size;        // blocks in the log area, header included
  int outstanding; // file system calls between begin_op and end_op
  int reserved;    // log blocks promised to the outstanding calls
  int exclusive;   // calls waiting in, or inside, begin_op_exclusive
  int whole;       // an exclusive call is admitted and owns the whole log
  int committing;  // a commit is in progress; new operations wait
  int mode;        // COMMIT_OP, COMMIT_GROUP or COMMIT_INPLACE
  uint64 seq;      // the open group's number; every group below it is durable
  uint64 want;     // the highest group someone waits to see durable
  uint opened;     // ticks when the open group got its first block
  uint limit;      // commit=group: commit a group this many ticks old (0: never)
  uint64 commits;  // groups committed since boot (fsstat)
  int dev;
  struct logheader lh;
  struct buf *buf[LOGBLOCKS]; // the pinned buffer of each logged block
} log;

// At boot, copy each block of a committed group from its log slot to its
// home location, through the home block's buffer.
static void recover_blocks(void) {
  for (int i = 0; i < log.lh.n; i++) {
    struct buf *b = bread_blank(log.dev, log.lh.block[i]); // overwritten whole
    virtio_blk_rw_at(log.start + 1 + i, &b, 1, 0);          // by the log's copy
    bwrite(b);
    brelse(b);
  }
}

// How many logged blocks from slot i on have consecutive home locations.
static int home_run(int i) {
  int k = 1;
  while (i + k < log.lh.n && log.lh.block[i + k] == log.lh.block[i] + k)
    k++;
  return k;
}

// Write the logged blocks to their home locations, in log order. The
// cache still holds each one, pinned, exactly as it was logged, so it is
// written from there: reading the copy back from the log would cost a
// disk read per block.
static void install_trans(void) {
  for (int i = 0; i < log.lh.n;) {
    int k = home_run(i);
    virtio_blk_rw_at(log.lh.block[i], &log.buf[i], k, 1);
    for (int j = i; j < i + k; j++)
      bunpin(log.buf[j]);
    i += k;
  }
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
  recover_blocks(); // a committed group that may not have been installed
  virtio_blk_flush();
  log.lh.n = 0;
  write_head();
  virtio_blk_flush();
}

static const char *mode_names[] = {[COMMIT_OP] = "op", [COMMIT_GROUP] = "group",
                                   [COMMIT_INPLACE] = "inplace"};

void initlog(int dev, struct superblock *sb) {
  spin_init(&log.lock, "log");
  log.start = sb->logstart;
  log.size = sb->nlog;
  log.dev = dev;
  log.seq = 1;
  log.mode = COMMIT_OP;
  char arg[16];
  if (bootarg("commit", arg, sizeof(arg))) {
    for (int m = 0; m < sizeof(mode_names) / sizeof(mode_names[0]); m++)
      if (strncmp(arg, mode_names[m], sizeof(arg)) == 0)
        log.mode = m;
    printf("log: commit=%s\n", mode_names[log.mode]);
  }
  log.limit = bootarg_uint("commitsecs", 5) * TICK_HZ;
  // A group a previous boot committed is replayed whatever the mode now.
  recover_from_log();
}

int log_mode(void) { return log.mode; }

void log_stats(uint64 *commits, uint *mode) {
  spin_lock(&log.lock);
  *commits = log.commits;
  *mode = log.mode;
  spin_unlock(&log.lock);
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

// Is the open group older than the time limit? Caller holds log.lock.
static int expired(void) {
  return log.mode == COMMIT_GROUP && log.limit > 0 && log.lh.n > 0 &&
         __atomic_load_n(&ticks, __ATOMIC_RELAXED) - log.opened >= log.limit;
}

// Must the open group commit once no operation is inside it?
static int group_due(void) {
  return log.mode != COMMIT_GROUP || log.lh.n >= GROUP_FULL || log.want >= log.seq ||
         log.exclusive || expired();
}

// Copy the group's modified blocks, still cached, into the log area:
// logged block i goes to slot i, right after the header.
static void write_log(void) {
  virtio_blk_rw_at(log.start + 1, log.buf, log.lh.n, 1);
}

static void commit(void) {
  if (log.lh.n == 0)
    return;
  write_log();
  virtio_blk_flush();
  write_head(); // the commit point
  virtio_blk_flush();
  install_trans();
  virtio_blk_flush();
  log.lh.n = 0;
  write_head(); // the group is home; forget it
  virtio_blk_flush();
}

// Commit the open group, which no operation is inside. Called with
// log.lock held, returns with it held; drops it across the disk writes,
// which sleep, while log.committing keeps everyone else out.
static void commit_locked(void) {
  log.committing = 1;
  int had = log.lh.n > 0;
  spin_unlock(&log.lock);
  commit();
  spin_lock(&log.lock);
  log.commits += had;
  log.seq++; // the group just committed is durable
  log.committing = 0;
  wakeup(&log);
}

void begin_op(void) {
  spin_lock(&log.lock);
  for (;;) {
    // An idle group that is due (wanted, or too old) is ours to commit:
    // nobody else is inside it to do so.
    if (!log.committing && log.outstanding == 0 && log.lh.n > 0 && group_due()) {
      commit_locked();
      continue;
    }
    // Wait out a commit, an exclusive operation, a group someone wants
    // closed (joining would delay it), and a log without room for us.
    if (log.committing || log.exclusive || log.want >= log.seq ||
        log_would_overflow(MAXOPBLOCKS)) {
      sleep(&log, &log.lock);
      continue;
    }
    break;
  }
  admit(MAXOPBLOCKS);
  spin_unlock(&log.lock);
}

// Wait for the log to be empty and idle, then take all of it. Ordinary
// operations that arrive meanwhile wait behind us, so a stream of them
// cannot starve an exclusive one. Under commit=group the open group may
// hold blocks with no operation inside it: we commit it ourselves.
void begin_op_exclusive(void) {
  spin_lock(&log.lock);
  log.exclusive++;
  for (;;) {
    if (!log.committing && log.outstanding == 0 && log.lh.n > 0) {
      commit_locked();
      continue;
    }
    if (log.committing || log.outstanding > 0 || log_would_overflow(LOGBLOCKS)) {
      sleep(&log, &log.lock);
      continue;
    }
    break;
  }
  admit(LOGBLOCKS);
  log.whole = 1;
  spin_unlock(&log.lock);
}

void end_op(void) {
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
  if (log.outstanding == 0 && group_due())
    commit_locked(); // commit=op: always; commit=group: full, wanted or old
  else
    // This operation's reserved space is free again, which may let a
    // waiting begin_op in.
    wakeup(&log);
  spin_unlock(&log.lock);
}

// Make every operation that has ended durable: the open group, if it
// holds anything, and the one being committed. Under commit=op there is
// something to wait for only while operations of other processes overlap;
// under commit=inplace only the disk's cache to flush.
// Called outside any operation.
void log_sync(void) {
  if (log.mode == COMMIT_INPLACE) {
    virtio_blk_flush(); // the blocks are home, maybe in the disk's cache
    return;
  }
  spin_lock(&log.lock);
  uint64 need = log.seq; // the open (or committing) group
  if (log.lh.n == 0 && !log.committing)
    need = log.seq - 1; // nothing has ended in it: all done already
  while (log.seq <= need) {
    if (!log.committing && log.outstanding == 0) {
      commit_locked();
      continue;
    }
    if (log.want < need)
      log.want = need; // the last operation to end commits it
    sleep(&log, &log.lock);
  }
  spin_unlock(&log.lock);
}

// A clock tick interrupted a user process: commit the open group if it
// has outlived the time limit and nobody is inside it; if somebody is,
// the last to end will (group_due). The unlocked look keeps the common
// case, nothing to do, to a few loads.
void log_tick(void) {
  if (log.mode != COMMIT_GROUP || __atomic_load_n(&log.lh.n, __ATOMIC_RELAXED) == 0)
    return;
  spin_lock(&log.lock);
  if (expired() && !log.committing && log.outstanding == 0)
    commit_locked();
  spin_unlock(&log.lock);
}

// Record that b, which the caller has modified and still holds, belongs
// to the current group; it will be written at commit. A block logged
// twice in one group takes a single log slot (absorption). Under
// commit=inplace it is written home now instead.
void log_write(struct buf *b) {
  if (log.mode == COMMIT_INPLACE) {
    spin_lock(&log.lock);
    int inside = log.outstanding > 0;
    spin_unlock(&log.lock);
    if (!inside)
      panic("log_write: outside of begin_op/end_op");
    bwrite(b); // the caller holds b locked; it sleeps, so no spinlock here
    return;
  }
  spin_lock(&log.lock);
  if (log.outstanding < 1)
    panic("log_write: outside of begin_op/end_op");

  int i = 0;
  while (i < log.lh.n && log.lh.block[i] != (int)b->blockno)
    i++;
  if (i == log.lh.n) {
    if (log.lh.n >= LOGBLOCKS || log.lh.n >= log.size - 1)
      panic("log_write: transaction too big");
    if (log.lh.n == 0)
      log.opened = __atomic_load_n(&ticks, __ATOMIC_RELAXED);
    log.lh.block[i] = b->blockno;
    log.buf[i] = b;
    log.lh.n++;
    bpin(b); // keep it cached until it is installed
  }
  spin_unlock(&log.lock);
}
