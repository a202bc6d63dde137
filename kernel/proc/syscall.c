// System call dispatch.
//
// User code puts the call number in a7 and arguments in a0..a5, then
// ecalls; uservec saved them all in the trap frame. The result goes back
// in a0. An unknown number returns -1 with a message, like any bad input.
// The calls fetch their arguments through kernel/proc/sysargs.c.
#include "kernel/syscall.h"
#include "kernel/proc/syscall_dispatch.h"
#include "kernel/proc/sysproc.h"
#include "kernel/proc/sysmem.h"
#include "kernel/proc/sysexec.h"
#include "kernel/proc/syssnap.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/syscred.h"
#include "kernel/proc/sysinject.h"
#include "kernel/proc/sysckpt.h"
#include "kernel/sync/rcu.h"
#include "kernel/fs/sysfile.h"
#include "kernel/fs/sysperm.h"
#include "kernel/fs/syschroot.h"
#include "kernel/lib/printk.h"

static uint64 (*syscalls[])(void) = {
    [SYS_fork] = sys_fork,     [SYS_exit] = sys_exit,     [SYS_wait] = sys_wait,
    [SYS_pipe] = sys_pipe,     [SYS_read] = sys_read,     [SYS_kill] = sys_kill,
    [SYS_exec] = sys_exec,     [SYS_fstat] = sys_fstat,   [SYS_chdir] = sys_chdir,
    [SYS_dup] = sys_dup,       [SYS_getpid] = sys_getpid, [SYS_sbrk] = sys_sbrk,
    [SYS_pause] = sys_pause,   [SYS_uptime] = sys_uptime, [SYS_open] = sys_open,
    [SYS_write] = sys_write,   [SYS_mknod] = sys_mknod,   [SYS_unlink] = sys_unlink,
    [SYS_link] = sys_link,     [SYS_mkdir] = sys_mkdir,   [SYS_close] = sys_close,
    [SYS_poweroff] = sys_poweroff, [SYS_sbrklazy] = sys_sbrklazy,
    [SYS_memstat] = sys_memstat,   [SYS_procstat] = sys_procstat,
    [SYS_frameinfo] = sys_frameinfo, [SYS_forkmode] = sys_forkmode,
    [SYS_proclist] = sys_proclist, [SYS_spawn] = sys_spawn,
    [SYS_snapshot] = sys_snapshot, [SYS_rollback] = sys_rollback,
    [SYS_snapdrop] = sys_snapdrop, [SYS_memcheck] = sys_memcheck,
    [SYS_getuid] = sys_getuid,     [SYS_geteuid] = sys_geteuid,
    [SYS_getgid] = sys_getgid,     [SYS_getegid] = sys_getegid,
    [SYS_setuid] = sys_setuid,     [SYS_seteuid] = sys_seteuid,
    [SYS_setgid] = sys_setgid,     [SYS_setegid] = sys_setegid,
    [SYS_setgroups] = sys_setgroups, [SYS_getgroups] = sys_getgroups,
    [SYS_chmod] = sys_chmod,       [SYS_chown] = sys_chown,
    [SYS_umask] = sys_umask,       [SYS_rcustat] = sys_rcustat,
    [SYS_credid] = sys_credid,
    [SYS_clonefile] = sys_clonefile, [SYS_fsstat] = sys_fsstat,
    [SYS_inject] = sys_inject,
    [SYS_mmap] = sys_mmap,         [SYS_munmap] = sys_munmap,
    [SYS_msync] = sys_msync,       [SYS_fsync] = sys_fsync,
    [SYS_sync] = sys_sync,         [SYS_chroot] = sys_chroot,
    [SYS_checkpoint] = sys_checkpoint, [SYS_restore] = sys_restore,
};

#define NSYSCALL ((int)(sizeof(syscalls) / sizeof(syscalls[0])))

void syscall(void) {
  struct proc *p = myproc();
  // Just in from user mode: a quiescent state for RCU, which a long grace
  // period may need (kernel/sync/rcu.c). One load when no report is owed.
  rcu_syscall_entry();
  uint64 num = p->trapframe->a7;
  if (num > 0 && num < NSYSCALL && syscalls[num]) {
    uint64 r = syscalls[num]();
    if ((long)r == RESTART_CALL)
      p->trapframe->epc -= 4; // back onto the ecall; a0..a5 still hold its arguments
    else
      p->trapframe->a0 = r;
  } else {
    printf("pid %d %s: unknown system call %d\n", p->pid, p->name, (int)num);
    p->trapframe->a0 = -1;
  }
}
