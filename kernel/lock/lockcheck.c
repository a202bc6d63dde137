// The lock checker: each hart's list of the spinlocks it holds, and the
// rules kernel/lock/lockcheck.h lists, checked against it. Empty unless
// LOCKCHECK is defined (make LOCKCHECK=1 or KSAN=1).
//
// Invariant: held[h] lists exactly the spinlocks hart h holds, each with
// the address of the spin_lock call that took it. Only hart h touches
// held[h], and only with interrupts off (every caller holds a lock or is
// about to hold none), so the list needs no lock of its own.
//
// A lock is held by a hart, not by a thread: the scheduler takes p->lock
// and the process releases it after the switch, on the same hart; that
// is the one lock sched() allows across a switch. The list is a small
// unordered set, because locks are not always released in the reverse
// order they were taken (sleep takes p->lock, then releases the caller's).
#ifdef LOCKCHECK
#include "kernel/lock/lockcheck.h"
#include "kernel/lock/spinlock.h"
#include "kernel/riscv/cpu.h"
#include "kernel/riscv.h"
#include "kernel/lib/printk.h"

#define MAXHELD 16 // locks one hart may hold at once

struct held {
  struct spinlock *lk;
  uint64 pc; // where spin_lock was called
};

static struct {
  struct held lock[MAXHELD];
  int n;
} held[NCPU];

void lockcheck_acquired(struct spinlock *lk, uint64 pc) {
  int h = cpuid();
  if (held[h].n == MAXHELD)
    panic("lockcheck: %s taken at %p: hart %d already holds %d spinlocks", lk->name, (void *)pc,
          h, MAXHELD);
  held[h].lock[held[h].n++] = (struct held){lk, pc};
}

void lockcheck_released(struct spinlock *lk) {
  int h = cpuid();
  for (int i = 0; i < held[h].n; i++) {
    if (held[h].lock[i].lk == lk) {
      held[h].lock[i] = held[h].lock[--held[h].n];
      return;
    }
  }
  panic("lockcheck: %s released but not on hart %d's list", lk->name, h);
}

uint64 lockcheck_taken_at(struct spinlock *lk) {
  int h = cpuid();
  for (int i = 0; i < held[h].n; i++)
    if (held[h].lock[i].lk == lk)
      return held[h].lock[i].pc;
  return 0;
}

// The first lock this hart holds other than except (0: any), or 0.
static struct held *other_than(struct spinlock *except) {
  int h = cpuid();
  for (int i = 0; i < held[h].n; i++)
    if (held[h].lock[i].lk != except)
      return &held[h].lock[i];
  return 0;
}

void lockcheck_switch(struct spinlock *mine, uint64 pc) {
  struct held *x = other_than(mine);
  if (x)
    panic("lockcheck: context switch (sched called from %p) holding spinlock %s, taken at %p",
          (void *)pc, x->lk->name, (void *)x->pc);
}

void lockcheck_none_held(const char *what, uint64 pc) {
  struct held *x = other_than(0);
  if (x)
    panic("lockcheck: %s at %p holding spinlock %s, taken at %p", what, (void *)pc, x->lk->name,
          (void *)x->pc);
}

// intr_on (kernel/riscv.h, inline) calls this first in a LOCKCHECK
// kernel, so the return address is where intr_on was written. It turns
// interrupts off while it looks: with them on, this thread could move to
// another hart between reading the hart id and reading that hart's list.
void lockcheck_intr_on(void) {
  intr_off();
  lockcheck_none_held("interrupts turned on", (uint64)__builtin_return_address(0));
}
#endif
