// Identity system calls, and rcustat (kernel/proc/syscred.c).
#ifndef CALF_SYSCRED_H
#define CALF_SYSCRED_H

#include "kernel/types.h"

uint64 sys_getuid(void);
uint64 sys_geteuid(void);
uint64 sys_getgid(void);
uint64 sys_getegid(void);
uint64 sys_setuid(void);
uint64 sys_seteuid(void);
uint64 sys_setgid(void);
uint64 sys_setegid(void);
uint64 sys_setgroups(void);
uint64 sys_getgroups(void);
uint64 sys_credid(void);
uint64 sys_rcustat(void);

#endif
