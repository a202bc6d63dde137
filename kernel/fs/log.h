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
void log_write(struct buf *b);

#endif
