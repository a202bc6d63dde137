// exec and spawn system calls (kernel/proc/sysexec.c).
#ifndef CALF_SYSEXEC_H
#define CALF_SYSEXEC_H

#include "kernel/types.h"

uint64 sys_exec(void);
uint64 sys_spawn(void);

#endif
