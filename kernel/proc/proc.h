// Processes, per-hart state, and the scheduler's sleep/wakeup interface.
#ifndef CALF_PROC_H
#define CALF_PROC_H

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/lock/spinlock.h"
#include "kernel/riscv/trapframe.h"

// Callee-saved registers of a kernel thread, saved by swtch().
struct context {
  uint64 ra;
  uint64 sp;
  uint64 s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
};

// Per-hart state.
struct cpu {
  struct proc *proc;      // process running on this hart, or 0
  struct context context; // swtch() here to enter the scheduler
  int noff;               // depth of push_off() nesting
  int intena;             // were interrupts enabled before push_off()?
};

extern struct cpu cpus[NCPU];

enum procstate { UNUSED, USED, SLEEPING, RUNNABLE, RUNNING, ZOMBIE };

struct file;
struct inode;

struct proc {
  struct spinlock lock;

  // p->lock must be held when using these:
  enum procstate state; // process state
  void *chan;           // if non-zero, sleeping on chan
  int killed;           // if non-zero, have been killed
  int xstate;           // exit status to be returned to parent's wait
  int pid;              // process ID

  // wait_lock must be held when using this:
  struct proc *parent;

  // private to the process, so p->lock need not be held:
  uint64 kstack;               // virtual address of kernel stack
  uint64 sz;                   // size of process memory (bytes)
  pagetable_t pagetable;       // user page table
  struct trapframe *trapframe; // data page for trampoline.S
  struct context context;      // swtch() here to run process
  struct file *ofile[NOFILE];  // open files
  struct inode *cwd;           // current directory
  char name[16];               // process name (debugging)
  int umask;                   // mode bits new files do not get (kernel/fs/perm.c)
  // Who the process is (kernel/proc/cred.h). Only the process itself
  // replaces it (commit_creds); others read it under rcu_read_lock.
  struct cred *cred;
  struct snapset *snaps;       // live snapshots, or 0 (kernel/proc/snapshot.c)
  uint64 cow_faults;           // COW write faults taken in user mode
  uint64 cow_copies;           // ... of which copied a frame
};

struct cpu *mycpu(void);
struct proc *myproc(void);
int cpuid(void);

void proc_init(void);
void userinit(void);
void scheduler(void) __attribute__((noreturn));
void sched(void);
void yield(void);
void sleep(void *chan, struct spinlock *lk);
void wakeup(void *chan);
int fork(void);
// Process creation in steps, for fork and spawn: a slot (returned locked),
// then either abort or start it as the caller's child.
struct proc *proc_alloc(void);
void proc_abort(struct proc *np);
int proc_start(struct proc *np);
void exit(int status) __attribute__((noreturn));
int wait(uint64 addr);
int kill(int pid);
void setkilled(struct proc *p);
int killed(struct proc *p);
int growproc(int n, int lazy);
int proc_pids(int *pids, int max); // the pids of live processes
void proc_audit(void);
struct proc *proc_get(int pid); // the live process with this pid, locked, or 0
pagetable_t proc_pagetable(struct proc *p);
void proc_freepagetable(pagetable_t pagetable);
void proc_mapstacks(pagetable_t kpgtbl);
void procdump(void);

// Copy to or from either a user address (user_dst/user_src = 1) or a
// kernel address, for code such as the console that serves both.
int either_copyout(int user_dst, uint64 dst, void *src, uint64 len);
int either_copyin(void *dst, int user_src, uint64 src, uint64 len);

#endif
