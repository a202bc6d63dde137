// Process snapshots: copy-on-write checkpoints of a process's memory and
// registers (kernel/proc/snapshot.c).
#ifndef CALF_SNAPSHOT_H
#define CALF_SNAPSHOT_H

#include "kernel/types.h"

struct proc;

#define NSNAP 8 // live snapshots per process

uint64 sys_snapshot(void);
uint64 sys_rollback(void);
uint64 sys_snapdrop(void);
// Drop every snapshot of p (exit, exec).
void snap_drop_all(struct proc *p);
// Report the snapshots' frames to the frame audit (kernel/mm/frame.c).
void snap_audit(struct proc *p);

#endif
