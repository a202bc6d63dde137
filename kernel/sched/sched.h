// The process structure and the scheduler: each hart's scheduler loop,
// giving up the hart (sched, yield) (kernel/sched/sched.c), and
// sleep/wakeup, the one way kernel code waits (kernel/sched/sleep.c). Sleep locks, drivers, the file system
// and RCU's grace periods all wait through it; creating and ending
// processes is the layer above (kernel/proc/proc.h).
#ifndef CALF_SCHED_H
#define CALF_SCHED_H

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/riscv/cpu.h"
#include "kernel/riscv/trapframe.h"
#include "kernel/lock/spinlock.h"

enum procstate { UNUSED, USED, SLEEPING, RUNNABLE, RUNNING, ZOMBIE };

struct file;
struct inode;
struct cred;
struct snapset;
struct mmap_set;
struct backing;

struct proc {
  struct spinlock lock;

  // On a sleep queue (kernel/sched/sleep.c); its lock guards these:
  void *chan;           // if non-zero, on chan's sleep queue
  struct proc *sq_next; // the queue's other processes
  struct proc *sq_prev;

  // p->lock must be held when using these:
  enum procstate state; // process state
  int killed;           // if non-zero, have been killed
  int xstate;           // exit status to be returned to parent's wait
  int pid;              // process ID
  uint64 readied;       // time CSR when make_runnable last ran, until a hart takes p up (then 0)
  uint64 runwait;       // ... and how long p then waited for a hart (procstat shows it)

  // wait_lock must be held when using this:
  struct proc *parent;

  // Changed only by the process itself, which reads them without a lock.
  // Other processes read pagetable and sz under p->lock (procstat and the
  // frame audit walk p's page table while p may be running), so p holds
  // p->lock while it replaces them (exec, rollback). The tree they walk
  // may still gain pages as p grows: walk() publishes a new page-table
  // page with a release store, so a walker that sees the pointer sees the
  // page zeroed.
  uint64 kstack;               // virtual address of kernel stack
  uint64 sz;                   // size of process memory (bytes)
  pagetable_t pagetable;       // user page table
  struct trapframe *trapframe; // data page for trampoline.S
  struct context context;      // swtch() here to run process
  struct file *ofile[NOFILE];  // open files
  struct inode *cwd;           // current directory
  struct inode *root;          // root directory (chroot), or 0: the disk's (kernel/fs/chroot.c)
  char name[16];               // process name (debugging)
  int umask;                   // mode bits new files do not get (kernel/fs/perm.c)
  // Who the process is (kernel/proc/cred.h). Only the process itself
  // replaces it (commit_creds); others read it under rcu_read_lock.
  struct cred *cred;
  struct snapset *snaps;       // live snapshots, or 0 (kernel/proc/snapshot.c)
  struct mmap_set *mmaps;      // mmap regions, or 0 (kernel/mm/mmap.c); edited under p->lock
  struct backing *backing;     // lazily restored pages, or 0 (kernel/mm/backing.c)
  int ckpt_stops;              // checkpoints waiting for p to stop (kernel/proc/checkpoint.c) ...
  int ckpt_parked;             // ... and p is stopped for them. Both under ckpt_lock there.
  struct inode *exe;           // the running program's file: written to it fails (ETXTBSY)
  uint64 cow_faults;           // COW write faults taken in user mode
  uint64 cow_copies;           // ... of which copied a frame
  int inject;                  // fault injection's scope: 1 in, 2 children only (kernel/debug/inject.c)
  uint64 wake_calls;           // wakeup() calls it made (kernel/sched/sleep.c, procstat)
  uint64 wake_locks;           // ... and the process locks they took
};

// The process table. Slots are claimed and freed by kernel/proc/proc.c;
// the scheduler runs whatever is RUNNABLE in it.
extern struct proc proc[NPROC];

void scheduler(void) __attribute__((noreturn));
void sched(void);
void yield(void);
// Sleep and wakeup (kernel/sched/sleep.c). sleep_init runs once at boot.
void sleep_init(void);
void sleep(void *chan, struct spinlock *lk);
void wakeup(void *chan);
// Make a sleeping or new process RUNNABLE (caller holds p->lock), noting
// when, so that the hart that takes it up can record how long it waited.
// (A preempted process, in yield, is not "made runnable": it was running.)
void make_runnable(struct proc *p);
// How long p waited for a hart after make_runnable, or has waited so far if
// none took it up yet (caller holds p->lock).
uint64 sched_runwait(struct proc *p);
// The kill flag, under p->lock: a sleeper that can wait long checks
// killed(myproc()) each time it wakes.
void setkilled(struct proc *p);
int killed(struct proc *p);
// If p is asleep, make it RUNNABLE without a wakeup on its channel, so that
// it looks again at why it sleeps (it was killed, or a checkpoint wants it
// stopped); 1 if it was asleep, and then the caller, once it has let go of
// p->lock (which it holds), wakes an idle hart (ipi_wake_idle). A sleep
// loop that finds its condition unchanged goes back to sleep.
int rouse(struct proc *p);

// Why a process in an interruptible wait (pause(), wait(), a console or
// pipe read, a pipe write: the waits that may last for ever) must stop
// waiting, as interrupted() says: INTR_KILL, it was killed (the call fails
// with -1); INTR_STOP, a checkpoint asks it to stop
// (kernel/proc/checkpoint.c), and the call gives up with RESTART_CALL, so
// that it runs again from its start once the process is let go
// (kernel/proc/syscall.c). A call that
// has done part of its work returns what it did instead.
enum { INTR_NONE, INTR_KILL, INTR_STOP };
int interrupted(struct proc *p);
#define RESTART_CALL (-2)
void procdump(void);

#endif
