// Pipes: a PIPESIZE-byte ring buffer in the kernel, a writing file at one
// end and a reading file at the other.
//
// nread and nwrite count every byte ever read and written; they are never
// reduced modulo PIPESIZE, so the buffer is empty when they are equal and
// full when nwrite == nread + PIPESIZE, and byte k lives at data[k % PIPESIZE].
// (Unsigned wrap-around keeps the arithmetic right after 4 GiB.)
//
// Readers sleep on &nread waiting for data, writers on &nwrite waiting for
// space; each side wakes the other after making progress.
//
// Invariant: pi->lock guards every field; nread <= nwrite <= nread + PIPESIZE.
// The pipe's page is freed when both ends are closed.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/fs/file.h"
#include "kernel/fs/pipe.h"
#include "kernel/lock/spinlock.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/uaccess.h"
#include "kernel/sched/sched.h"

#define PIPESIZE 512

struct pipe {
  struct spinlock lock;
  char data[PIPESIZE];
  uint nread;    // bytes read so far
  uint nwrite;   // bytes written so far
  int readopen;  // is the read end still open?
  int writeopen; // is the write end still open?
};
_Static_assert(sizeof(struct pipe) <= PGSIZE, "a pipe must fit in one frame");

// Make a pipe and two files for its ends: *f0 reads, *f1 writes.
// Returns 0, or -1 with nothing allocated.
int pipealloc(struct file **f0, struct file **f1) {
  struct pipe *pi = 0;

  *f0 = filealloc();
  *f1 = filealloc();
  if (*f0 && *f1)
    pi = frame_alloc();
  if (pi == 0) {
    if (*f0)
      fileclose(*f0);
    if (*f1)
      fileclose(*f1);
    return -1;
  }

  spin_init(&pi->lock, "pipe");
  pi->nread = 0;
  pi->nwrite = 0;
  pi->readopen = 1;
  pi->writeopen = 1;

  (*f0)->type = FD_PIPE;
  (*f0)->readable = 1;
  (*f0)->writable = 0;
  (*f0)->pipe = pi;
  (*f1)->type = FD_PIPE;
  (*f1)->readable = 0;
  (*f1)->writable = 1;
  (*f1)->pipe = pi;
  return 0;
}

// Close one end. The other end's sleepers wake to see it gone: readers
// get end-of-file, writers an error.
void pipeclose(struct pipe *pi, int writable) {
  spin_lock(&pi->lock);
  if (writable) {
    pi->writeopen = 0;
    wakeup(&pi->nread);
  } else {
    pi->readopen = 0;
    wakeup(&pi->nwrite);
  }
  int last = !pi->readopen && !pi->writeopen;
  spin_unlock(&pi->lock);
  if (last)
    frame_put(pi);
}

static uint min3(uint a, uint b, uint c) {
  uint m = a < b ? a : b;
  return m < c ? m : c;
}

// Write n bytes from user address addr, sleeping while the pipe is full.
// Returns n, fewer if the user buffer turns out bad part way, or -1 if it
// is bad from the start, the read end is closed or the caller is killed.
// A checkpoint's stop restarts the call only while nothing is written:
// after that, starting over would write the first bytes twice.
int pipewrite(struct pipe *pi, uint64 addr, int n) {
  struct proc *p = myproc();
  int done = 0;

  spin_lock(&pi->lock);
  while (done < n) {
    int why = interrupted(p);
    if (!pi->readopen || why == INTR_KILL) {
      spin_unlock(&pi->lock);
      return -1;
    }
    if (why == INTR_STOP && done == 0) {
      spin_unlock(&pi->lock);
      return RESTART_CALL;
    }
    uint space = PIPESIZE - (pi->nwrite - pi->nread);
    if (space == 0) {
      wakeup(&pi->nread);
      sleep(&pi->nwrite, &pi->lock);
      continue;
    }
    // Copy the largest piece that fits without wrapping around the ring.
    uint at = pi->nwrite % PIPESIZE;
    uint len = min3(n - done, space, PIPESIZE - at);
    if (copyin(p->pagetable, &pi->data[at], addr + done, len) < 0) {
      if (done == 0)
        done = -1;
      break;
    }
    pi->nwrite += len;
    done += len;
  }
  wakeup(&pi->nread);
  spin_unlock(&pi->lock);
  return done;
}

// Read up to n bytes into user address addr, sleeping until there is at
// least one byte or no writer is left (then return 0, end of file).
// Returns the bytes read, or -1 if the caller is killed or the user
// buffer is bad before anything was copied. A checkpoint's stop
// restarts the call (nothing is read yet while it sleeps).
int piperead(struct pipe *pi, uint64 addr, int n) {
  struct proc *p = myproc();
  int done = 0;

  spin_lock(&pi->lock);
  while (pi->nread == pi->nwrite && pi->writeopen) {
    int why = interrupted(p);
    if (why != INTR_NONE) {
      spin_unlock(&pi->lock);
      return why == INTR_STOP ? RESTART_CALL : -1;
    }
    sleep(&pi->nread, &pi->lock);
  }

  int fault = 0;
  while (done < n && pi->nread != pi->nwrite) {
    uint at = pi->nread % PIPESIZE;
    uint len = min3(n - done, pi->nwrite - pi->nread, PIPESIZE - at);
    // Bytes leave the pipe only once they have reached the user.
    if (copyout(p->pagetable, addr + done, &pi->data[at], len) < 0) {
      fault = 1;
      break;
    }
    pi->nread += len;
    done += len;
  }
  wakeup(&pi->nwrite);
  spin_unlock(&pi->lock);
  return fault && done == 0 ? -1 : done;
}
