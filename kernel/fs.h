// The on-disk file system format, shared by the kernel and mkfs.
//
// Disk layout, in BSIZE blocks:
//   [ boot block | super block | log | inode blocks | free bit map | data blocks ]
// mkfs computes where each part starts and records it in the superblock.
#ifndef CALF_FS_H
#define CALF_FS_H

#include "kernel/types.h"

#define ROOTINO 1  // root directory's inode number
#define BSIZE 1024 // block size in bytes

struct superblock {
  uint magic;      // must be FSMAGIC
  uint size;       // size of file system image (blocks)
  uint nblocks;    // number of data blocks
  uint ninodes;    // number of inodes
  uint nlog;       // number of log blocks
  uint logstart;   // block number of first log block
  uint inodestart; // block number of first inode block
  uint bmapstart;  // block number of first free map block
};

#define FSMAGIC 0x10203040

#define NDIRECT 12
#define NINDIRECT (BSIZE / sizeof(uint))
#define MAXFILE (NDIRECT + NINDIRECT)

// On-disk inode. Its size divides BSIZE, so inodes never straddle blocks:
// xv6's 64 bytes, then the owner and mode, padded to 128.
struct dinode {
  short type;              // file type (T_DIR, T_FILE, T_DEVICE; 0 = free)
  short major;             // major device number (T_DEVICE only)
  short minor;             // minor device number (T_DEVICE only)
  short nlink;             // number of links to inode in file system
  uint size;               // size of file (bytes)
  uint addrs[NDIRECT + 1]; // data block addresses; the last is the indirect block
  uint uid;                // owner's user id
  uint gid;                // group id
  uint mode;               // permission bits and S_ISUID/S_ISGID (kernel/stat.h)
  uint spare[13];          // zero; room for later fields
};

// Inodes per block.
#define IPB (BSIZE / sizeof(struct dinode))

// Block containing inode i.
#define IBLOCK(i, sb) ((i) / IPB + (sb).inodestart)

// Bitmap bits per block.
#define BPB (BSIZE * 8)

// Block of free map containing bit for block b.
#define BBLOCK(b, sb) ((b) / BPB + (sb).bmapstart)

// A directory is a file containing a sequence of dirent structures.
#define DIRSIZ 14

struct dirent {
  ushort inum; // 0 = free slot
  char name[DIRSIZ]; // not NUL-terminated when DIRSIZ long
};

#endif
