// Processes: claiming and freeing slots of the process table, creation
// (fork), exit and wait, kill, and the first process. Running them is the
// scheduler's job (kernel/sched/sched.c); this file sits above it, next to
// the files, credentials, snapshots and exec that a process owns.
//
// Locking: p->lock guards p->state, chan, killed, xstate and pid
// (kernel/sched/sched.h). wait_lock guards every p->parent, and is always
// taken before any p->lock, so a parent waiting for a child and a child
// exiting cannot miss each other.
//
// Invariant: a slot is UNUSED exactly when it holds no memory, no files
// and no cred; only wait() (for a ZOMBIE) and a failed creation return a
// slot to UNUSED.
#include "kernel/proc/proc.h"
#include "kernel/proc/exec.h"
#include "kernel/proc/snapshot.h"
#include "kernel/proc/cred.h"
#include "kernel/memlayout.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/vm.h"
#include "kernel/mm/mmap.h"
#include "kernel/mm/backing.h"
#include "kernel/mm/uaccess.h"
#include "kernel/riscv/trap.h"
#include "kernel/riscv/ipi.h"
#include "kernel/fs/chroot.h"
#include "kernel/fs/file.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/filemap.h"
#include "kernel/fs/log.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"

static struct proc *initproc;

static int nextpid = 1;
static struct spinlock pid_lock;
static struct spinlock wait_lock;

static void forkret(void);
static void freeproc(struct proc *p);

// Set up the process table, and give every slot a kernel stack, mapped
// high in the kernel page table with an unmapped guard page below it.
// Called while booting, after kvm_init built the kernel page table and
// before any hart uses it.
void proc_init(void) {
  spin_init(&pid_lock, "nextpid");
  spin_init(&wait_lock, "wait_lock");
  for (int i = 0; i < NPROC; i++) {
    spin_init(&proc[i].lock, "proc");
    proc[i].state = UNUSED;
    proc[i].kstack = KSTACK(i);
    void *pa = frame_alloc();
    if (pa == 0)
      panic("proc_init: out of memory for kernel stacks");
    kvm_map(proc[i].kstack, (uint64)pa, PGSIZE, PTE_R | PTE_W);
  }
}

static int allocpid(void) {
  spin_lock(&pid_lock);
  int pid = nextpid++;
  spin_unlock(&pid_lock);
  return pid;
}

// A user page table with only the trampoline and the trap frame mapped.
pagetable_t proc_pagetable(struct proc *p) {
  extern char trampoline[];
  pagetable_t pt = uvm_create();
  if (pt == 0)
    return 0;
  // No PTE_U on either: only the kernel, on its way in and out, uses them.
  if (map_pages(pt, TRAMPOLINE, PGSIZE, (uint64)trampoline, PTE_R | PTE_X) < 0 ||
      map_pages(pt, TRAPFRAME, PGSIZE, (uint64)p->trapframe, PTE_R | PTE_W) < 0) {
    uvm_unmap(pt, TRAMPOLINE, 1, 0);
    uvm_free(pt);
    return 0;
  }
  return pt;
}

void proc_freepagetable(pagetable_t pt) {
  uvm_unmap(pt, TRAMPOLINE, 1, 0);
  uvm_unmap(pt, TRAPFRAME, 1, 0);
  uvm_free(pt);
}

// Claim an UNUSED slot and give it a pid, a trap frame and an empty page
// table. Returns it with p->lock held, or 0 if the table or memory is full.
struct proc *proc_alloc(void) {
  struct proc *p;
  for (p = proc; p < &proc[NPROC]; p++) {
    spin_lock(&p->lock);
    if (p->state == UNUSED)
      break;
    spin_unlock(&p->lock);
  }
  if (p == &proc[NPROC])
    return 0;

  p->pid = allocpid();
  p->state = USED;
  // The new process is whoever its creator is: it shares the creator's
  // cred (one more reference) and umask. The first process is root.
  struct proc *parent = myproc();
  p->cred = parent ? get_cred(parent->cred) : root_cred();
  p->umask = parent ? parent->umask : 022;
  // In fault injection's scope if the parent is, or asked for its children
  // to be (kernel/debug/inject.c).
  p->inject = parent && parent->inject;
  if ((p->trapframe = frame_alloc()) == 0 || (p->pagetable = proc_pagetable(p)) == 0) {
    freeproc(p);
    spin_unlock(&p->lock);
    return 0;
  }
  memset(p->trapframe, 0, PGSIZE);
  // The new process starts in forkret, on its own kernel stack.
  memset(&p->context, 0, sizeof(p->context));
  p->context.ra = (uint64)forkret;
  p->context.sp = p->kstack + PGSIZE;
  return p;
}

// Return a slot to UNUSED, freeing its memory. Caller holds p->lock.
static void freeproc(struct proc *p) {
  snap_drop_all(p);
  if (p->trapframe)
    frame_put(p->trapframe);
  p->trapframe = 0;
  if (p->pagetable)
    proc_freepagetable(p->pagetable);
  p->pagetable = 0;
  p->sz = 0;
  p->pid = 0;
  p->parent = 0;
  p->name[0] = 0;
  p->chan = 0;
  p->killed = 0;
  p->xstate = 0;
  p->cow_faults = 0;
  p->cow_copies = 0;
  p->wake_calls = 0;
  p->wake_locks = 0;
  if (p->cred)
    put_cred(p->cred); // through RCU: a reader may still be looking at it
  p->cred = 0;
  p->state = UNUSED;
}

// The first process. It runs forkret, which mounts the root file system
// and execs /init; nothing of it comes from a built-in binary.
void userinit(void) {
  struct proc *p = proc_alloc();
  if (p == 0)
    panic("userinit: no memory");
  initproc = p;
  safestrcpy(p->name, "init", sizeof(p->name));
  make_runnable(p);
  spin_unlock(&p->lock);
}

// Grow (n > 0) or shrink (n < 0) the process's memory by n bytes. Growth
// is eager (frames now) or, with lazy set, reserved for the first touch.
// Shrinking below address 0 is not an error but a no-op: xv6 computes the
// new size as sz + n in unsigned arithmetic, which wraps to a huge value
// above sz, and its uvmdealloc then keeps everything. Programs written for
// xv6 rely on that (usertests' lazy_copy calls sbrk(-(sbrk(0) + 1)) and
// expects the old break back), so calf gives the same answer on purpose.
int growproc(int n, int lazy) {
  struct proc *p = myproc();
  uint64 sz = p->sz;
  if (n > 0) {
    if (sz + n > vma_heap_limit(p)) // the heap stops below the mappings
      return -1;
    // A lazy reservation is only the new size (kernel/mm/lazy.c).
    sz = lazy ? sz + n : uvm_alloc(p->pagetable, sz, sz + n, PTE_W);
    if (sz == 0)
      return -1;
  } else if (n < 0) {
    if ((uint64)-(long)n > sz)
      return 0; // below address 0: change nothing (see above)
    if ((sz = uvm_dealloc(p->pagetable, sz, sz + n)) != p->sz + n)
      return -1; // no frame to unshare a page table (kernel/mm/sharedpt.c)
    backing_cut(p, PGROUNDUP(sz), PGROUNDUP(p->sz)); // gone: a regrowth reads zeros
  }
  p->sz = sz;
  return 0;
}

// Create a child that is a copy of the caller, returning in both: the
// child's pid to the parent, 0 to the child. -1 if out of slots or memory.
int fork(void) {
  struct proc *np, *p = myproc();
  if ((np = proc_alloc()) == 0)
    return -1;
  if (uvm_fork(p->pagetable, np->pagetable, p->sz) < 0 || vma_fork(p, np) < 0 ||
      backing_fork(p, np) < 0) {
    // Only the last can fail with mappings made: they go first (an unmap
    // may sleep, so not under np->lock; np is USED, no one else looks).
    spin_unlock(&np->lock);
    vma_unmap_all(np);
    spin_lock(&np->lock);
    proc_abort(np);
    return -1;
  }
  np->sz = p->sz;
  *np->trapframe = *p->trapframe;
  np->trapframe->a0 = 0; // fork returns 0 in the child

  for (int i = 0; i < NOFILE; i++)
    if (p->ofile[i])
      np->ofile[i] = filedup(p->ofile[i]);
  np->cwd = idup(p->cwd);
  root_inherit(np, p);
  if (p->exe)
    exe_dup(np->exe = p->exe);
  safestrcpy(np->name, p->name, sizeof(p->name));
  return proc_start(np);
}

// Give up on a slot from proc_alloc that never ran. Releases np->lock.
void proc_abort(struct proc *np) {
  freeproc(np);
  spin_unlock(&np->lock);
}

// Make np, fresh from proc_alloc (its lock held) and fully set up, a child
// of the caller and let it run. Releases np->lock; returns np's pid.
int proc_start(struct proc *np) {
  int pid = np->pid;
  spin_unlock(&np->lock);

  spin_lock(&wait_lock);
  np->parent = myproc();
  spin_unlock(&wait_lock);

  spin_lock(&np->lock);
  make_runnable(np);
  spin_unlock(&np->lock);
  ipi_wake_idle();
  return pid;
}

// Give p's children to init. Caller holds wait_lock.
static void reparent(struct proc *p) {
  for (struct proc *pp = proc; pp < &proc[NPROC]; pp++) {
    if (pp->parent == p) {
      pp->parent = initproc;
      wakeup(initproc);
    }
  }
}

// End the calling process. It stays a ZOMBIE until its parent's wait()
// collects the status and frees the slot.
void exit(int status) {
  struct proc *p = myproc();
  if (p == initproc)
    panic("init exiting");
  snap_drop_all(p);
  vma_unmap_all(p); // shared pages written home
  backing_drop(p);  // a lazily restored process's image
  if (p->exe)
    exe_end(p->exe);
  p->exe = 0;

  for (int fd = 0; fd < NOFILE; fd++) {
    if (p->ofile[fd]) {
      fileclose(p->ofile[fd]);
      p->ofile[fd] = 0;
    }
  }
  begin_op();
  iput(p->cwd);
  root_release(p);
  end_op();
  p->cwd = 0;

  spin_lock(&wait_lock);
  reparent(p);
  wakeup(p->parent); // the parent may be sleeping in wait()
  spin_lock(&p->lock);
  p->xstate = status;
  p->state = ZOMBIE;
  spin_unlock(&wait_lock);

  sched(); // never returns: the parent frees us
  panic("zombie exit");
}

// Wait for a child to exit; copy its status to user address addr (if not
// 0) and return its pid. -1 if there are no children, the address is bad,
// or the caller is killed.
int wait(uint64 addr) {
  struct proc *p = myproc();
  // The status is stored under spinlocks, where a fault may not sleep: a
  // page of a file mapping not yet read in must arrive now (a load brings
  // it; the store later at most breaks COW or marks it dirty, which do not
  // sleep). A bad address fails below, as before.
  if (addr != 0)
    uaccess_prefault(p->pagetable, addr, sizeof(int));
  spin_lock(&wait_lock);
  for (;;) {
    int havekids = 0;
    for (struct proc *pp = proc; pp < &proc[NPROC]; pp++) {
      if (pp->parent != p)
        continue;
      spin_lock(&pp->lock);
      havekids = 1;
      if (pp->state == ZOMBIE) {
        int pid = pp->pid;
        if (addr != 0 && copyout(p->pagetable, addr, &pp->xstate, sizeof(pp->xstate)) < 0) {
          spin_unlock(&pp->lock);
          spin_unlock(&wait_lock);
          return -1;
        }
        freeproc(pp);
        spin_unlock(&pp->lock);
        spin_unlock(&wait_lock);
        return pid;
      }
      spin_unlock(&pp->lock);
    }
    int why = havekids ? interrupted(p) : INTR_KILL;
    if (why != INTR_NONE) {
      spin_unlock(&wait_lock);
      return why == INTR_STOP ? RESTART_CALL : -1;
    }
    sleep(p, &wait_lock);
  }
}

// A new process's first kernel code, reached by the swtch in scheduler().
static void forkret(void) {
  static int first = 1;
  struct proc *p = myproc();
  spin_unlock(&p->lock); // held by scheduler() across the switch

  if (first) {
    // The file system needs a process context (it sleeps on disk I/O),
    // so it is mounted here rather than in kmain.
    first = 0;
    fsinit(ROOTDEV);
    __sync_synchronize();
    p->cwd = namei("/");
    char *argv[] = {"/init", 0};
    int argc = exec("/init", argv);
    if (argc < 0)
      panic("forkret: cannot exec /init");
    p->trapframe->a0 = argc;
  }
  usertrapret();
}

// Mark the process with this pid killed; it exits the next time it is
// about to return to user mode. Returns -1 if there is no such process,
// or if the caller may not kill it (cred_may_kill reads its creds
// under RCU: holding p->lock does not stop p from replacing them).
int kill(int pid) {
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    spin_lock(&p->lock);
    if (p->pid == pid && p->state != UNUSED) {
      if (!cred_may_kill(p)) {
        spin_unlock(&p->lock);
        return -1;
      }
      p->killed = 1;
      int woken = rouse(p); // let it notice
      spin_unlock(&p->lock);
      if (woken)
        ipi_wake_idle(); // on an idle hart, if there is one
      return 0;
    }
    spin_unlock(&p->lock);
  }
  return -1;
}

int proc_pids(int *pids, int max) {
  int n = 0;
  for (struct proc *p = proc; p < &proc[NPROC] && n < max; p++) {
    spin_lock(&p->lock);
    if (p->state != UNUSED && p->state != USED)
      pids[n++] = p->pid;
    spin_unlock(&p->lock);
  }
  return n;
}

// Report every process's user frames, and its snapshots', to the frame
// audit (kernel/mm/frame.c).
void proc_audit(void) {
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    spin_lock(&p->lock);
    if (p->state != UNUSED && p->pagetable) {
      uvm_audit(p->pagetable);
      snap_audit(p);
    }
    spin_unlock(&p->lock);
  }
}

struct proc *proc_get(int pid) {
  for (struct proc *p = proc; pid > 0 && p < &proc[NPROC]; p++) {
    spin_lock(&p->lock);
    if (p->pid == pid && p->state != UNUSED)
      return p;
    spin_unlock(&p->lock);
  }
  return 0;
}
