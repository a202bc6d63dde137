// The clock: a timer interrupt on every hart every tick.
#ifndef CALF_TIMER_H
#define CALF_TIMER_H

#include "kernel/types.h"
#include "kernel/lock/spinlock.h"

#define TIMEBASE_HZ 10000000 // QEMU virt's time CSR frequency
#define TICK_HZ 100          // clock ticks per second

extern uint ticks; // ticks since boot, guarded by tickslock
extern struct spinlock tickslock;

void timer_init(void);     // once, on the boot hart
void timer_inithart(void); // on every hart
int timer_intr(void); // 1 if it was a clock tick, 0 if an early wake-up

#endif
