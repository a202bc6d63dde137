// Spinlocks.
//
// Invariant: a hart holding any spinlock has interrupts disabled: each
// held lock is one outstanding push_off() (kernel/riscv/cpu.c), so
// interrupts come back on only when the outermost lock is released (and
// only if they were on before the first one).
//
// This file and kernel/riscv/cpu.c are the bottom of the kernel: they call
// nothing above them but panic (and, in a LOCKCHECK kernel, the lock
// checker beside this file, kernel/lock/lockcheck.c).
#include "kernel/lock/spinlock.h"
#include "kernel/lock/lockcheck.h"
#include "kernel/riscv/cpu.h"
#include "kernel/lib/printk.h"

// Where spin_lock was called from: the return address, which each frame
// keeps at fp-8 (-fno-omit-frame-pointer; printk's backtrace reads it the
// same way). Read from the frame, not with __builtin_return_address, which
// makes gcc copy ra to a register on entry: one instruction more on every
// acquire, in kernels without the checker too.
#define CALLER() (((uint64 *)__builtin_frame_address(0))[-1])

void spin_init(struct spinlock *lk, char *name) {
  lk->name = name;
  lk->locked = 0;
  lk->cpu = 0;
}

// Swap again until the lock is ours; the caller's first swap failed. A
// long spin gives the holder a turn under an emulator (cpu_yield_turn).
// Out of line, so that the uncontended path of spin_lock, by far the
// common one, carries no spin counter.
static __attribute__((noinline)) void spin_contend(struct spinlock *lk) {
  uint spins = 1;
  do {
    if (spins % 1024 == 0)
      cpu_yield_turn();
    spins++;
  } while (__sync_lock_test_and_set(&lk->locked, 1) != 0);
}

void spin_lock(struct spinlock *lk) {
  push_off(); // an interrupt handler taking lk on this hart would deadlock
  // A hart that spins on a lock it holds waits for itself forever: say so
  // instead (and where it first took the lock, in a LOCKCHECK kernel).
  if (spin_held(lk))
    panic("spin_lock: %s already held by this hart (taken again at %p, first at %p)", lk->name,
          (void *)CALLER(), (void *)lockcheck_taken_at(lk));
  // Atomic swap (amoswap.w.aq) until we are the one who changed 0 to 1.
  if (__sync_lock_test_and_set(&lk->locked, 1) != 0)
    spin_contend(lk);
  // Keep the critical section's loads and stores after the acquire.
  __sync_synchronize();
  lk->cpu = mycpu();
  lockcheck_acquired(lk, CALLER());
}

void spin_unlock(struct spinlock *lk) {
  if (!spin_held(lk))
    panic("spin_unlock: %s not held", lk->name);
  lockcheck_released(lk);
  lk->cpu = 0;
  // Publish the critical section's stores before the lock is seen free.
  __sync_synchronize();
  __sync_lock_release(&lk->locked);
  pop_off();
}

// Must be called with interrupts off.
int spin_held(struct spinlock *lk) { return lk->locked && lk->cpu == mycpu(); }
