// The snapshot system calls (kernel/proc/syssnap.c).
#ifndef CALF_SYSSNAP_H
#define CALF_SYSSNAP_H

#include "kernel/types.h"

uint64 sys_snapshot(void);
uint64 sys_rollback(void);
uint64 sys_snapdrop(void);

#endif
