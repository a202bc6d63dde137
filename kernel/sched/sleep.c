// Sleep and wakeup: how kernel code waits for a condition another process
// or an interrupt handler makes true (docs/sleep.md).
//
// xv6's wakeup(chan) locked every process slot to find the sleepers on
// chan. calf keeps the interface and finds them through sleep queues: a
// fixed table of NSLEEPQ lists, and a channel's sleepers are on the list
// its address hashes to. A wakeup locks one list and, of the processes on
// it, only those asleep on chan. A wakeup nobody waits for locks no
// process at all.
//
// Locking, in this order: the caller's condition lock lk (sleep's second
// argument), then a queue's lock, then p->lock.
//   - q->lock guards q's list, and p->chan and p's links while p is on it.
//   - p->lock guards p->state, as everywhere.
// sleep() puts p on the queue and marks it SLEEPING before it lets go of
// lk; a waker changed the condition under lk, so it either came before (and
// the sleeper saw the new condition) or comes after, and then finds p on
// the queue: no wakeup is lost. wakeup() takes p off the queue and makes
// it RUNNABLE; kill() makes a sleeper RUNNABLE without taking it off, so
// a sleeper that returns still on its queue takes itself off.
//
// Invariant: p is on a queue exactly while p->chan != 0, and then on the
// queue p->chan hashes to.
#include "kernel/sched/sched.h"
#include "kernel/riscv/ipi.h"

#define NSLEEPQ 64 // queues: a power of two, at least NPROC, so that lists stay short
#define NSLEEPQ_BITS 6
_Static_assert(1 << NSLEEPQ_BITS == NSLEEPQ, "NSLEEPQ_BITS must be log2(NSLEEPQ)");

struct sleepq {
  struct spinlock lock;
  struct proc *head; // the processes on this queue, newest first
};

static struct sleepq queues[NSLEEPQ];

void sleep_init(void) {
  for (int i = 0; i < NSLEEPQ; i++)
    spin_init(&queues[i].lock, "sleepq");
}

// The queue chan's sleepers wait on. Channels are addresses of kernel
// objects, often a fixed stride apart (a pipe's nread, a buffer's lock,
// a process slot): multiplying by 2^64 divided by the golden ratio and
// keeping the top bits spreads such runs over every queue (Fibonacci
// hashing; Knuth, TAOCP vol. 3, 6.4).
static struct sleepq *queue_of(void *chan) {
  return &queues[((uint64)chan * 0x9E3779B97F4A7C15ull) >> (64 - NSLEEPQ_BITS)];
}

// Caller holds q->lock.
static void enqueue(struct sleepq *q, struct proc *p, void *chan) {
  p->chan = chan;
  p->sq_prev = 0;
  p->sq_next = q->head;
  if (q->head)
    q->head->sq_prev = p;
  q->head = p;
}

// Caller holds q->lock, and p is on q.
static void dequeue(struct sleepq *q, struct proc *p) {
  if (p->sq_prev)
    p->sq_prev->sq_next = p->sq_next;
  else
    q->head = p->sq_next;
  if (p->sq_next)
    p->sq_next->sq_prev = p->sq_prev;
  p->sq_next = p->sq_prev = 0;
  p->chan = 0;
}

// Count a wakeup, and the process locks it took, for the process this
// hart runs (procstat shows both; user/waketest.c checks them). An
// interrupt handler's wakeup counts for the process it interrupted, or for
// none in the scheduler loop. Plain adds: the caller holds a queue lock,
// so interrupts are off, and only this hart writes the running process's
// counts.
static void count(int locked) {
  struct proc *me = myproc();
  if (me) {
    me->wake_calls++;
    me->wake_locks += locked;
  }
}

// Sleep on chan, releasing lk while asleep and taking it back before
// returning. p is on chan's queue, and SLEEPING, before lk is let go:
// a wakeup(chan) from then on finds it.
void sleep(void *chan, struct spinlock *lk) {
  struct proc *p = myproc();
  struct sleepq *q = queue_of(chan);
  spin_lock(&q->lock);
  spin_lock(&p->lock);
  enqueue(q, p, chan);
  p->state = SLEEPING;
  spin_unlock(&q->lock);
  spin_unlock(lk);
  sched(); // with p->lock held, so a waker cannot run p before the switch

  // Woken. A wakeup took p off the queue (chan 0, written before it made
  // p RUNNABLE); a kill did not. Only p itself puts p back on a queue, so
  // a stale look at chan only costs the lock below.
  int queued = __atomic_load_n(&p->chan, __ATOMIC_RELAXED) != 0;
  spin_unlock(&p->lock); // before q->lock: the order is q->lock, then p->lock
  if (queued) {
    spin_lock(&q->lock);
    if (p->chan) // a wakeup may have taken it off meanwhile
      dequeue(q, p);
    spin_unlock(&q->lock);
  }
  spin_lock(lk);
}

// Wake every process sleeping on chan. The caller must not hold any
// p->lock. Locks chan's queue, and only the processes asleep on chan.
void wakeup(void *chan) {
  struct sleepq *q = queue_of(chan);
  int woken = 0, locked = 0;
  spin_lock(&q->lock);
  struct proc *p = q->head;
  while (p) {
    struct proc *next = p->sq_next;
    if (p->chan == chan) {
      dequeue(q, p);
      spin_lock(&p->lock);
      locked++;
      // Not SLEEPING: killed, and running its way out of sleep().
      if (p->state == SLEEPING) {
        make_runnable(p);
        woken++;
      }
      spin_unlock(&p->lock);
    }
    p = next;
  }
  count(locked);
  spin_unlock(&q->lock);
  // After every lock is let go: the woken process's first act, back in
  // sleep(), may be to take q->lock.
  while (woken-- > 0)
    ipi_wake_idle(); // an idle hart runs it now, not at its next tick
}
