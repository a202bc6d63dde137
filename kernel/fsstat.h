// File-system figures reported to user space by fsstat() (the df tool,
// the reflink tests). Shared by the kernel and user/user.h.
#ifndef CALF_FSSTAT_H
#define CALF_FSSTAT_H

#include "kernel/types.h"

struct fsstat {
  uint size;      // blocks in the image, metadata included
  uint nblocks;   // data blocks
  uint free;      // data blocks that are free (count 0, bit clear)
  uint shared;    // data blocks with a reference count above 1
  uint ninodes;   // inodes, including the unused inode 0
  uint ifree;     // inodes that are free on disk
  uint64 writes;  // block writes the disk driver has issued since boot
  uint64 flushes; // cache flushes the disk driver has issued since boot
  uint files;     // open-file table entries in use (of NFILE)
  uint icached;   // in-memory inode table entries in use (of NINODE)
  uint64 commits; // log groups committed since boot (kernel/fs/log.c)
  uint commitmode; // 0 commit=op, 1 commit=group, 2 commit=inplace
  uint64 reads;   // block reads the disk driver has issued since boot
};

#endif
