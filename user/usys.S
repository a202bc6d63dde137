// System call stubs: the only code in user space that traps into the kernel.
//
// Invariant: every stub follows the kernel's calling convention for system
// calls -- arguments already sit in a0..a5 (put there by the C caller), the
// call number goes in a7, `ecall` enters the kernel, and the result comes
// back in a0. The stubs touch nothing else, so from C they look like
// ordinary functions.

#include "kernel/syscall.h"

// One line per call. `name` is the C symbol, `num` the SYS_ constant; two C
// names may share a number (sleep is pause's classic name).
#define STUB(name, num) \
  .global name; .type name, @function; name: li a7, num; ecall; ret; .size name, .-name

.text

STUB(fork, SYS_fork)
STUB(exit, SYS_exit)
STUB(wait, SYS_wait)
STUB(pipe, SYS_pipe)
STUB(read, SYS_read)
STUB(write, SYS_write)
STUB(close, SYS_close)
STUB(kill, SYS_kill)
STUB(exec, SYS_exec)
STUB(open, SYS_open)
STUB(mknod, SYS_mknod)
STUB(unlink, SYS_unlink)
STUB(fstat, SYS_fstat)
STUB(link, SYS_link)
STUB(mkdir, SYS_mkdir)
STUB(chdir, SYS_chdir)
STUB(dup, SYS_dup)
STUB(getpid, SYS_getpid)
STUB(sbrk, SYS_sbrk)
STUB(pause, SYS_pause)
STUB(sleep, SYS_pause)
STUB(uptime, SYS_uptime)
STUB(poweroff, SYS_poweroff)
STUB(sbrklazy, SYS_sbrklazy)
STUB(memstat, SYS_memstat)
STUB(procstat, SYS_procstat)
STUB(frameinfo, SYS_frameinfo)
STUB(forkmode, SYS_forkmode)
STUB(proclist, SYS_proclist)
STUB(spawn, SYS_spawn)
STUB(snapshot, SYS_snapshot)
STUB(rollback, SYS_rollback)
STUB(snapdrop, SYS_snapdrop)
STUB(memcheck, SYS_memcheck)
STUB(clonefile, SYS_clonefile)
STUB(fsstat, SYS_fsstat)
STUB(inject, SYS_inject)
STUB(getuid, SYS_getuid)
STUB(geteuid, SYS_geteuid)
STUB(getgid, SYS_getgid)
STUB(getegid, SYS_getegid)
STUB(setuid, SYS_setuid)
STUB(seteuid, SYS_seteuid)
STUB(setgid, SYS_setgid)
STUB(setegid, SYS_setegid)
STUB(setgroups, SYS_setgroups)
STUB(getgroups, SYS_getgroups)
STUB(chmod, SYS_chmod)
STUB(chown, SYS_chown)
STUB(umask, SYS_umask)
STUB(rcustat, SYS_rcustat)
STUB(credid, SYS_credid)
STUB(mmap, SYS_mmap)
STUB(munmap, SYS_munmap)
STUB(msync, SYS_msync)
STUB(fsync, SYS_fsync)
STUB(sync, SYS_sync)
STUB(chroot, SYS_chroot)
STUB(checkpoint, SYS_checkpoint)
STUB(restore, SYS_restore)
