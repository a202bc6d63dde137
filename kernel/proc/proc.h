// Processes: creating them (fork, and the steps spawn shares), ending them
// (exit, wait, kill), and looking them up (kernel/proc/proc.c). struct
// proc and the scheduler below this layer are in kernel/sched/sched.h.
#ifndef CALF_PROC_H
#define CALF_PROC_H

#include "kernel/sched/sched.h"

// Boot: set up the table and map a kernel stack per slot (before
// kvm_inithart), then create the first process.
void proc_init(void);
void userinit(void);

int fork(void);
// Process creation in steps, for fork and spawn: a slot (returned locked),
// then either abort or start it as the caller's child.
struct proc *proc_alloc(void);
void proc_abort(struct proc *np);
int proc_start(struct proc *np);
void exit(int status) __attribute__((noreturn));
int wait(uint64 addr);
int kill(int pid);
int growproc(int n, int lazy);
int proc_pids(int *pids, int max); // the pids of live processes
void proc_audit(void);
struct proc *proc_get(int pid); // the live process with this pid, locked, or 0
pagetable_t proc_pagetable(struct proc *p);
void proc_freepagetable(pagetable_t pagetable);

#endif
