// The chroot system call (kernel/fs/syschroot.c).
#ifndef CALF_SYSCHROOT_H
#define CALF_SYSCHROOT_H

#include "kernel/types.h"

uint64 sys_chroot(void);

#endif
