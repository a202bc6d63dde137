// A process's root directory: chroot(path) (kernel/fs/chroot.c).
#ifndef CALF_CHROOT_H
#define CALF_CHROOT_H

#include "kernel/types.h"

struct proc;

// Make path (a directory, resolved as any path) the caller's root and
// current directory. Root only. 0, or -1 with nothing changed.
int chroot(char *path);
// fork and spawn: the child np shares the parent p's root.
void root_inherit(struct proc *np, struct proc *p);
// exit: drop p's reference on its root. The caller is inside a transaction.
void root_release(struct proc *p);

#endif
