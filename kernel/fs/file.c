// The open-file table: the objects file descriptors point to, and the
// dispatch of read/write to pipes, inodes and devices.
//
// A struct file is shared by every descriptor that dup() or fork() copied
// from the one open() or pipe() returned, so they share one offset.
// devsw[] maps a device inode's major number to its driver's read and
// write functions; drivers fill in their slot at boot.
//
// Invariant: ftable.lock guards every ref; a file with ref == 0 is free.
// The other fields are set once, while only the allocating caller can
// see the file, except off, which the inode's lock guards.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "kernel/fs.h"
#include "kernel/fs/file.h"
#include "kernel/fs/filemap.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"
#include "kernel/fs/pipe.h"
#include "kernel/lib/printk.h"
#include "kernel/lock/spinlock.h"
#include "kernel/mm/uaccess.h"
#include "kernel/sched/sched.h"
#include "kernel/proc/cred.h"

struct devsw devsw[NDEV];

static struct {
  struct spinlock lock;
  struct file file[NFILE];
} ftable;

void fileinit(void) { spin_init(&ftable.lock, "ftable"); }

// How many entries are in use: for fsstat, and the fuzzer's leak check.
uint file_table_used(void) {
  uint n = 0;
  spin_lock(&ftable.lock);
  for (struct file *f = ftable.file; f < ftable.file + NFILE; f++)
    n += f->ref > 0;
  spin_unlock(&ftable.lock);
  return n;
}

// A free file with ref 1 and type FD_NONE, or 0 if the table is full.
struct file *filealloc(void) {
  spin_lock(&ftable.lock);
  for (struct file *f = ftable.file; f < ftable.file + NFILE; f++) {
    if (f->ref == 0) {
      f->ref = 1;
      f->f_cred = 0;
      spin_unlock(&ftable.lock);
      return f;
    }
  }
  spin_unlock(&ftable.lock);
  return 0;
}

struct file *filedup(struct file *f) {
  spin_lock(&ftable.lock);
  if (f->ref < 1)
    panic("filedup: file not open");
  f->ref++;
  spin_unlock(&ftable.lock);
  return f;
}

// Drop a reference; the last one releases the pipe end or inode.
void fileclose(struct file *f) {
  spin_lock(&ftable.lock);
  if (f->ref < 1)
    panic("fileclose: file not open");
  if (--f->ref > 0) {
    spin_unlock(&ftable.lock);
    return;
  }
  // Copy what we need and free the slot before the release work, which
  // may sleep and must not hold the spinlock.
  struct file ff = *f;
  f->type = FD_NONE;
  spin_unlock(&ftable.lock);

  if (ff.type == FD_PIPE) {
    pipeclose(ff.pipe, ff.writable);
  } else if (ff.type == FD_INODE || ff.type == FD_DEVICE) {
    if (ff.type == FD_INODE && ff.writable)
      write_end(ff.ip); // counted by open (kernel/fs/filemap.c)
    iput_alone(ff.ip);
  }
  if (ff.f_cred)
    put_cred(ff.f_cred);
}

// Copy the file's metadata to user address addr.
int filestat(struct file *f, uint64 addr) {
  struct stat st;

  if (f->type != FD_INODE && f->type != FD_DEVICE)
    return -1;
  ilock(f->ip);
  stati(f->ip, &st);
  iunlock(f->ip);
  return copyout(myproc()->pagetable, addr, &st, sizeof(st)) < 0 ? -1 : 0;
}

// The driver for a device file, or 0 if its major number names none.
static struct devsw *device_of(struct file *f) {
  if (f->major < 0 || f->major >= NDEV)
    return 0;
  return &devsw[f->major];
}

// Read up to n bytes into user address addr.
int fileread(struct file *f, uint64 addr, int n) {
  if (!f->readable)
    return -1;

  switch (f->type) {
  case FD_PIPE:
    return piperead(f->pipe, addr, n);
  case FD_DEVICE: {
    struct devsw *d = device_of(f);
    return d && d->read ? d->read(1, addr, n) : -1;
  }
  case FD_INODE: {
    ilock(f->ip);
    int r = readi(f->ip, 1, addr, f->off, n);
    if (r > 0)
      f->off += r;
    iunlock(f->ip);
    return r;
  }
  default:
    panic("fileread: file of type %d", f->type);
  }
}

// Write n bytes to an inode in chunks, one transaction each, because a
// transaction may dirty at most MAXOPBLOCKS blocks. A chunk of k blocks
// spans up to k + 1 blocks when unaligned, and each of those may cost two
// log blocks: the data block itself and the count block of the shared
// block it replaces (copy-on-write, kernel/fs/bmap.c). On top come the
// inode, the indirect, doubly indirect and up to two second-level
// indirect blocks, and up to two bit-map and two count blocks for the
// new blocks: 2(k + 1) + 9 <= MAXOPBLOCKS.
static int inode_write(struct file *f, uint64 addr, int n) {
  const int max = ((MAXOPBLOCKS - 9) / 2 - 1) * BSIZE;
  int done = 0;

  while (done < n) {
    int chunk = n - done < max ? n - done : max;

    // The source may be a mapping of another file: fault it in before
    // this file's lock is ours (see uaccess_prefault).
    uaccess_prefault(myproc()->pagetable, addr + done, chunk);
    begin_op();
    ilock(f->ip);
    int r = writei(f->ip, 1, addr + done, f->off, chunk);
    if (r > 0)
      f->off += r;
    iunlock(f->ip);
    end_op();

    if (r != chunk)
      break; // disk full, bad user address, or file too large
    done += r;
  }
  return done == n ? n : -1;
}

// fsync(fd). calf has one log for the whole disk, so making this file's
// changes durable commits every change made before it (ext3 did the
// same): it costs what sync costs, plus writing back the pages a shared
// mapping of the file dirtied, which only reach the file by msync,
// munmap or here.
int filesync(struct file *f) {
  if (f->type == FD_PIPE)
    return -1;
  if (f->type == FD_INODE)
    file_flush_mapped(f->ip);
  log_sync();
  return 0;
}

// Write n bytes from user address addr.
int filewrite(struct file *f, uint64 addr, int n) {
  if (!f->writable)
    return -1;

  switch (f->type) {
  case FD_PIPE:
    return pipewrite(f->pipe, addr, n);
  case FD_DEVICE: {
    struct devsw *d = device_of(f);
    return d && d->write ? d->write(1, addr, n) : -1;
  }
  case FD_INODE:
    return inode_write(f, addr, n);
  default:
    panic("filewrite: file of type %d", f->type);
  }
}
