// Traps: system calls, exceptions and interrupts, from user or kernel mode.
#ifndef CALF_TRAP_H
#define CALF_TRAP_H

#include "kernel/types.h"

void trap_inithart(void);
// Call handler when the PLIC delivers irq (registered once at boot).
void trap_route_irq(int irq, void (*handler)(void));
// Return to user space from the current process's trap frame.
void usertrapret(void) __attribute__((noreturn));

#endif
