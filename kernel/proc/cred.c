// Credentials: the cred pool, the prepare/commit lifecycle, and release
// through RCU.
//
// The life of a cred:
//   prepare_creds  a private copy of the caller's creds (ref 1) that no one
//                  else can see yet, so the caller may edit it freely;
//   commit_creds   publishes it as the caller's with a release store of
//                  p->cred, and drops the caller's reference on the old one;
//   abort_creds    frees a copy that was never published;
//   put_cred       when the last reference goes, the cred is not freed at
//                  once: a reader of another process's creds may have loaded
//                  the pointer just before it was replaced. It goes to
//                  call_rcu and is freed (and poisoned) after a grace period.
//
// Creds come from a fixed pool. A freed one joins the back of a FIFO free
// list, so it stays poisoned for as long as possible before reuse, and a
// reader that wrongly kept it is likely to meet the poison and panic.
//
// Invariant: a published cred never changes again, except its ref.
// pool.lock guards the free list and the counters.
#include "kernel/proc/cred.h"
#include "kernel/sched/sched.h"
#include "kernel/rcustat.h"
#include "kernel/lock/spinlock.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/debug/inject.h"

#define NCRED 512 // creds in the pool

static struct cred credpool[NCRED];

static struct {
  struct spinlock lock;
  struct cred *free_head, *free_tail; // freed creds, oldest first
  int nfresh;                         // credpool[nfresh..] never used yet
  uint serial;                        // last serial handed out
  uint64 live, waiting, waiting_max, throttled;
} pool = {.lock = {.name = "creds"}};

// The first process's creds: root in every id. Statically allocated, and
// this initial reference is never dropped, so it is never freed.
static struct cred init_cred = {.ref = 1, .magic = CRED_MAGIC};

static void cred_check(const struct cred *c, const char *who) {
  if (CRED_DEBUG && c->magic != CRED_MAGIC)
    panic("%s: cred %p is %s: someone used it after it was freed", who, c,
          c->magic == CRED_POISON ? "poisoned" : "corrupt");
}

// ---- The pool -------------------------------------------------------------

static struct cred *cred_alloc(void) {
  spin_lock(&pool.lock);
  struct cred *c = pool.free_head;
  if (c)
    pool.free_head = c->next_free;
  else if (pool.nfresh < NCRED)
    c = &credpool[pool.nfresh++];
  if (c) {
    pool.live++;
    c->serial = ++pool.serial;
  }
  spin_unlock(&pool.lock);
  return c;
}

// Return c to the pool. waited: it came through a grace period.
static void cred_free(struct cred *c, int waited) {
  if (CRED_DEBUG)
    memset(c, 0x6b, sizeof(*c)); // every id, and magic, become CRED_POISON
  c->next_free = 0;
  spin_lock(&pool.lock);
  if (pool.free_head == 0)
    pool.free_head = c;
  else
    pool.free_tail->next_free = c;
  pool.free_tail = c;
  pool.live--;
  if (waited)
    pool.waiting--;
  spin_unlock(&pool.lock);
}

static void cred_free_rcu(struct rcu_head *head) {
  cred_free((struct cred *)((char *)head - __builtin_offsetof(struct cred, rcu)), 1);
}

// ---- References -----------------------------------------------------------

struct cred *get_cred(const struct cred *c) {
  cred_check(c, "get_cred");
  struct cred *m = (struct cred *)c; // only ref changes after publication
  __atomic_fetch_add(&m->ref, 1, __ATOMIC_RELAXED);
  return m;
}

void put_cred(const struct cred *c) {
  cred_check(c, "put_cred");
  struct cred *m = (struct cred *)c;
  // Acquire-release: every use of the cred by the other holders happens
  // before whoever drops the last reference frees it.
  int left = __atomic_sub_fetch(&m->ref, 1, __ATOMIC_ACQ_REL);
  if (left > 0)
    return;
  if (left < 0 || m == &init_cred)
    panic("put_cred: cred %p dropped to %d references", c, left);
  spin_lock(&pool.lock);
  if (++pool.waiting > pool.waiting_max)
    pool.waiting_max = pool.waiting;
  spin_unlock(&pool.lock);
  call_rcu(&m->rcu, cred_free_rcu);
}

struct cred *root_cred(void) { return get_cred(&init_cred); }

// ---- The caller's own creds -------------------------------------------------

// A plain load: p->cred changes only in commit_creds, which only p itself
// calls, so it cannot change under us. No lock, no atomic read-modify-write.
const struct cred *current_cred(void) { return myproc()->cred; }

struct cred *prepare_creds(void) {
  // Throttle: an identity-changing loop must not outrun reclamation.
  if (__atomic_load_n(&pool.waiting, __ATOMIC_RELAXED) >= CRED_WAITING_LIMIT) {
    __atomic_fetch_add(&pool.throttled, 1, __ATOMIC_RELAXED);
    synchronize_rcu();
  }
  struct cred *new = inject_fail(INJ_CRED) ? 0 : cred_alloc();
  if (new == 0)
    return 0;
  // LAB creds: BEGIN SOLUTION
  const struct cred *old = current_cred();
  uint serial = new->serial;
  *new = *old;
  new->ref = 1;
  new->magic = CRED_MAGIC;
  new->serial = serial;
  return new;
  // LAB creds: END SOLUTION
  // LAB creds: BEGIN STUB
  // // Your job: make new a private copy of the caller's creds that only
  // // the caller holds: every id and group as in current_cred(), one
  // // reference, CRED_MAGIC, and the serial cred_alloc gave it (see
  // // docs/labs/creds.md). Until then the cred goes straight back to the
  // // pool and every change of identity fails.
  // cred_free(new, 0);
  // return 0;
  // LAB creds: END STUB
}

void cred_install(struct proc *p, struct cred *new) {
  // LAB creds: BEGIN SOLUTION
  cred_check(new, "cred_install");
  struct cred *old = p->cred;
  // Release: a reader that loads the new pointer sees its ids filled in.
  rcu_assign_pointer(p->cred, new);
  put_cred(old);
  // LAB creds: END SOLUTION
  // LAB creds: BEGIN STUB
  // // Your job: publish new as p's creds, so that a reader on another hart
  // // that sees the new pointer also sees every id in it, then drop p's
  // // reference on the old creds, which may still be in a reader's hands
  // // (see docs/labs/creds.md). Until then nothing is installed.
  // LAB creds: END STUB
}

void commit_creds(struct cred *new) { cred_install(myproc(), new); }

void abort_creds(struct cred *new) {
  // LAB creds: BEGIN SOLUTION
  cred_check(new, "abort_creds");
  if (new->ref != 1)
    panic("abort_creds: cred %p has %d references", new, new->ref);
  cred_free(new, 0); // never published: no reader can have it
  // LAB creds: END SOLUTION
  // LAB creds: BEGIN STUB
  // // Your job: give back a copy from prepare_creds that was never
  // // committed (see docs/labs/creds.md). Until then it is lost.
  // LAB creds: END STUB
}

// ---- Other processes' creds ---------------------------------------------

const struct cred *proc_cred_rcu(struct proc *p) {
  if (rcu_read_depth() == 0)
    panic("proc_cred_rcu: not inside rcu_read_lock");
  const struct cred *c = rcu_dereference(p->cred);
  if (c == 0)
    return 0;
  // Debug: linger like a slow reader before the check. A writer that freed
  // the cred without waiting for a grace period would, more often than not,
  // have poisoned it by the time we look.
  for (volatile int i = 0; CRED_DEBUG && i < CRED_READER_LINGER; i++)
    ;
  cred_check(c, "proc_cred_rcu");
  return c;
}

// egid, or one of the groups (sorted, hence the binary search).
int cred_in_group(const struct cred *c, int gid) {
  if (c->egid == gid)
    return 1;
  int lo = 0, hi = c->ngroups; // search groups[lo, hi)
  while (lo < hi) {
    int mid = (lo + hi) / 2;
    if (c->groups[mid] == gid)
      return 1;
    if (c->groups[mid] < gid)
      lo = mid + 1;
    else
      hi = mid;
  }
  return 0;
}

// POSIX's rule: root, or the sender's real or effective uid is the
// target's real or saved uid. The target's effective uid does not count:
// root that switched its euid to yours with seteuid stays out of reach.
int cred_may_kill(struct proc *target) {
  const struct cred *me = current_cred();
  if (me->euid == 0)
    return 1;
  rcu_read_lock();
  const struct cred *t = proc_cred_rcu(target);
  int ok = t && (me->uid == t->uid || me->uid == t->suid || me->euid == t->uid ||
                 me->euid == t->suid);
  rcu_read_unlock();
  return ok;
}

void cred_stats(struct rcustat *st) {
  spin_lock(&pool.lock);
  st->creds_live = pool.live;
  st->creds_waiting = pool.waiting;
  st->creds_waiting_max = pool.waiting_max;
  st->creds_throttled = pool.throttled;
  spin_unlock(&pool.lock);
}
