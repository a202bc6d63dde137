// A file's block map and the copy-on-write rule for shared data blocks
// (kernel/fs/bmap.c). The caller holds the inode's lock; calls that may
// change the map run inside a transaction.
#ifndef CALF_BMAP_H
#define CALF_BMAP_H

#include "kernel/types.h"
#include "kernel/param.h"

struct inode;

// The disk block holding block bn of ip, or 0 if it has none.
uint bmap_read(struct inode *ip, uint bn);
// The disk block to write as block bn of ip: allocated if missing, a
// private copy if shared. 0 if bn is past the largest file or the disk is
// full. The caller must iupdate(ip) afterwards: addrs[] may have changed.
uint bmap_write(struct inode *ip, uint bn);
// Drop the references to ip's blocks from block keep on, and to indirect
// blocks left covering none of the first keep; zero those entries (the
// caller must iupdate). keep = 0 frees everything. All in one go: for a
// few blocks, or blocks the current transaction has dirtied already.
void bmap_truncate(struct inode *ip, uint keep);
// The same, from the last block down, but stopping once the step would
// dirty more than room distinct blocks (0: no limit) or cut more than
// maxput blocks (0: no limit). Returns end: every file block at or past
// end is unmapped, every one below is untouched; end == keep when it
// finished. The caller cuts the size to at most end blocks and calls
// iupdate, which leaves a shorter consistent file.
uint bmap_trim(struct inode *ip, uint keep, int room, uint maxput);
// Blocks one step of freeing a file may dirty, so that the step fits in
// a transaction together with its caller's own few writes (a directory
// entry and inode, the file's inode, the superblock's orphan list).
#define TRIM_STEP_BLOCKS (MAXOPBLOCKS - 6)
// Give dst, which has no blocks, src's blocks: data blocks shared (one
// more reference each), indirect blocks copied. 0, or -1 with dst still
// empty and every count as it was (disk full, or a count at MAXREF).
int bmap_clone(struct inode *dst, struct inode *src);
// An upper bound on the blocks a clone of src (locked) dirties, directory
// entry included, for reserving log space. Reads src's map blocks.
uint bmap_clone_cost(struct inode *src);

#endif
