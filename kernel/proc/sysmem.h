// Memory introspection and fork-strategy calls (kernel/proc/sysmem.c).
#ifndef CALF_SYSMEM_H
#define CALF_SYSMEM_H

#include "kernel/types.h"

uint64 sys_memstat(void);
uint64 sys_procstat(void);
uint64 sys_frameinfo(void);
uint64 sys_forkmode(void);
uint64 sys_proclist(void);
uint64 sys_memcheck(void);
uint64 sys_munmap(void);
uint64 sys_msync(void);

#endif
