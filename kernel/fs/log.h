// The write-ahead log: makes each file system call's block writes atomic
// with respect to crashes. See kernel/fs/log.c.
#ifndef CALF_LOG_H
#define CALF_LOG_H

#include "kernel/fs.h"

struct buf;

void initlog(int dev, struct superblock *sb);
void begin_op(void); // start of a file system call
// Start of one that may write up to LOGBLOCKS blocks (clonefile): it runs
// alone, once the operations before it have committed.
void begin_op_exclusive(void);
void end_op(void);   // end of one; commits if it was the last outstanding
                     // (commit=op) or the group is due (commit=group)
void log_write(struct buf *b);

// When a group commits (boot argument commit=op|group|inplace; log.c).
enum { COMMIT_OP, COMMIT_GROUP, COMMIT_INPLACE };
int log_mode(void);
void log_stats(uint64 *commits, uint *mode); // groups committed since boot, the mode
// Make every file system call that has returned durable (sync, fsync).
// Call outside begin_op/end_op.
void log_sync(void);
// A clock tick in a user process: commit an idle group past its time limit.
void log_tick(void);

#endif
