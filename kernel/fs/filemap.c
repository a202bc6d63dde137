// Files in address spaces: what the file system gives the memory layer
// so that a mapping can show a file (the vm_object_ops of kernel/mm/mmap.h,
// registered on each file mapping), and the rule that a program's file
// does not change while processes run it.
//
// A file mapping holds a reference on the inode, not on the open file:
// close(fd) leaves the mapping working, and unlink leaves the file on the
// orphan list (kernel/fs/reclaim.c) until the last mapping lets go. The
// pages themselves are the page cache's (kernel/fs/pagecache.c).
//
// The running-program rule (Linux's ETXTBSY): exec refuses a file that is
// open for writing, and open refuses to write or truncate a file that a
// process runs. exec maps a program's text from the page cache, shared
// (kernel/proc/exec.c), so without the rule a write would change the
// instructions of every process running it.
//
// Invariant: ip->writers counts the open files that may write ip and the
// shared writable mappings of it; ip->running counts the processes whose
// program ip is (p->exe). Both change atomically. A count goes up from 0
// only under ip->lock, after checking that the other is 0; fork (and a
// snapshot of a mapping) raises one only where it is already >= 1.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs/filemap.h"
#include "kernel/fs/file.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"
#include "kernel/fs/pagecache.h"
#include "kernel/mm/mmap.h"
#include "kernel/mm/frame.h"
#include "kernel/sched/sched.h"
#include "kernel/sync/sleeplock.h"

// ---- the operations a file mapping calls ----

// The fault path may arrive here from a read() into a mapping of the same
// file, which holds ip->lock already (readi copies out under it): then
// the lock is ours and we must not take it again.
static void *file_get_page(void *obj, uint64 pgoff, int *err) {
  struct inode *ip = obj;
  int held = sleeplock_held(&ip->lock);
  if (!held)
    ilock(ip);
  void *pa = 0;
  if (pgoff >= ((uint64)ip->size + PGSIZE - 1) / PGSIZE)
    *err = VMOBJ_EOF;
  else if ((pa = pcache_get(ip, pgoff)) == 0)
    *err = VMOBJ_NOMEM;
  if (!held)
    iunlock(ip);
  return pa;
}

static void file_page_dirty(void *obj, uint64 pgoff) { pcache_dirty(obj, pgoff); }

static void file_page_clean(void *obj, uint64 pgoff) { pcache_clean(obj, pgoff); }

// Write the part of the page that lies inside the file through the log,
// like write() (a block a clone shares gets a copy: kernel/fs/bmap.c).
// The file does not grow: bytes past its end stay in memory only.
static int file_writeback(void *obj, uint64 pgoff, void *pa) {
  struct inode *ip = obj;
  begin_op();
  ilock(ip);
  uint64 off = pgoff * PGSIZE;
  int ok = 1;
  if (off < ip->size) {
    uint n = ip->size - off < PGSIZE ? ip->size - off : PGSIZE;
    ok = writei(ip, 0, (uint64)pa, off, n) == (int)n;
  }
  iunlock(ip);
  end_op();
  return ok ? 0 : -1;
}

// A mapping holds the inode. A shared writable one can change the file as
// surely as an open file descriptor that may write, so it also counts as
// a writer for the running-program rule, for as long as it (or a fork's
// or snapshot's copy of it) lasts. It only ever raises a count that is at
// least 1 already (file_mmap holds one while it maps), so it needs no lock.
static void file_get(void *obj, int writes) {
  struct inode *ip = obj;
  if (writes)
    __atomic_fetch_add(&ip->writers, 1, __ATOMIC_SEQ_CST);
  idup(ip);
}

static void file_put(void *obj, int writes) {
  struct inode *ip = obj;
  if (writes)
    write_end(ip);
  iput_alone(ip);
}

static const struct vm_object_ops file_vm_ops = {
    .get_page = file_get_page,
    .page_dirty = file_page_dirty,
    .writeback = file_writeback,
    .page_clean = file_page_clean,
    .get = file_get,
    .put = file_put,
};

struct inode *filemap_inode(const struct vma *v) { return v->ops == &file_vm_ops ? v->obj : 0; }

// A checkpoint image that a lazily restored process maps (kernel/mm/
// backing.c) must not change under it: pages not yet touched would show
// the new bytes. So while any process maps it, it counts as running
// (ETXTBSY for writers), exactly like a program's file.
static void image_get(void *obj, int writes) { exe_dup(obj); }

static void image_put(void *obj, int writes) { exe_end(obj); }

static const struct vm_object_ops image_vm_ops = {
    .get_page = file_get_page,
    .get = image_get,
    .put = image_put,
};

const struct vm_object_ops *image_object_ops(void) { return &image_vm_ops; }

uint64 file_mmap(struct file *f, uint64 addr, uint64 len, int prot, int flags, uint64 off) {
  return file_mmap_into(myproc(), f, addr, len, prot, flags, off);
}

uint64 file_mmap_into(struct proc *p, struct file *f, uint64 addr, uint64 len, int prot,
                      int flags, uint64 off) {
  if (f == 0 || f->type != FD_INODE || !f->readable || off % PGSIZE)
    return -1;
  int writer = (flags & MAP_SHARED) && (prot & PROT_WRITE);
  if (writer && !f->writable)
    return -1;
  ilock(f->ip);
  // A writer while it maps, so that no exec can slip in meanwhile.
  int ok = f->ip->type == T_FILE && (!writer || write_begin(f->ip) == 0);
  iunlock(f->ip);
  if (!ok)
    return -1;
  uint64 va = vma_map(p, addr, len, prot, flags, f->ip,
                      &file_vm_ops, off / PGSIZE);
  if (writer)
    write_end(f->ip);
  return va;
}

// Page by page in file order: the pages stay dirty (still mapped
// writable) after their write, so the walk goes on from the next index.
void file_flush_mapped(struct inode *ip) {
  uint idx;
  for (uint from = 0; pcache_next_dirty(ip, from, &idx); from = idx + 1) {
    ilock(ip);
    frame_map_change_begin(); // a reference no PTE holds: see kernel/mm/frame.c
    void *pa = (uint64)idx * PGSIZE < ip->size ? pcache_get(ip, idx) : 0;
    iunlock(ip);
    if (pa) {
      file_writeback(ip, idx, pa);
      frame_put(pa);
    }
    frame_map_change_end();
  }
}

// ---- the running-program rule ----

void exe_dup(struct inode *ip) {
  __atomic_fetch_add(&ip->running, 1, __ATOMIC_SEQ_CST);
  idup(ip);
}

int exe_begin(struct inode *ip) {
  if (__atomic_load_n(&ip->writers, __ATOMIC_SEQ_CST) > 0)
    return -1;
  exe_dup(ip);
  return 0;
}

void exe_end(struct inode *ip) {
  __atomic_fetch_sub(&ip->running, 1, __ATOMIC_SEQ_CST);
  iput_alone(ip);
}

int exe_running(struct inode *ip) {
  return __atomic_load_n(&ip->running, __ATOMIC_SEQ_CST) > 0 ? -1 : 0;
}

int write_begin(struct inode *ip) {
  if (exe_running(ip) < 0)
    return -1;
  __atomic_fetch_add(&ip->writers, 1, __ATOMIC_SEQ_CST);
  return 0;
}

void write_end(struct inode *ip) { __atomic_fetch_sub(&ip->writers, 1, __ATOMIC_SEQ_CST); }
