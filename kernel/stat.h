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
  int uid;     // owner
  int gid;     // group
  int mode;    // permission bits (rwx for owner, group, other) and S_ISUID, S_ISGID
};

// mode bits beyond the nine rwx bits (0777)
#define S_ISUID 04000 // exec runs with the owner's uid as effective (and saved) uid
#define S_ISGID 02000 // ... with the file's group as effective (and saved) gid

#endif
