// Checkpoint: write a stopped process's state to an image file
// (kernel/proc/checkpoint.c, docs/checkpoint.md).
#ifndef CALF_CHECKPOINT_H
#define CALF_CHECKPOINT_H

struct proc;
struct file;

// Write process pid's image to f (open for writing, empty), stopping pid
// meanwhile; flags CKPT_KILL kills it after. The caller must be allowed to
// signal pid and must not be pid. 0, or -1.
int ckpt_write(int pid, struct file *f, int flags);
// The trap path, before returning p to user space: wait here while a
// checkpoint reads p.
void ckpt_park(struct proc *p);

#endif
