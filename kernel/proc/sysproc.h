// Process-related system calls (kernel/proc/sysproc.c).
#ifndef CALF_SYSPROC_H
#define CALF_SYSPROC_H

#include "kernel/types.h"

uint64 sys_fork(void);
uint64 sys_exit(void);
uint64 sys_wait(void);
uint64 sys_kill(void);
uint64 sys_getpid(void);
uint64 sys_sbrk(void);
uint64 sys_sbrklazy(void);
uint64 sys_pause(void);
uint64 sys_uptime(void);
uint64 sys_poweroff(void);

#endif
