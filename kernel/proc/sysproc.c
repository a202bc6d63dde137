// Process system calls: thin wrappers that fetch arguments and call proc.c.
#include "kernel/proc/sysproc.h"
#include "kernel/proc/sysargs.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/cred.h"
#include "kernel/riscv/timer.h"
#include "kernel/riscv/poweroff.h"
#include "kernel/fs/log.h"

uint64 sys_fork(void) { return fork(); }

uint64 sys_exit(void) {
  int n;
  argint(0, &n);
  exit(n);
}

uint64 sys_wait(void) {
  uint64 p;
  argaddr(0, &p);
  return wait(p);
}

uint64 sys_kill(void) {
  int pid;
  argint(0, &pid);
  return kill(pid);
}

uint64 sys_getpid(void) { return myproc()->pid; }

// sbrk(n): grow or shrink memory by n bytes; returns the old break, or -1
// (user.h's SBRK_ERROR) if it cannot grow. A shrink below address 0
// changes nothing and still returns the old break, as xv6's does (growproc).
static uint64 sbrk(int lazy) {
  int n;
  argint(0, &n);
  uint64 addr = myproc()->sz;
  if (growproc(n, lazy) < 0)
    return -1;
  return addr;
}

uint64 sys_sbrk(void) { return sbrk(0); }

// sbrklazy(n): as sbrk, but frames arrive on first touch.
uint64 sys_sbrklazy(void) { return sbrk(1); }

// pause(n) (xv6's sleep): sleep for n clock ticks. A killed process stops
// early with -1. One stopped for a checkpoint restarts the call with the
// ticks it has left as its argument, so the sleep ends when it would have
// (in a restored copy: that many ticks after the restore).
uint64 sys_pause(void) {
  int n;
  argint(0, &n);
  if (n < 0)
    n = 0;
  struct proc *p = myproc();
  spin_lock(&tickslock);
  uint start = ticks;
  while (ticks - start < (uint)n) {
    int why = interrupted(p);
    if (why == INTR_STOP)
      p->trapframe->a0 = n - (ticks - start); // what the restarted call sleeps
    if (why != INTR_NONE) {
      spin_unlock(&tickslock);
      return why == INTR_STOP ? RESTART_CALL : -1;
    }
    sleep(&ticks, &tickslock);
  }
  spin_unlock(&tickslock);
  return 0;
}

uint64 sys_uptime(void) {
  spin_lock(&tickslock);
  uint t = ticks;
  spin_unlock(&tickslock);
  return t;
}

// Only root may stop the machine, as only root may halt a Unix system.
// A clean shutdown first makes every finished file system call durable
// (under commit=group the open group would otherwise be lost).
uint64 sys_poweroff(void) {
  if (current_cred()->euid != 0)
    return -1;
  log_sync();
  machine_stop(0);
}
