// Process snapshots: copy-on-write checkpoints of a process's memory and
// registers (kernel/proc/snapshot.c).
#ifndef CALF_SNAPSHOT_H
#define CALF_SNAPSHOT_H

#include "kernel/types.h"

struct proc;

#define NSNAP 8 // live snapshots per process

// Record p's memory and registers (its snapshot() call): the new id, or -1.
int snap_take(struct proc *p);
// Put p back as snapshot id recorded it: 0, or -1 with p unchanged.
int snap_rollback(struct proc *p, int id);
// Drop snapshot id of p: 0, or -1 if there is none.
int snap_drop(struct proc *p, int id);
// Drop every snapshot of p (exit, exec).
void snap_drop_all(struct proc *p);
// Report the snapshots' frames to the frame audit (kernel/mm/frame.c).
void snap_audit(struct proc *p);

#endif
