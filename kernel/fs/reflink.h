// File reflinks: clonefile(src, dst) (kernel/fs/reflink.c).
#ifndef CALF_REFLINK_H
#define CALF_REFLINK_H

#include "kernel/types.h"

uint64 sys_clonefile(void);

#endif
