// Waking idle harts with an inter-processor interrupt (kernel/riscv/ipi.c,
// docs/harts.md).
#ifndef CALF_IPI_H
#define CALF_IPI_H

#include "kernel/types.h"

// The scheduler loop, to go idle without missing a wakeup:
//   t = ipi_idle_prepare();   before it scans the process table
//   ... the scan finds nothing to run ...
//   ipi_idle_wait(t);         wfi, unless a process became runnable since
uint64 ipi_idle_prepare(void);
void ipi_idle_wait(uint64 ticket);
// A process was just made RUNNABLE: wake an idle hart to run it.
void ipi_wake_idle(void);
// The supervisor software interrupt an IPI raises: acknowledge it.
void ipi_intr(void);

#endif
