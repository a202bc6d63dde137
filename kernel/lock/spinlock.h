// Spinlocks: mutual exclusion between harts for short critical sections.
// Holding one keeps interrupts off on this hart (push_off), so an interrupt
// handler can never spin on a lock its own hart holds.
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

// Interrupt-disable nesting: push_off/pop_off pairs, as spin_lock uses.
void push_off(void);
void pop_off(void);

#endif
