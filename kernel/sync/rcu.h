// Read-copy update, quiescent-state based (kernel/sync/rcu.c).
//
// Readers bracket their use of an RCU-protected pointer with
// rcu_read_lock/rcu_read_unlock and load it with rcu_dereference; they
// never block a writer and take no lock. A writer publishes a new version
// with rcu_assign_pointer and hands the old one to call_rcu (or waits in
// synchronize_rcu) so it is freed only once every reader that could still
// see it has finished.
#ifndef CALF_RCU_H
#define CALF_RCU_H

#include "kernel/types.h"

struct rcustat;

// Embedded in an object that will be freed through call_rcu.
struct rcu_head {
  struct rcu_head *next;
  void (*func)(struct rcu_head *);
  uint64 gp; // the grace period that must complete before func runs
};

// Publish p = v: every store that initialised *v is visible to a reader
// that sees the new pointer (release).
#define rcu_assign_pointer(p, v) __atomic_store_n(&(p), (v), __ATOMIC_RELEASE)
// Load an RCU-protected pointer inside a read-side section (acquire).
#define rcu_dereference(p) __atomic_load_n(&(p), __ATOMIC_ACQUIRE)

// Read-side sections. They nest, must not sleep, and keep interrupts off
// (so the hart cannot switch away in the middle of one).
void rcu_read_lock(void);
void rcu_read_unlock(void);
int rcu_read_depth(void); // this hart's nesting depth; call with interrupts off

// Run func(head) on this hart after a grace period. Never sleeps.
void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *));
// Sleep until a full grace period has passed. Process context only.
void synchronize_rcu(void);

// The scheduler's side: a hart joins the grace-period machinery before it
// first runs a process, and reports a quiescent state each time it is
// between processes (which also runs ready callbacks: its own, and those
// idle harts left behind).
void rcu_hart_online(void);
void rcu_quiescent(void);
// At a system call's entry from user mode, also a quiescent state: reports
// if this hart has owed one for a while (the reason is in rcu.c).
void rcu_syscall_entry(void);
// Around an idle wfi: leave and rejoin the harts that grace periods wait
// for. rcu_idle_enter returns 0 (and stays online) if leaving ended a grace
// period, whose waiters may now be runnable: then the hart should look for
// work again instead of sleeping.
int rcu_idle_enter(void);
void rcu_idle_exit(void);

void rcu_stats(struct rcustat *st); // fills the RCU fields only

#endif
