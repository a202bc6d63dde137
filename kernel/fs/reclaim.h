// Reclaiming a file's space in steps, one transaction each
// (kernel/fs/reclaim.c).
#ifndef CALF_RECLAIM_H
#define CALF_RECLAIM_H

#include "kernel/types.h"

struct inode;

// At mount, after the log replay: free the inodes on the orphan list.
// Must run in a process.
void reclaim_init(uint dev);
// ip (locked) has just lost its last link: record it on the orphan list,
// in the same transaction.
void orphan_add(struct inode *ip);
// Cut ip (locked, with the caller inside a transaction) to size 0. A big
// file takes several transactions: between steps this commits the
// caller's transaction and begins a new one, unlocking ip meanwhile, so
// the caller must hold no other lock and have left the disk consistent.
// Returns locked, inside a transaction.
void itrunc(struct inode *ip);
// The last reference to ip (locked, no links) is going, inside a
// transaction: free as much as one step may. Returns 1 if ip is free on
// disk now; 0 if it is big, in which case the reference passes to the
// pending list and reclaim_run() frees the rest.
int reclaim_begin(struct inode *ip);
// Finish the pending frees, each step in its own transaction. Call
// outside any transaction, holding no lock: after end_op.
void reclaim_run(void);

#endif
