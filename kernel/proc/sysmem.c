// Memory introspection for tests, tools and students: memstat (the whole
// machine), procstat (one process), frameinfo (one user page), and the
// forkmode call that switches fork strategies at run time; and the two
// mapping calls that need no file, munmap and msync (mmap itself is a
// file call: kernel/fs/sysfile.c).
#include "kernel/proc/sysmem.h"
#include "kernel/proc/sysargs.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/cred.h"
#include "kernel/sync/rcu.h"
#include "kernel/mm/vm.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/fault.h"
#include "kernel/mm/mmap.h"
#include "kernel/fcntl.h"
#include "kernel/vmstat.h"
#include "kernel/lib/string.h"

uint64 sys_memstat(void) {
  uint64 addr;
  argaddr(0, &addr);
  struct memstat ms;
  vm_memstat(&ms);
  return copyout(myproc()->pagetable, addr, &ms, sizeof(ms));
}

// The PS_* code for a process state.
static int proc_state_code(enum procstate s) {
  switch (s) {
  case SLEEPING:
    return PS_SLEEPING;
  case RUNNABLE:
    return PS_RUNNABLE;
  case RUNNING:
    return PS_RUNNING;
  case ZOMBIE:
    return PS_ZOMBIE;
  default:
    return 0;
  }
}

uint64 sys_procstat(void) {
  int pid;
  uint64 addr;
  argint(0, &pid);
  argaddr(1, &addr);
  struct procstat ps;
  memset(&ps, 0, sizeof(ps));
  // Holding p->lock keeps the process from exiting (and its page table
  // from being freed) while we walk it.
  struct proc *p = proc_get(pid);
  if (p == 0)
    return -1;
  ps.pid = p->pid;
  ps.cow_faults = p->cow_faults;
  ps.cow_copies = p->cow_copies;
  ps.state = proc_state_code(p->state);
  ps.runwait = sched_runwait(p);
  ps.wake_calls = p->wake_calls;
  ps.wake_locks = p->wake_locks;
  safestrcpy(ps.name, p->name, sizeof(ps.name));
  // p->lock does not stop p from replacing its creds: read them under RCU.
  rcu_read_lock();
  const struct cred *c = proc_cred_rcu(p);
  ps.uid = c ? c->uid : -1;
  ps.euid = c ? c->euid : -1;
  rcu_read_unlock();
  if (p->pagetable)
    uvm_stat(p->pagetable, &ps);
  vma_stat(p, &ps);
  spin_unlock(&p->lock);
  return copyout(myproc()->pagetable, addr, &ps, sizeof(ps));
}

// proclist(pids, max): copy out up to max live pids; returns how many.
uint64 sys_proclist(void) {
  uint64 addr;
  int max;
  argaddr(0, &addr);
  argint(1, &max);
  if (max < 0)
    return -1;
  int pids[NPROC];
  int n = proc_pids(pids, NPROC);
  if (n > max)
    n = max;
  if (copyout(myproc()->pagetable, addr, pids, n * sizeof(int)) < 0)
    return -1;
  return n;
}

uint64 sys_frameinfo(void) {
  uint64 va, addr;
  argaddr(0, &va);
  argaddr(1, &addr);
  struct proc *p = myproc();
  struct frameinfo fi;
  memset(&fi, 0, sizeof(fi));
  if (uvm_frameinfo(p->pagetable, va, &fi) < 0)
    return -1;
  fi.cached = frame_cache_whose((void *)fi.pa, &fi.inum, &fi.pgidx) == 0;
  return copyout(p->pagetable, addr, &fi, sizeof(fi));
}

// memcheck(): the debug check of the frame invariant. Returns how many
// frames' counts disagree with the PTEs that map them (0: it holds), or -1
// if the audit could not run: not root, no memory for it, another audit
// running, or no quiet moment in MEMCHECK_TRIES attempts (mapping changes
// on other harts overlapped every one; see frame.c). Root only: the audit
// walks every process's memory and prints what it finds on the console.
#define MEMCHECK_TRIES 50
uint64 sys_memcheck(void) {
  if (current_cred()->euid != 0)
    return -1;
  for (int try = 0; try < MEMCHECK_TRIES; try++) {
    if (frame_audit_begin() < 0)
      return -1;
    proc_audit();
    int bad = frame_audit_end();
    if (bad != FRAME_AUDIT_RACED)
      return bad;
    yield(); // let the change in flight finish
  }
  return -1;
}

// forkmode(mode): root only, since it changes fork for everyone.
uint64 sys_forkmode(void) {
  int mode;
  argint(0, &mode);
  if (current_cred()->euid != 0)
    return -1;
  return fork_mode_set(mode);
}

uint64 sys_munmap(void) {
  uint64 addr, len;
  argaddr(0, &addr);
  argaddr(1, &len);
  return vma_unmap(myproc(), addr, len);
}

// msync(addr, len, flags): MS_SYNC, MS_ASYNC or MS_INVALIDATE (Linux's
// values, not both of the first two); each writes home before returning.
uint64 sys_msync(void) {
  uint64 addr, len;
  int flags;
  argaddr(0, &addr);
  argaddr(1, &len);
  argint(2, &flags);
  if ((flags & ~(MS_ASYNC | MS_SYNC | MS_INVALIDATE)) || (flags & (MS_ASYNC | MS_SYNC)) == (MS_ASYNC | MS_SYNC))
    return -1;
  return vma_sync(myproc(), addr, len);
}
