// The chroot system call: fetches the path and calls the mechanism,
// kernel/fs/chroot.c, which owns a process's root directory and its rules.
#include "kernel/fs/syschroot.h"
#include "kernel/fs/chroot.h"
#include "kernel/proc/sysargs.h"
#include "kernel/param.h"

// chroot(path): root only; the caller's root and cwd become path. 0 or -1.
uint64 sys_chroot(void) {
  char path[MAXPATH];
  if (argstr(0, path, MAXPATH) < 0)
    return -1;
  return chroot(path);
}
