// Checkpoint: write another process's state to an image file
// (docs/checkpoint.md has the format, kernel/ckpt.h its structures).
//
// checkpoint(pid, path, flags) (kernel/proc/sysckpt.c opens the image,
// with the caller's credentials, and calls ckpt_write) saves:
//   - the registers the target will return to user space with;
//   - every page of [0, sz) that is mapped (program, guard, stack, heap;
//     lazily reserved pages stay reserved), and the present pages of every
//     mapping except shared file mappings, whose pages are the file's: each
//     page's bytes at a page-aligned offset of the image, so that a lazy
//     restore can map them;
//   - the mappings (anonymous, or a file by path and offset);
//   - the current directory and open files by path (with offset and mode);
//     a pipe cannot be saved (its bytes and its other end are elsewhere),
//     so a target with one open is refused;
//   - the program's name.
// Saving program text as pages, rather than "the program at /bin/x",
// keeps restore simple and makes the image self-contained: an image
// restores even after the program was rebuilt.
//
// Stopping the target. A process's registers and memory are consistent
// only where it crosses from the kernel back to user space: in the middle
// of a system call its trap frame holds half-done work. So the checkpoint
// asks the target to stop there (ckpt_stops), and the trap path parks it
// (ckpt_park, called by usertrap just before usertrapret) until no
// checkpoint needs it. A running target reaches that point within a clock
// tick. One asleep in a wait that may last for ever (pause(), wait(), a
// console or pipe read, a pipe write) is roused, gives its call up and
// parks with the call's ecall as its next instruction: the call runs
// again, from its start, when the target is let go, and in every copy
// restored from the image (Linux restarts system calls interrupted by a
// signal the same way). A target in any other wait (the disk) gets there
// when it ends. If none of this happens within CKPT_WAIT_TICKS, the
// checkpoint fails.
// While parked the target is not running and cannot exit (a kill waits
// until it is resumed), so its page table, mappings and files hold still
// while they are read. A process cannot checkpoint itself: it could not
// be parked while it writes (fork a child to do it).
//
// Invariant: ckpt_stops counts the checkpoints between stop and resume
// for whatever process is in the slot; a parked process has ckpt_parked
// set and does not leave ckpt_park while ckpt_stops > 0. Both fields are
// guarded by ckpt_lock, which is never held with p->lock (sleep takes
// p->lock under it).
#include "kernel/proc/checkpoint.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/cred.h"
#include "kernel/fs/file.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/ipath.h"
#include "kernel/fs/filemap.h"
#include "kernel/fs/log.h"
#include "kernel/fs/reclaim.h"
#include "kernel/mm/mmap.h"
#include "kernel/mm/vm.h"
#include "kernel/mm/frame.h"
#include "kernel/riscv/timer.h"
#include "kernel/riscv/ipi.h"
#include "kernel/ckpt.h"
#include "kernel/fcntl.h"
#include "kernel/lib/string.h"

#define CKPT_WAIT_TICKS 50 // half a second

static struct spinlock ckpt_lock = {.name = "ckpt"};

void ckpt_park(struct proc *p) {
  if (__atomic_load_n(&p->ckpt_stops, __ATOMIC_ACQUIRE) == 0)
    return; // the common case: one load on every return to user space
  spin_lock(&ckpt_lock);
  while (p->ckpt_stops > 0) {
    p->ckpt_parked = 1;
    sleep(&p->ckpt_stops, &ckpt_lock); // a kill wakes us: still parked
  }
  p->ckpt_parked = 0;
  spin_unlock(&ckpt_lock);
}

static void resume(struct proc *p) {
  spin_lock(&ckpt_lock);
  p->ckpt_stops--;
  spin_unlock(&ckpt_lock);
  wakeup(&p->ckpt_stops);
}

// Is the process in slot p still pid (else -1), and parked (1 or 0)?
// Parked first: a parked process stays in its slot while we hold a stop,
// so if the pid matches after, it is the one that parked. One that is not
// parked is roused if asleep: in an interruptible wait it sees the stop
// and gives its call up to restart it (kernel/sched/sched.h, interrupted);
// in any other wait it goes back to sleep, and is roused again next tick.
static int parked(struct proc *p, int pid) {
  spin_lock(&ckpt_lock);
  int stopped = p->ckpt_parked;
  spin_unlock(&ckpt_lock);
  spin_lock(&p->lock);
  int alive = p->pid == pid && p->state != ZOMBIE && p->state != UNUSED;
  int woken = alive && !stopped && rouse(p);
  spin_unlock(&p->lock);
  if (woken)
    ipi_wake_idle();
  return alive ? stopped : -1;
}

// Wait one clock tick; -1 if the caller was killed meanwhile.
static int tick(void) {
  spin_lock(&tickslock);
  uint start = ticks;
  while (ticks == start && !killed(myproc()))
    sleep(&ticks, &tickslock);
  spin_unlock(&tickslock);
  return killed(myproc()) ? -1 : 0;
}

// Stop pid, if the caller may signal it: its slot, parked, or 0.
static struct proc *stop(int pid) {
  struct proc *p = proc_get(pid);
  if (p == 0)
    return 0;
  int ok = p != myproc() && p->state != ZOMBIE && cred_may_kill(p);
  spin_unlock(&p->lock);
  if (!ok)
    return 0;
  // If p exits now and its slot is reused, the stop lands on the new
  // process: parked() sees the pid differ, and resume() takes it back.
  spin_lock(&ckpt_lock);
  p->ckpt_stops++;
  spin_unlock(&ckpt_lock);
  for (int t = 0; t < CKPT_WAIT_TICKS; t++) {
    int r = parked(p, pid);
    if (r == 1)
      return p;
    if (r < 0 || tick() < 0)
      break;
  }
  resume(p);
  return 0;
}

// ---- writing the image ----

struct writer {
  struct inode *ip;
  struct ckpt_header *h;
  struct ckpt_map *maps;
  struct ckpt_run *runs;
  struct ckpt_file *files;
  uint64 next;  // where the next page's bytes go
  int in_op;    // pages written in the open transaction
  int fresh;    // the next page starts a run (a run never spans two regions)
};

#define PAGES_PER_OP 2 // what one file-system transaction may write (file.c's max)

// Write n bytes at src to the image at off, in a transaction of its own.
static int put(struct inode *ip, uint64 off, void *src, uint n) {
  begin_op();
  ilock(ip);
  int r = writei(ip, 0, (uint64)src, off, n);
  iunlock(ip);
  end_op();
  return r == n ? 0 : -1;
}

static void close_op(struct writer *w) {
  if (w->in_op)
    end_op();
  w->in_op = 0;
}

// Append one page (frame pa, user address va, rights prot): its bytes at
// w->next, and in the run table (extending the last run if it can).
static int save_page(struct writer *w, uint64 va, uint64 pa, int prot) {
  struct ckpt_header *h = w->h;
  struct ckpt_run *last = h->nruns ? &w->runs[h->nruns - 1] : 0;
  if (last && !w->fresh && last->start + (uint64)last->npages * PGSIZE == va && last->prot == prot) {
    last->npages++;
  } else {
    if (h->nruns == CKPT_MAXRUNS)
      return -1;
    w->runs[h->nruns++] = (struct ckpt_run){va, w->next, 1, prot};
  }
  w->fresh = 0;
  if (w->in_op == 0)
    begin_op();
  ilock(w->ip);
  int r = writei(w->ip, 0, pa, w->next, PGSIZE);
  iunlock(w->ip);
  if (++w->in_op == PAGES_PER_OP)
    close_op(w);
  w->next += PGSIZE;
  h->npages++;
  return r == PGSIZE ? 0 : -1;
}

static int save_range(struct writer *w, struct proc *p, uint64 lo, uint64 hi) {
  w->fresh = 1;
  for (uint64 va = lo; va < hi;) {
    uint64 pa, next = uvm_next_table(p->pagetable, va);
    int prot;
    if (next != va) {
      va = next; // no leaf table: 2 MiB of reserved or unmapped pages
      continue;
    }
    if (uvm_page(p->pagetable, va, &pa, &prot) == 0 && save_page(w, va, pa, prot) < 0) {
      close_op(w);
      return -1;
    }
    va += PGSIZE;
  }
  // No transaction stays open past a range: what comes next (a path
  // search, iput_alone) begins its own, and begin_op may wait for a commit
  // that an open operation of ours would hold off for ever.
  close_op(w);
  return 0;
}

// The mapping with the lowest start at or above from: 0 and *v, or -1.
// (Runs must ascend, so the mappings are saved in address order.)
static int next_vma(struct proc *p, uint64 from, struct vma *v) {
  struct vma c;
  int found = -1;
  for (int i = 0; i < NVMA; i++) {
    if (vma_get(p, i, &c) == 0 && c.start >= from && (found < 0 || c.start < v->start)) {
      *v = c;
      found = 0;
    }
  }
  return found;
}

// The mappings, and the pages of those that are not a file's own.
static int save_maps(struct writer *w, struct proc *p) {
  struct vma v;
  for (uint64 from = 0; next_vma(p, from, &v) == 0; from = v.end) {
    struct ckpt_map *m = &w->maps[w->h->nmaps++];
    int flags = v.flags & ~MAP_FIXED; // how it was placed: the image has the address
    *m = (struct ckpt_map){v.start, v.end, v.pgoff * PGSIZE, v.prot, flags, ""};
    struct inode *ip = filemap_inode(&v);
    if (v.obj && (ip == 0 || inode_path(p, ip, m->path, sizeof(m->path)) < 0))
      return -1; // an object we cannot name
    if (ip && (v.flags & MAP_SHARED))
      continue; // the file holds these pages
    if (save_range(w, p, v.start, v.end) < 0)
      return -1;
  }
  return 0;
}

// Open files by path, offset and mode; a pipe refuses the checkpoint.
static int save_files(struct writer *w, struct proc *p) {
  for (int fd = 0; fd < NOFILE; fd++) {
    struct file *f = p->ofile[fd];
    if (f == 0)
      continue;
    if (f->type != FD_INODE && f->type != FD_DEVICE)
      return -1;
    struct ckpt_file *cf = &w->files[w->h->nfiles++];
    cf->fd = fd;
    cf->kind = f->type == FD_INODE ? CKPT_FD_INODE : CKPT_FD_DEVICE;
    cf->omode = f->readable && f->writable ? O_RDWR : f->writable ? O_WRONLY : O_RDONLY;
    cf->major = f->type == FD_DEVICE ? f->major : 0;
    cf->off = f->type == FD_INODE ? f->off : 0;
    if (inode_path(p, f->ip, cf->path, sizeof(cf->path)) < 0)
      return -1;
  }
  return 0;
}

static void save_regs(struct ckpt_header *h, struct trapframe *tf) {
  h->regs[0] = tf->epc;
  uint64 *x = &tf->ra; // the trap frame keeps x1..x31 in order from ra
  for (int i = 1; i < CKPT_NREGS; i++)
    h->regs[i] = x[i - 1];
}

// What needs no disk write: registers, name, open files, directory. A
// target refused here (a pipe open) leaves the image file untouched.
static int describe(struct writer *w, struct proc *p) {
  struct ckpt_header *h = w->h;
  h->magic = CKPT_MAGIC;
  h->version = CKPT_VERSION;
  h->hdrsize = sizeof(*h);
  h->sz = p->sz;
  save_regs(h, p->trapframe);
  safestrcpy(h->name, p->name, sizeof(h->name));
  return save_files(w, p) < 0 || inode_path(p, p->cwd, h->cwd, sizeof(h->cwd)) < 0 ? -1 : 0;
}

// The pages and mappings. A file cannot be written past its end: the
// header and tables' pages first (zero, for now: w->runs is still
// empty), the pages after them.
static int save_pages(struct writer *w, struct proc *p) {
  w->next = w->h->data_off = 4 * PGSIZE;
  int r = 0;
  for (uint64 off = 0; off < w->h->data_off && r == 0; off += PGSIZE)
    r = put(w->ip, off, w->runs, PGSIZE);
  r = r < 0 ? r : save_range(w, p, 0, p->sz);
  return r < 0 ? r : save_maps(w, p);
}

// The tables, then the header: an image cut short has no valid header.
static int write_tables(struct writer *w) {
  struct ckpt_header *h = w->h;
  h->maps_off = PGSIZE;
  h->runs_off = 2 * PGSIZE;
  h->files_off = 3 * PGSIZE;
  if (put(w->ip, h->maps_off, w->maps, h->nmaps * sizeof(struct ckpt_map)) < 0 ||
      put(w->ip, h->runs_off, w->runs, h->nruns * sizeof(struct ckpt_run)) < 0 ||
      put(w->ip, h->files_off, w->files, h->nfiles * sizeof(struct ckpt_file)) < 0)
    return -1;
  return put(w->ip, 0, h, sizeof(*h));
}

_Static_assert(CKPT_MAXMAPS * sizeof(struct ckpt_map) <= PGSIZE, "maps fit a page");
_Static_assert(CKPT_MAXRUNS * sizeof(struct ckpt_run) <= PGSIZE, "runs fit a page");
_Static_assert(CKPT_MAXFILES * sizeof(struct ckpt_file) <= PGSIZE, "files fit a page");
_Static_assert(sizeof(struct ckpt_header) <= PGSIZE, "the header fits a page");
_Static_assert(CKPT_MAXMAPS == NVMA && CKPT_MAXFILES == NOFILE && CKPT_PATHMAX == MAXPATH,
               "the format's limits are the kernel's");

// Empty the image file: what an earlier checkpoint left there goes once
// this one has its target stopped.
static void cut(struct inode *ip) {
  begin_op();
  ilock(ip);
  itrunc(ip);
  iunlock(ip);
  end_op();
}

int ckpt_write(int pid, struct file *f, int flags) {
  if (f->type != FD_INODE || !f->writable || (flags & ~CKPT_KILL))
    return -1;
  struct writer w = {f->ip};
  w.h = frame_alloc_zero();
  w.maps = frame_alloc_zero();
  w.runs = frame_alloc_zero();
  w.files = frame_alloc_zero();
  int r = -1;
  struct proc *p = w.h && w.maps && w.runs && w.files ? stop(pid) : 0;
  if (p) {
    r = describe(&w, p);
    if (r == 0) {
      cut(f->ip);
      r = save_pages(&w, p) == 0 && write_tables(&w) == 0 ? 0 : -1;
    }
    if (r == 0 && (flags & CKPT_KILL))
      setkilled(p); // it dies as it leaves ckpt_park
    resume(p);
  }
  void *bufs[] = {w.h, w.maps, w.runs, w.files};
  for (int i = 0; i < 4; i++)
    if (bufs[i])
      frame_put(bufs[i]);
  return r;
}
