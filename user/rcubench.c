// rcubench: what credentials and RCU cost (docs/benchmarks.md). Run by
// `make bench` under -icount, where rdtime counts instructions and the
// figures repeat; times are rdtime ticks (100 ns, about 100 instructions).
//
//   own creds   getuid() against getpid(): reading one's own cred takes no
//               lock and no atomic, so it should cost what getpid does;
//   storm       identity changes (seteuid there and back) as fast as one or
//               several writers can go: each commit frees the old cred through
//               RCU, and the throttle holds the waiting list at
//               CRED_WAITING_LIMIT, so the rate is bounded by grace periods;
//   idle        the grace period of one change on an otherwise idle machine.
#include "kernel/types.h"
#include "user/user.h"

#define CALLS 10000
#define CHANGES 4000 // per writer

static void fail(const char *why) {
  printf("rcubench: FAILED: %s\n", why);
  exit(1);
}

static struct rcustat stat_now(void) {
  struct rcustat st;
  if (rcustat(&st) < 0)
    fail("rcustat");
  return st;
}

// Grace periods between two snapshots: how many, average and longest.
static void report_gps(struct rcustat *a, struct rcustat *b) {
  uint64 n = b->gp_completed - a->gp_completed;
  printf("  grace periods: %ld, average %ld ticks", n, n ? (b->gp_time_total - a->gp_time_total) / n : 0);
  if (b->gp_time_max > a->gp_time_max)
    printf(" (longest since boot %ld)", b->gp_time_max);
  printf("; throttled commits %ld; creds waiting at most %ld\n",
         b->creds_throttled - a->creds_throttled, b->creds_waiting_max);
}

// Wait until every released cred has been freed.
static void settle(void) {
  for (int i = 0; i < 1000; i++) {
    struct rcustat st = stat_now();
    if (st.creds_waiting == 0 && st.cb_queued == st.cb_run)
      return;
    pause(1);
  }
  fail("creds were not freed");
}

static void own_creds(void) {
  uint64 t0 = rdtime();
  for (int i = 0; i < CALLS; i++)
    getuid();
  uint64 t1 = rdtime();
  for (int i = 0; i < CALLS; i++)
    getpid();
  uint64 t2 = rdtime();
  printf("own creds: getuid %ld ticks per 1000 calls, getpid %ld\n", (t1 - t0) * 1000 / CALLS,
         (t2 - t1) * 1000 / CALLS);
}

// nwriters processes each make CHANGES identity changes (two commits each).
static void storm(int nwriters) {
  settle();
  struct rcustat a = stat_now();
  uint64 t0 = rdtime();
  for (int w = 0; w < nwriters; w++) {
    int pid = fork();
    if (pid < 0)
      fail("fork");
    if (pid == 0) {
      for (int i = 0; i < CHANGES; i++)
        if (seteuid(1 + w) < 0 || seteuid(0) < 0)
          fail("seteuid");
      exit(0);
    }
  }
  for (int w = 0; w < nwriters; w++) {
    int st;
    if (wait(&st) < 0 || st != 0)
      fail("writer");
  }
  uint64 t = rdtime() - t0;
  struct rcustat b = stat_now();
  uint64 commits = 2 * (uint64)CHANGES * nwriters;
  printf("storm, %d writer%s: %ld commits in %ld ticks: %ld ticks each, %ld per virtual second\n",
         nwriters, nwriters > 1 ? "s" : "", commits, t, t / commits, commits * 10000000 / t);
  report_gps(&a, &b);
}

// One change at a time on an idle machine: the grace period then waits
// for idle harts to wake from wfi on their next timer tick.
static void idle(void) {
  enum { ROUNDS = 20 };
  settle();
  struct rcustat a = stat_now();
  for (int i = 0; i < ROUNDS; i++) {
    if (seteuid(1) < 0 || seteuid(0) < 0)
      fail("seteuid");
    settle();
  }
  struct rcustat b = stat_now();
  printf("idle: %d single changes\n", ROUNDS);
  report_gps(&a, &b);
}

int main(void) {
  if (geteuid() != 0)
    fail("run me as root");
  own_creds();
  storm(1);
  storm(3);
  idle();
  printf("rcubench: done\n");
  return 0;
}
