// System call numbers: the contract between user/usys.S and the kernel's
// dispatch table (kernel/proc/syscall.c). Numbers 1-21 are xv6's.
#ifndef CALF_SYSCALL_H
#define CALF_SYSCALL_H

#define SYS_fork 1
#define SYS_exit 2
#define SYS_wait 3
#define SYS_pipe 4
#define SYS_read 5
#define SYS_kill 6
#define SYS_exec 7
#define SYS_fstat 8
#define SYS_chdir 9
#define SYS_dup 10
#define SYS_getpid 11
#define SYS_sbrk 12
#define SYS_pause 13 // xv6's sleep(); the 2025 xv6 calls it pause
#define SYS_uptime 14
#define SYS_open 15
#define SYS_write 16
#define SYS_mknod 17
#define SYS_unlink 18
#define SYS_link 19
#define SYS_mkdir 20
#define SYS_close 21
#define SYS_poweroff 22
#define SYS_sbrklazy 23
#define SYS_memstat 24
#define SYS_procstat 25
#define SYS_frameinfo 26
#define SYS_forkmode 27
#define SYS_proclist 28
#define SYS_spawn 29
#define SYS_snapshot 30
#define SYS_rollback 31
#define SYS_snapdrop 32
#define SYS_clonefile 33
#define SYS_memcheck 34
#define SYS_fsstat 35
#define SYS_inject 36 // fault injection's switch (kernel/proc/sysinject.c)
// 40-54: users and credentials (kernel/proc/syscred.c, kernel/fs/perm.c)
#define SYS_getuid 40
#define SYS_geteuid 41
#define SYS_getgid 42
#define SYS_getegid 43
#define SYS_setuid 44
#define SYS_seteuid 45
#define SYS_setgid 46
#define SYS_setegid 47
#define SYS_setgroups 48
#define SYS_getgroups 49
#define SYS_chmod 50
#define SYS_chown 51
#define SYS_umask 52
#define SYS_rcustat 53
#define SYS_credid 54
// 55-57: memory mappings (kernel/fs/sysfile.c, kernel/proc/sysmem.c)
#define SYS_mmap 55
#define SYS_munmap 56
#define SYS_msync 57
// 58-59: durability (kernel/fs/sysfile.c, kernel/fs/log.c)
#define SYS_fsync 58
#define SYS_sync 59
// 60: a process's root directory (kernel/fs/syschroot.c, docs/containers.md)
#define SYS_chroot 60
// 61-62: checkpoint and restore (kernel/proc/sysckpt.c, docs/checkpoint.md)
#define SYS_checkpoint 61
#define SYS_restore 62

#endif
