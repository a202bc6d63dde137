// The byte-level encoding of calf's disk format (kernel/fs.h) for the host
// tools, mkfs and fsck: little-endian fields, where the layout puts each
// area, a block's bit in the free bitmap, its slot in the reference
// counts, and how a directory entry is packed. Pure functions of their
// arguments, so tests/host/diskfmt_test.c checks them directly.
#ifndef CALF_DISKFMT_H
#define CALF_DISKFMT_H

#include "kernel/types.h"
#include "kernel/fs.h"

// Host-order value -> the bit pattern that stores it little-endian (and
// back: each is its own inverse).
ushort le16(ushort x);
uint le32(uint x);

// The little-endian field at p, read byte by byte.
uint get16(const uchar *p);
uint get32(const uchar *p);

// Blocks the metadata takes (boot, super, log, inodes, bitmap, refcounts)
// in an image of fssize blocks and ninodes inodes.
uint layout_meta(uint fssize, uint ninodes);
// The superblock (host order, empty orphan list) of that image.
void layout_plan(struct superblock *sb, uint fssize, uint ninodes);

// Block b's bit in bmap, the bitmap block BBLOCK(b, sb).
void bitmap_set(uchar *bmap, uint b);
int bitmap_get(const uchar *bmap, uint b);

// Block b's reference count in refs, the count block RBLOCK(b, sb).
void refcount_put(uchar *refs, uint b, uint count);
uint refcount_get(const uchar *refs, uint b);

// Pack the entry name -> inum into the sizeof(struct dirent) bytes at de:
// name (at most DIRSIZ bytes) NUL-padded, inum little-endian.
void dirent_pack(uchar *de, const char *name, uint inum);
// The inode number of the packed entry at de (0: a free slot).
uint dirent_inum(const uchar *de);

#endif
