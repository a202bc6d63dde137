// The permission system calls (kernel/fs/sysperm.c).
#ifndef CALF_SYSPERM_H
#define CALF_SYSPERM_H

#include "kernel/types.h"

uint64 sys_chmod(void);
uint64 sys_chown(void);
uint64 sys_umask(void);

#endif
