// The checkpoint and restore system calls (kernel/proc/sysckpt.c).
#ifndef CALF_SYSCKPT_H
#define CALF_SYSCKPT_H

#include "kernel/types.h"

uint64 sys_checkpoint(void);
uint64 sys_restore(void);

#endif
