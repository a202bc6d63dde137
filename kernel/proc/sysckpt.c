// The checkpoint and restore system calls. Each opens the image with the
// caller's credentials (open()'s own code, file_open) and hands it to its
// mechanism: kernel/proc/checkpoint.c, kernel/proc/restore.c.
#include "kernel/proc/sysckpt.h"
#include "kernel/proc/sysargs.h"
#include "kernel/proc/checkpoint.h"
#include "kernel/proc/restore.h"
#include "kernel/fs/file.h"
#include "kernel/fs/sysfile.h"
#include "kernel/sched/sched.h"
#include "kernel/ckpt.h"
#include "kernel/fcntl.h"

// checkpoint(pid, path, flags): 0 or -1. A process cannot checkpoint
// itself (pid 0 or its own): it could not be stopped while it writes.
uint64 sys_checkpoint(void) {
  int pid, flags;
  char path[MAXPATH];
  argint(0, &pid);
  argint(2, &flags);
  if (argstr(1, path, MAXPATH) < 0 || pid <= 0 || pid == myproc()->pid || (flags & ~CKPT_KILL))
    return -1;
  // Not O_TRUNC: an image that exists is cut only once the target is
  // stopped (ckpt_write), so a bad pid does not destroy it.
  struct file *f = file_open(path, O_CREATE | O_WRONLY);
  if (f == 0)
    return -1;
  int r = ckpt_write(pid, f, flags);
  fileclose(f);
  return r;
}

// restore(path, mode): the new child's pid, or -1.
uint64 sys_restore(void) {
  int mode;
  char path[MAXPATH];
  argint(1, &mode);
  if (argstr(0, path, MAXPATH) < 0)
    return -1;
  struct file *f = file_open(path, O_RDONLY);
  if (f == 0)
    return -1;
  int r = restore_image(f, mode, file_open);
  fileclose(f);
  return r;
}
