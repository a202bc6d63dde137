// Lazily restored memory: pages of a process that arrive from an object
// (a checkpoint image's page cache) on first touch (kernel/mm/backing.c,
// docs/checkpoint.md).
#ifndef CALF_BACKING_H
#define CALF_BACKING_H

#include "kernel/types.h"

struct proc;
struct vm_object_ops;
struct backing;

// A new, empty backing that shows obj's pages through ops (it takes its
// own reference on obj with ops->get). 0 if out of memory.
struct backing *backing_new(void *obj, const struct vm_object_ops *ops);
// Pages [start, end) show obj's pages from pgoff on, with PROT_* rights
// prot (never 0). 0, or -1 if the backing is full.
int backing_add(struct backing *b, uint64 start, uint64 end, uint64 pgoff, int prot);
// Give b to p, which has none. p is not running yet (restore builds it).
void backing_install(struct proc *p, struct backing *b);
// fork: np gets a copy of p's backing. 0, or -1 if out of memory.
int backing_fork(struct proc *p, struct proc *np);
// The pages [lo, hi) of p are no longer backed (munmap, sbrk shrinking).
void backing_cut(struct proc *p, uint64 lo, uint64 hi);
// Drop p's backing (exit, exec, a failed restore). May sleep.
void backing_drop(struct proc *p);

#endif
