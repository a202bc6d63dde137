// The on-disk file system format, shared by the kernel and mkfs.
//
// Disk layout, in BSIZE blocks:
//   [ boot | super | log | inodes | free bit map | block refcounts | data ]
// mkfs computes where each part starts and records it in the superblock.
//
// Blocks are shared between files by reflinks (clonefile), so each block
// has a reference count on disk: the number of block pointers (inode
// addrs[] entries and indirect-block entries) that name it. For a data
// block the free bit map and the counts agree: its bit is set exactly
// when its count is above zero. Metadata blocks (boot .. refcounts) have
// their bits set and a count of zero: nothing points at them.
#ifndef CALF_FS_H
#define CALF_FS_H

#include "kernel/types.h"

#define ROOTINO 1  // root directory's inode number
#define BSIZE 1024 // block size in bytes
#define NORPHAN 64 // orphan list entries in the superblock (>= NINODE)

struct superblock {
  uint magic;      // must be FSMAGIC
  uint size;       // size of file system image (blocks)
  uint nblocks;    // number of data blocks
  uint ninodes;    // number of inodes
  uint nlog;       // number of log blocks
  uint logstart;   // block number of first log block
  uint inodestart; // block number of first inode block
  uint bmapstart;  // block number of first free map block
  uint refstart;   // block number of first reference-count block
  // The orphan list (kernel/fs/reclaim.c): the allocated inodes that no
  // directory names any more (nlink 0) but whose space is not yet free:
  // open when their last name went, or being freed in several steps.
  // Recovery at mount frees them. mkfs writes an empty list.
  uint norphan;            // entries in use
  uint orphan[NORPHAN];    // their inode numbers, in no particular order
};

#define FSMAGIC 0x10203040

// A file's blocks: NDIRECT listed in the inode, NINDIRECT more through
// the indirect block addrs[NDIRECT], and NDINDIRECT through the doubly
// indirect block addrs[NDIRECT+1], whose entries name indirect blocks.
#define NDIRECT 11
#define NINDIRECT (BSIZE / sizeof(uint))
#define NDINDIRECT (NINDIRECT * NINDIRECT)
#define MAXFILE (NDIRECT + NINDIRECT + NDINDIRECT)

// On-disk inode. Its size divides BSIZE, so inodes never straddle blocks:
// xv6's 64 bytes, then the owner and mode, padded to 128.
struct dinode {
  short type;              // file type (T_DIR, T_FILE, T_DEVICE; 0 = free)
  short major;             // major device number (T_DEVICE only)
  short minor;             // minor device number (T_DEVICE only)
  short nlink;             // number of links to inode in file system
  uint size;               // size of file (bytes)
  uint addrs[NDIRECT + 2]; // direct blocks, then the indirect and doubly indirect
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

// Reference counts: one ushort per block of the image, block 0 first.
#define RPB (BSIZE / sizeof(ushort))
#define MAXREF 0xffff // a block shared this many times cannot be cloned again

// Block of the refcount table holding block b's count.
#define RBLOCK(b, sb) ((b) / RPB + (sb).refstart)

// A directory is a file containing a sequence of dirent structures.
#define DIRSIZ 14

struct dirent {
  ushort inum; // 0 = free slot
  char name[DIRSIZ]; // not NUL-terminated when DIRSIZ long
};

#endif
