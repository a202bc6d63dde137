// chroot: a process's own root directory, the file-system half of a
// container (docs/containers.md).
//
// Every process has a root: the directory where an absolute path starts
// and where ".." stops. p->root holds it (one inode reference), or is 0
// for the disk's root directory, which is every process's root until it
// calls chroot. namex (kernel/fs/dir.c) reads it to start a path and to
// keep ".." at the root; this file changes it, passes it to children, and
// drops it at exit. exec keeps it: it is the process's, not the program's.
//
// chroot also moves the current directory to the new root, always (the
// chroot(8) command does so with a chdir("/"), OpenBSD's kernel on a
// process's first chroot). Linux leaves the cwd where it was, and that is
// the classic escape: a root process that calls chroot("sub") but stays
// in "/" can walk ".." out of the new root, which it never passes
// through. Moving the cwd keeps the invariant below, and with it the one
// rule path lookup relies on.
//
// Invariant: p->cwd is p->root or below it, and every path lookup of p
// starts at one of the two, so a lookup can leave the tree under p->root
// only through a ".." at p->root, which namex refuses to take. (calf has
// no symbolic links, no fchdir and no openat: an fd opened before the
// chroot reads and writes its one file, but no lookup starts from it.)
// Only p itself changes p->root, so p reads it without a lock, like cwd.
#include "kernel/fs/chroot.h"
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"
#include "kernel/proc/cred.h"
#include "kernel/sched/sched.h"

int chroot(char *path) {
  // Only root: a user who could choose its own "/" could give a setuid
  // program a fake /etc of its own making (calf has no such files yet,
  // but a container's image is exactly such a tree).
  if (current_cred()->euid != 0)
    return -1;
  struct inode *ip = namei_dir_in_op(path); // as chdir's; in a transaction
  if (ip == 0)
    return -1;
  struct proc *p = myproc();
  struct inode *old = p->root;
  p->root = ip;         // namei's reference
  iput(p->cwd);
  p->cwd = idup(ip);    // the invariant: cwd at or below the root
  if (old)
    iput(old);
  end_op();
  return 0;
}

void root_inherit(struct proc *np, struct proc *p) {
  np->root = p->root ? idup(p->root) : 0;
}

void root_release(struct proc *p) {
  if (p->root)
    iput(p->root);
  p->root = 0;
}
