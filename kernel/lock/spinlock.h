// Spinlocks: mutual exclusion between harts for short critical sections.
// Holding one keeps interrupts off on this hart (push_off), so an interrupt
// handler can never spin on a lock its own hart holds.
// push_off/pop_off themselves are per-hart state: kernel/riscv/cpu.h.
#ifndef CALF_SPINLOCK_H
#define CALF_SPINLOCK_H

#include "kernel/types.h"

struct cpu;

struct spinlock {
  uint locked;     // 0 or 1, changed only with atomic operations
  char *name;      // for debugging
  struct cpu *cpu; // the cpu holding the lock
};

void spin_init(struct spinlock *lk, char *name);
void spin_lock(struct spinlock *lk);
void spin_unlock(struct spinlock *lk);
int spin_held(struct spinlock *lk);

#endif
