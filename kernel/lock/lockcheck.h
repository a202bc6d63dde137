// The lock checker (make LOCKCHECK=1; `make test` builds with it): each
// hart's list of the spinlocks it holds and where it took them, and the
// rules checked against that list. A broken rule prints the lock's name,
// where it was taken and where the rule broke, then panics.
//
//   - no context switch (sleep, yield, exit) with a spinlock held other
//     than p->lock, which sched() must hold;
//   - no interrupts on while a spinlock is held: checked where interrupts
//     are turned on (intr_on), when a trap arrives in the kernel and on the
//     way back to user space;
//   - taking a lock this hart already holds panics in every build
//     (spin_lock's own check, as in xv6); the checker adds where the lock
//     was first taken.
//
// Without LOCKCHECK the hooks are empty and compile to nothing.
#ifndef CALF_LOCKCHECK_H
#define CALF_LOCKCHECK_H

#include "kernel/types.h"

struct spinlock;

#ifdef LOCKCHECK
// spin_lock/spin_unlock report each lock taken (at pc) and given back.
void lockcheck_acquired(struct spinlock *lk, uint64 pc);
void lockcheck_released(struct spinlock *lk);
// Where this hart took lk, or 0 if it does not hold it.
uint64 lockcheck_taken_at(struct spinlock *lk);
// sched(), called from pc, switches away holding mine (p->lock): nothing else may be held.
void lockcheck_switch(struct spinlock *mine, uint64 pc);
// A trap from the kernel (at sepc) or a return to user space (what says
// which): this hart must hold no spinlock.
void lockcheck_none_held(const char *what, uint64 pc);
#else
static inline void lockcheck_acquired(struct spinlock *lk, uint64 pc) {}
static inline void lockcheck_released(struct spinlock *lk) {}
static inline uint64 lockcheck_taken_at(struct spinlock *lk) { return 0; }
static inline void lockcheck_switch(struct spinlock *mine, uint64 pc) {}
static inline void lockcheck_none_held(const char *what, uint64 pc) {}
#endif

#endif
