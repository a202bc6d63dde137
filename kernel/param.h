// Compile-time limits of the kernel, shared with mkfs and user programs.
#ifndef CALF_PARAM_H
#define CALF_PARAM_H

#define NPROC 64                  // maximum number of processes
#define NCPU 8                    // maximum number of harts
#define NOFILE 16                 // open files per process
#define NFILE 100                 // open files per system
#define NINODE 50                 // maximum number of in-memory inodes
#define NDEV 10                   // maximum major device number
#define ROOTDEV 1                 // device number of the root file system
#define MAXARG 32                 // max exec arguments
#define MAXOPBLOCKS 32            // max # of blocks an ordinary FS op writes
#define LOGBLOCKS (MAXOPBLOCKS * 4) // max data blocks in on-disk log: commit=group commits
                                    // at 3/4 full, which leaves one whole op's room
#define LOGSIZE LOGBLOCKS         // xv6's older name for the same limit
#define READAHEAD 16              // most buffers the cache holds for reading ahead
#define NBUF (LOGBLOCKS + 80 + READAHEAD) // size of disk block cache: a full log +
                                          // readers + read-ahead
#define FSSIZE 200000             // size of file system in blocks (mkfs: the default image):
                                  // two MAXFILE files fit (the fs lab's bigfile, then
                                  // usertests' writebig); the image file is sparse
#define MAXPATH 128               // maximum file path name
#define USERSTACK 1               // user stack pages

#endif
