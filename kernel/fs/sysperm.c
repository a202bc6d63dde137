// The permission system calls: chmod, chown and umask. The rules they
// apply are kernel/fs/perm.c's; this file fetches the arguments.
#include "kernel/fs/sysperm.h"
#include "kernel/fs/perm.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"
#include "kernel/proc/sysargs.h"
#include "kernel/sched/sched.h"
#include "kernel/param.h"

// Apply chmod (chown = 0) or chown to the inode named by argument 0,
// locked, in a transaction; write it back if the change is allowed.
static uint64 change_inode(int chown, int a, int b) {
  char path[MAXPATH];
  if (argstr(0, path, MAXPATH) < 0)
    return -1;
  struct inode *ip = namei_in_op(path);
  if (ip == 0)
    return -1;
  int r = chown ? inode_chown(ip, a, b) : inode_chmod(ip, a);
  if (r == 0)
    iupdate(ip);
  iunlockput(ip);
  end_op();
  return r;
}

uint64 sys_chmod(void) {
  int mode;
  argint(1, &mode);
  return change_inode(0, mode, 0);
}

uint64 sys_chown(void) {
  int uid, gid;
  argint(1, &uid);
  argint(2, &gid);
  return change_inode(1, uid, gid);
}

// umask(mask): set the bits that new files and directories will not get;
// returns the old mask. Per process, inherited by fork.
uint64 sys_umask(void) {
  int mask;
  argint(0, &mask);
  struct proc *p = myproc();
  int old = p->umask;
  p->umask = mask & 0777;
  return old;
}
