// struct stat, as fstat() and stat() return it to user programs.
#ifndef CALF_STAT_H
#define CALF_STAT_H

#define T_DIR 1    // directory
#define T_FILE 2   // regular file
#define T_DEVICE 3 // device node (major/minor select a driver)

struct stat {
  int dev;     // file system's disk device
  uint ino;    // inode number
  short type;  // T_DIR, T_FILE or T_DEVICE
  short nlink; // number of directory entries that name this inode
  uint64 size; // size of the file in bytes
};

#endif
