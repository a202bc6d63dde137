// The write-ahead log: makes each file system call's block writes atomic
// with respect to crashes. See kernel/fs/log.c.
#ifndef CALF_LOG_H
#define CALF_LOG_H

#include "kernel/fs.h"

struct buf;

void initlog(int dev, struct superblock *sb);
void begin_op(void); // start of a file system call
void end_op(void);   // end of one; commits if it was the last outstanding
void log_write(struct buf *b);

#endif
