// Read-copy update (RCU), quiescent-state based.
//
// A reader of an RCU-protected pointer takes no lock, so a writer that
// unpublishes an object cannot ask who still holds it. It can learn when
// they have all let go: a read-side section never sleeps and keeps
// interrupts off, so it cannot span a context switch. Once a hart has been
// through its scheduler loop (between two processes, or idling) after the
// object was unpublished, no reader on that hart can still hold it. That
// moment is a *quiescent state*. A *grace period* is an interval in which
// every online hart has reported one; an object unpublished before a grace
// period began is unreachable once it has ended, and may be freed.
//
// Grace periods are numbered. Under rcu.lock:
//   started    the newest grace period begun
//   completed  the newest one ended (started == completed: none running)
//   wanted     the highest number anyone is waiting for
//   pending    the online harts that have not reported in `started` yet
// A callback queued while `started` is the newest needs started + 1, not
// started: that one may have begun before the caller's readers did, and a
// hart may already have reported for it before they started.
//
// Callbacks wait on the hart that queued them, in FIFO order. Numbers only
// grow along the FIFO, so the ready ones are always at its front, and the
// hart runs them itself the next time it reports (rcu_quiescent).
//
// An idle hart is quiescent for as long as it sleeps: it leaves the set of
// harts that grace periods wait for (rcu_idle_enter) and rejoins when it
// wakes, so grace periods advance without waking idle harts. It sleeps
// even with callbacks still waiting: it hands them to `orphans`, a shared
// FIFO that whichever hart reports next runs once they are ready. (A hart
// that kept looping until its own callbacks ran would never really idle:
// under QEMU's -icount it would spend the other harts' virtual time.)
//
// Invariant: rcu_quiescent and the idle calls are made only where the hart
// has no read-side section open: from the scheduler loop, between
// processes, and (rcu_syscall_entry) at a system call's entry from user
// mode, for no section spans a return to user mode; a hart's bit in
// `pending` is cleared only by that hart; `pending` is always a subset of
// `online`; `orphans` is empty, or some hart is online (and will report),
// or all of it is ready.
#include "kernel/sync/rcu.h"
#include "kernel/rcustat.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/lock/spinlock.h"
#include "kernel/sched/sched.h"
#include "kernel/lib/printk.h"

// Per-hart state, touched only by its own hart with interrupts off.
struct rcu_hart {
  int nesting;           // rcu_read_lock depth
  struct rcu_head *head; // callbacks waiting, oldest first
  struct rcu_head *tail; // the newest (meaningless when head is 0)
  uint64 queued, run;    // callbacks queued here, and run
};

static struct rcu_hart harts[NCPU];
// The grace period the front callback of each hart's queue waits for, or
// 0: a hint that lets rcu_syscall_entry see ready callbacks without
// turning interrupts off. Written only by its hart.
static uint64 front_gp[NCPU];

// rcu_syscall_entry reports only for a grace period at least this old
// (rdtime ticks: 100 us).
#define SYSCALL_REPORT_AFTER 1000

// Callbacks left by harts that went idle before they were ready, oldest
// first (spliced under rcu.lock). orphan_gp is the front one's grace
// period, or 0: a reporting hart checks it without the lock.
static struct rcu_hart orphans;
static uint64 orphan_gp;

static struct {
  struct spinlock lock;
  uint64 started, completed, wanted;
  uint pending;  // harts still to report in grace period `started`
  uint online;   // harts that have entered the scheduler
  uint64 gp_start; // r_time() when `started` began
  uint64 gp_time_total, gp_time_max, sync_calls;
} rcu = {.lock = {.name = "rcu"}};

// ---- Read side ----------------------------------------------------------

void rcu_read_lock(void) {
  push_off(); // no timer preemption, no migration: the count stays ours
  harts[cpuid()].nesting++;
}

void rcu_read_unlock(void) {
  struct rcu_hart *h = &harts[cpuid()];
  if (h->nesting < 1)
    panic("rcu_read_unlock: not in a read-side section");
  h->nesting--;
  pop_off();
}

int rcu_read_depth(void) { return harts[cpuid()].nesting; }

// ---- Grace periods (all with rcu.lock held) -------------------------------

static void start_gp(void) {
  rcu.started++;
  __atomic_store_n(&rcu.gp_start, r_time(), __ATOMIC_RELAXED); // rcu_syscall_entry looks
  __atomic_store_n(&rcu.pending, rcu.online, __ATOMIC_RELEASE);
}

// Ask for grace period gp to run (some time after the current one).
static void request_gp(uint64 gp) {
  if (rcu.wanted < gp)
    rcu.wanted = gp;
  if (rcu.started == rcu.completed)
    start_gp();
}

// End the running grace period if every hart has reported, and start the
// next one if someone waits for it. Returns 1 if one ended. (With every
// hart idle, a new grace period has no one to wait for: it ends at once.)
static int try_complete(void) {
  // LAB creds: BEGIN SOLUTION
  int ended = 0;
  while (rcu.started != rcu.completed && rcu.pending == 0) {
    uint64 t = r_time() - rcu.gp_start;
    rcu.gp_time_total += t;
    if (t > rcu.gp_time_max)
      rcu.gp_time_max = t;
    // Release: a hart that sees the new number also sees everything the
    // reporting harts did before they reported.
    __atomic_store_n(&rcu.completed, rcu.started, __ATOMIC_RELEASE);
    ended = 1;
    if (rcu.wanted > rcu.completed)
      start_gp();
  }
  return ended;
  // LAB creds: END SOLUTION
  // LAB creds: BEGIN STUB
  // // Your job: if a grace period is running and no hart still owes it a
  // // report, it has ended: record it in `completed` (so that whoever
  // // reads the new number also sees what the harts did before they
  // // reported), add its duration to the statistics, and start the next
  // // one if someone wants it (see docs/labs/creds.md). Until then no
  // // grace period ever ends, so nothing handed to call_rcu is freed.
  // return 0;
  // LAB creds: END STUB
}

// ---- Writer side --------------------------------------------------------

void call_rcu(struct rcu_head *head, void (*func)(struct rcu_head *)) {
  head->func = func;
  head->next = 0;
  push_off(); // the queue is this hart's: stay on it
  struct rcu_hart *h = &harts[cpuid()];
  spin_lock(&rcu.lock);
  head->gp = rcu.started + 1;
  request_gp(head->gp);
  spin_unlock(&rcu.lock);
  if (h->head == 0) {
    h->head = head;
    __atomic_store_n(&front_gp[cpuid()], head->gp, __ATOMIC_RELAXED);
  } else {
    h->tail->next = head;
  }
  h->tail = head;
  h->queued++;
  pop_off();
}

void synchronize_rcu(void) {
  spin_lock(&rcu.lock);
  uint64 gp = rcu.started + 1;
  request_gp(gp);
  rcu.sync_calls++;
  while (rcu.completed < gp)
    sleep(&rcu.completed, &rcu.lock); // sched() panics if we are a reader
  spin_unlock(&rcu.lock);
}

// ---- The scheduler's side -------------------------------------------------

void rcu_hart_online(void) {
  push_off();
  spin_lock(&rcu.lock);
  rcu.online |= 1u << cpuid();
  spin_unlock(&rcu.lock);
  pop_off();
}

// Run this hart's callbacks whose grace period has completed.
static void run_ready(struct rcu_hart *h) {
  // LAB creds: BEGIN SOLUTION
  uint64 done = __atomic_load_n(&rcu.completed, __ATOMIC_ACQUIRE);
  while (h->head && h->head->gp <= done) {
    struct rcu_head *cb = h->head;
    h->head = cb->next;
    h->run++;
    cb->func(cb);
  }
  // LAB creds: END SOLUTION
  // LAB creds: BEGIN STUB
  // // Your job: take the callbacks whose grace period has completed off
  // // the front of h's queue, in order, count them in h->run and call
  // // each one (see docs/labs/creds.md). Until then callbacks wait forever.
  // LAB creds: END STUB
}

// run_ready on this hart's own queue, keeping the front_gp hint true.
static void run_own(int id) {
  struct rcu_hart *h = &harts[id];
  run_ready(h);
  __atomic_store_n(&front_gp[id], h->head ? h->head->gp : 0, __ATOMIC_RELAXED);
}

// Hand this hart's waiting callbacks to the orphans (it is going idle).
// Appended at the back. Numbers need not grow along the orphans (another
// hart may have queued older ones and gone idle later), but a callback
// stuck behind a higher number only waits longer: run_ready stops at the
// first that is not ready, so none ever runs early.
static void orphan(struct rcu_hart *h) {
  spin_lock(&rcu.lock);
  if (orphans.head == 0) {
    orphans.head = h->head;
    __atomic_store_n(&orphan_gp, h->head->gp, __ATOMIC_RELAXED);
  } else {
    orphans.tail->next = h->head;
  }
  orphans.tail = h->tail;
  spin_unlock(&rcu.lock);
  h->head = 0;
  __atomic_store_n(&front_gp[cpuid()], 0, __ATOMIC_RELAXED);
}

// Run the orphans that are ready, on this hart. They are taken off under
// rcu.lock, run without it, and whatever is not ready yet goes back to the
// front, ahead of any orphan added meanwhile. The common case, none ready,
// costs two loads and no lock.
static void run_orphans(void) {
  uint64 gp = __atomic_load_n(&orphan_gp, __ATOMIC_RELAXED);
  if (gp == 0 || gp > __atomic_load_n(&rcu.completed, __ATOMIC_ACQUIRE))
    return;
  struct rcu_hart batch = {0};
  spin_lock(&rcu.lock);
  batch.head = orphans.head;
  batch.tail = orphans.tail;
  orphans.head = 0;
  __atomic_store_n(&orphan_gp, 0, __ATOMIC_RELAXED);
  spin_unlock(&rcu.lock);
  run_ready(&batch);
  harts[cpuid()].run += batch.run;
  if (batch.head == 0)
    return;
  spin_lock(&rcu.lock);
  if (orphans.head == 0)
    orphans.tail = batch.tail;
  else
    batch.tail->next = orphans.head;
  orphans.head = batch.head;
  __atomic_store_n(&orphan_gp, batch.head->gp, __ATOMIC_RELAXED);
  spin_unlock(&rcu.lock);
}

// An idle hart (in wfi) runs no reader, so it is in a quiescent state for
// as long as it sleeps: it leaves `online`, and no grace period waits for
// its timer to wake it. Its callbacks that are not ready yet go to the
// orphans, so it can sleep at once instead of looping until they are.
// If leaving ended a grace period, sleepers in synchronize_rcu may have
// become runnable: then the hart stays online and returns 0 (look for
// work again), for no one else may be awake to run them.
int rcu_idle_enter(void) {
  push_off();
  int id = cpuid();
  uint bit = 1u << id;
  struct rcu_hart *h = &harts[id];
  spin_lock(&rcu.lock);
  rcu.online &= ~bit;
  __atomic_store_n(&rcu.pending, rcu.pending & ~bit, __ATOMIC_RELAXED);
  int ended = try_complete();
  if (ended)
    rcu.online |= bit;
  spin_unlock(&rcu.lock);
  run_own(id);
  if (h->head)
    orphan(h);
  // After orphan(): if every hart had gone idle before our callbacks were
  // spliced, the last to leave ran the orphans too early to see ours; but
  // it completed every grace period wanted, so they are ready now.
  run_orphans();
  pop_off();
  if (ended)
    wakeup(&rcu.completed);
  return !ended;
}

void rcu_idle_exit(void) { rcu_hart_online(); }

void rcu_quiescent(void) {
  push_off();
  int id = cpuid();
  uint bit = 1u << id;
  int ended = 0;
  // The common case, no report owed, costs one load and no lock.
  if (__atomic_load_n(&rcu.pending, __ATOMIC_RELAXED) & bit) {
    spin_lock(&rcu.lock);
    __atomic_store_n(&rcu.pending, rcu.pending & ~bit, __ATOMIC_RELAXED);
    ended = try_complete();
    spin_unlock(&rcu.lock);
  }
  run_own(id);
  run_orphans();
  pop_off();
  if (ended)
    wakeup(&rcu.completed); // synchronize_rcu() callers
}

// A system call has just come in from user mode: no read-side section is
// open on this hart (none spans a return to user mode), so it may report,
// and run ready callbacks. Without this, a process making system calls for
// a whole tick without switching would hold every grace period up until
// its timer preempted it, and its callbacks would wait as long; writers
// would then pile up in prepare_creds's throttle. It reports only for a
// grace period older than SYSCALL_REPORT_AFTER: were every call to report,
// grace periods would end within a few system calls, each commit would
// start one of its own, and every hart would take rcu.lock for each
// (docs/benchmarks.md measures both). Interrupts are on here, so the hart
// id is only a hint, good for a look; rcu_quiescent checks again.
void rcu_syscall_entry(void) {
  int id = r_tp();
  uint64 done = __atomic_load_n(&rcu.completed, __ATOMIC_RELAXED);
  uint64 front = __atomic_load_n(&front_gp[id], __ATOMIC_RELAXED);
  uint64 orphan = __atomic_load_n(&orphan_gp, __ATOMIC_RELAXED);
  int ready = (front && front <= done) || (orphan && orphan <= done);
  int owed = __atomic_load_n(&rcu.pending, __ATOMIC_RELAXED) & (1u << id);
  if (owed && r_time() - __atomic_load_n(&rcu.gp_start, __ATOMIC_RELAXED) < SYSCALL_REPORT_AFTER)
    owed = 0;
  if (ready || owed)
    rcu_quiescent();
}

void rcu_stats(struct rcustat *st) {
  spin_lock(&rcu.lock);
  st->gp_completed = rcu.completed;
  st->gp_time_total = rcu.gp_time_total;
  st->gp_time_max = rcu.gp_time_max;
  st->sync_calls = rcu.sync_calls;
  spin_unlock(&rcu.lock);
  st->cb_queued = st->cb_run = 0;
  for (int i = 0; i < NCPU; i++) {
    st->cb_queued += __atomic_load_n(&harts[i].queued, __ATOMIC_RELAXED);
    st->cb_run += __atomic_load_n(&harts[i].run, __ATOMIC_RELAXED);
  }
}
