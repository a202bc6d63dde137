// The fault-injection switch (kernel/proc/sysinject.c).
#ifndef CALF_SYSINJECT_H
#define CALF_SYSINJECT_H

#include "kernel/types.h"

uint64 sys_inject(void);

#endif
