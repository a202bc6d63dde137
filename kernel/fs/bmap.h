// A file's block map and the copy-on-write rule for shared data blocks
// (kernel/fs/bmap.c). The caller holds the inode's lock; calls that may
// change the map run inside a transaction.
#ifndef CALF_BMAP_H
#define CALF_BMAP_H

#include "kernel/types.h"

struct inode;

// The disk block holding block bn of ip, or 0 if it has none.
uint bmap_read(struct inode *ip, uint bn);
// The disk block to write as block bn of ip: allocated if missing, a
// private copy if shared. 0 if bn is past the largest file or the disk is
// full. The caller must iupdate(ip) afterwards: addrs[] may have changed.
uint bmap_write(struct inode *ip, uint bn);
// Drop the references to ip's blocks from block keep on, and to indirect
// blocks left covering none of the first keep; zero those entries (the
// caller must iupdate). keep = 0 frees everything.
void bmap_truncate(struct inode *ip, uint keep);
// Give dst, which has no blocks, src's blocks: data blocks shared (one
// more reference each), indirect blocks copied. 0, or -1 with dst still
// empty and every count as it was (disk full, or a count at MAXREF).
int bmap_clone(struct inode *dst, struct inode *src);
// An upper bound on the blocks a clone of a size-byte file dirties,
// directory entry included, for reserving log space.
uint bmap_clone_cost(uint size);

#endif
