// The buffer cache: in-memory copies of disk blocks, one sleep-locked
// user at a time. See kernel/fs/bio.c.
#ifndef CALF_BUF_H
#define CALF_BUF_H

#include "kernel/types.h"
#include "kernel/fs.h"
#include "kernel/sync/sleeplock.h"

struct buf {
  int valid; // has data been read from disk?
  int disk;  // does disk "own" buf?
  uint dev;
  uint blockno;
  struct sleeplock lock;
  uint refcnt;
  struct buf *prev; // LRU cache list
  struct buf *next;
  uchar data[BSIZE];
};

void binit(void);
struct buf *bread(uint dev, uint blockno);
struct buf *bread_blank(uint dev, uint blockno); // to overwrite whole: no disk read
// bread, and if the block must come from the disk, the up to n - 1 blocks
// after it in the same request (read-ahead for a caller about to read them).
struct buf *bread_run(uint dev, uint blockno, uint n);
// The same, but 0 if the blocks cannot be read (an I/O error, or fault
// injection): for callers that can return an error (kernel/debug/inject.c).
struct buf *bread_run_try(uint dev, uint blockno, uint n);
void bwrite(struct buf *b);
void brelse(struct buf *b);
void bpin(struct buf *b);
void bunpin(struct buf *b);

#endif
