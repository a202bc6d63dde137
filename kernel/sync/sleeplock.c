// Sleep locks: a flag guarded by a spinlock; waiters sleep on the lock.
// Built on the scheduler's sleep and wakeup (kernel/sched/sleep.c), so
// they sit a layer above it, with RCU, not beside the spinlocks.
// Invariant: locked == 1 exactly while one process (pid) owns the lock;
// waiters counts the processes inside sleeplock_lock's sleep loop, so an
// unlock with none calls no wakeup at all (most unlocks: a buffer or an
// inode is seldom wanted by two processes at once).
#include "kernel/sync/sleeplock.h"
#include "kernel/sched/sched.h"

void sleeplock_init(struct sleeplock *lk, char *name) {
  spin_init(&lk->lk, "sleep lock");
  lk->name = name;
  lk->locked = 0;
  lk->pid = 0;
  lk->waiters = 0;
}

void sleeplock_lock(struct sleeplock *lk) {
  spin_lock(&lk->lk);
  if (lk->locked) {
    lk->waiters++;
    while (lk->locked)
      sleep(lk, &lk->lk);
    lk->waiters--;
  }
  lk->locked = 1;
  lk->pid = myproc()->pid;
  spin_unlock(&lk->lk);
}

int sleeplock_trylock(struct sleeplock *lk) {
  spin_lock(&lk->lk);
  int free = !lk->locked;
  if (free) {
    lk->locked = 1;
    lk->pid = myproc()->pid;
  }
  spin_unlock(&lk->lk);
  return free;
}

void sleeplock_unlock(struct sleeplock *lk) {
  spin_lock(&lk->lk);
  lk->locked = 0;
  lk->pid = 0;
  if (lk->waiters)
    wakeup(lk);
  spin_unlock(&lk->lk);
}

int sleeplock_held(struct sleeplock *lk) {
  spin_lock(&lk->lk);
  int r = lk->locked && (lk->pid == myproc()->pid);
  spin_unlock(&lk->lk);
  return r;
}
