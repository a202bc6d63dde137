// Sleep locks: long-held locks (inodes, buffers) whose waiters sleep
// instead of spinning. May only be taken by a process, never in an
// interrupt handler.
#ifndef CALF_SLEEPLOCK_H
#define CALF_SLEEPLOCK_H

#include "kernel/lock/spinlock.h"

struct sleeplock {
  uint locked;        // is the lock held?
  struct spinlock lk; // protects this sleep lock
  char *name;
  int pid; // process holding the lock
  int waiters; // processes asleep waiting for it
};

void sleeplock_init(struct sleeplock *lk, char *name);
void sleeplock_lock(struct sleeplock *lk);
// Take the lock if it is free and return 1; return 0 at once if it is held.
// Never sleeps, so it may be called with a spinlock held.
int sleeplock_trylock(struct sleeplock *lk);
void sleeplock_unlock(struct sleeplock *lk);
int sleeplock_held(struct sleeplock *lk);

#endif
