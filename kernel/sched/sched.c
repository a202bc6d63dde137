// The scheduler: each hart's loop that runs RUNNABLE processes, and the
// switch back into it (sched, yield). Sleep and wakeup, built on sched(),
// are kernel/sched/sleep.c.
//
// Locking: p->lock guards p->state and killed, and is held across every
// context switch into or out of p: the scheduler takes it before
// switching to p, and p holds it when it calls sched() to switch back.
//
// Invariant: a process is RUNNING on at most one hart, and a hart runs a
// process only from its scheduler loop, which it re-enters through sched().
//
// This layer knows processes only as things to run: it never creates,
// frees or reparents them (kernel/proc/proc.c does).
#include "kernel/sched/sched.h"
#include "kernel/lock/lockcheck.h"
#include "kernel/sync/rcu.h"
#include "kernel/riscv/ipi.h"
#include "kernel/lib/printk.h"

struct proc proc[NPROC];

// Each hart's scheduler loop: pick a RUNNABLE process, switch to it, and
// get control back when it calls sched(). Round robin over the table.
void scheduler(void) {
  struct cpu *c = mycpu();
  c->proc = 0;
  rcu_hart_online();
  for (;;) {
    // Interrupts on, so a device can wake a sleeper and so a hart with
    // nothing to do does not deadlock the others.
    intr_on();
    uint64 ticket = ipi_idle_prepare();
    int found = 0;
    for (struct proc *p = proc; p < &proc[NPROC]; p++) {
      // Between two processes (or after an idle wfi) this hart runs no
      // RCU reader: a quiescent state (kernel/sync/rcu.c).
      rcu_quiescent();
      // Look before locking: an idle hart that locked every slot in turn
      // would nearly always hold one, which a wakeup on another hart then
      // waits for. A stale look only defers a process to the next scan.
      if (__atomic_load_n(&p->state, __ATOMIC_RELAXED) != RUNNABLE)
        continue;
      spin_lock(&p->lock);
      if (p->state == RUNNABLE) {
        p->state = RUNNING;
        if (p->readied) { // woken, killed or forked: how long did it wait for us?
          p->runwait = r_time() - p->readied;
          p->readied = 0;
        }
        c->proc = p;
        swtch(&c->context, &p->context);
        c->proc = 0; // the process is done running for now
        found = 1;
      }
      spin_unlock(&p->lock);
    }
    // Idle: an idle hart is quiescent for RCU as long as it sleeps.
    if (!found && rcu_idle_enter()) {
      ipi_idle_wait(ticket); // wfi, unless a process became RUNNABLE since
      rcu_idle_exit();
    }
  }
}

// Switch to this hart's scheduler. The caller holds p->lock (only) and has
// already changed p->state. intena belongs to this kernel thread, not to
// the hart, so it is saved and restored around the switch.
void sched(void) {
  struct proc *p = myproc();
  if (rcu_read_depth() > 0) // checked first: it also holds push_off
    panic("sched: %s (pid %d) would sleep inside an RCU read-side section", p->name, p->pid);
  // Any spinlock but p->lock, held across the switch, would be held by a
  // hart that runs other code meanwhile (the checker names it).
  lockcheck_switch(&p->lock, (uint64)__builtin_return_address(0));
  if (!spin_held(&p->lock))
    panic("sched: p->lock not held");
  if (mycpu()->noff != 1)
    panic("sched: holding %d locks", mycpu()->noff);
  if (p->state == RUNNING)
    panic("sched: process still RUNNING");
  if (intr_get())
    panic("sched: interruptible");
  int intena = mycpu()->intena;
  swtch(&p->context, &mycpu()->context);
  mycpu()->intena = intena;
}

// Give up the hart for one scheduling round.
void yield(void) {
  struct proc *p = myproc();
  spin_lock(&p->lock);
  p->state = RUNNABLE;
  sched();
  spin_unlock(&p->lock);
}

void make_runnable(struct proc *p) {
  p->state = RUNNABLE;
  p->readied = r_time();
}

uint64 sched_runwait(struct proc *p) { return p->readied ? r_time() - p->readied : p->runwait; }

void setkilled(struct proc *p) {
  spin_lock(&p->lock);
  p->killed = 1;
  spin_unlock(&p->lock);
}

int killed(struct proc *p) {
  spin_lock(&p->lock);
  int k = p->killed;
  spin_unlock(&p->lock);
  return k;
}

int rouse(struct proc *p) {
  if (p->state != SLEEPING)
    return 0;
  make_runnable(p);
  return 1;
}

// A stop is a hint read without ckpt_lock (kernel/proc/checkpoint.c owns
// it, and its lock is never taken under p->lock): a stop missed here is
// seen a tick later, when the checkpoint rouses p again.
int interrupted(struct proc *p) {
  if (killed(p))
    return INTR_KILL;
  return __atomic_load_n(&p->ckpt_stops, __ATOMIC_ACQUIRE) > 0 ? INTR_STOP : INTR_NONE;
}

// Print the process table (control-P on the console). No locks, so a
// wedged kernel can still show what it was doing.
void procdump(void) {
  static const char *names[] = {
      [UNUSED] = "unused", [USED] = "used",     [SLEEPING] = "sleep",
      [RUNNABLE] = "runble", [RUNNING] = "run", [ZOMBIE] = "zombie"};
  printf("\n");
  for (struct proc *p = proc; p < &proc[NPROC]; p++) {
    if (p->state == UNUSED)
      continue;
    printf("%d %s %s\n", p->pid, names[p->state], p->name);
  }
}
