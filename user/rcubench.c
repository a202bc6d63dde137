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
//
// `rcubench scale N` (N = the machine's harts) prints instead the figures
// of make bench's scaling table, each on a line starting "scale:". Under
// -icount QEMU runs the harts in turn on one host thread and the clock
// counts every hart's instructions, so an rdtime interval that spans
// another hart's turn includes that hart's work. getuid is therefore timed
// in short batches: most batches fall inside one turn and measure the
// calls alone, and the median batch is one of those; the mean is printed
// beside it. A storm's ticks per commit are total time over total
// commits, which under icount is the machine's throughput, not one
// writer's.
#include "kernel/types.h"
#include "kernel/param.h"
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

// Fork nwriters processes that each make CHANGES identity changes (two
// commits each), wait for all of them, and return the ticks that took.
static uint64 run_writers(int nwriters) {
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
  return rdtime() - t0;
}

// nwriters processes each make CHANGES identity changes (two commits each).
static void storm(int nwriters) {
  settle();
  struct rcustat a = stat_now();
  uint64 t = run_writers(nwriters);
  struct rcustat b = stat_now();
  uint64 commits = 2 * (uint64)CHANGES * nwriters;
  printf("storm, %d writer%s: %ld commits in %ld ticks: %ld ticks each, %ld per virtual second\n",
         nwriters, nwriters > 1 ? "s" : "", commits, t, t / commits, commits * 10000000 / t);
  report_gps(&a, &b);
}

// rounds identity changes, one at a time, each left to settle (its grace
// period over) before the next; *a and *b are the counters around them.
static void single_changes(int rounds, struct rcustat *a, struct rcustat *b) {
  settle();
  *a = stat_now();
  for (int i = 0; i < rounds; i++) {
    if (seteuid(1) < 0 || seteuid(0) < 0)
      fail("seteuid");
    settle();
  }
  *b = stat_now();
}

// One change at a time on an idle machine: idle harts are in an extended
// quiescent state (docs/rcu.md), so a grace period need not wait for them.
static void idle(void) {
  enum { ROUNDS = 20 };
  struct rcustat a, b;
  single_changes(ROUNDS, &a, &b);
  printf("idle: %d single changes\n", ROUNDS);
  report_gps(&a, &b);
}

// ---- rcubench scale N --------------------------------------------------

#define BATCH 20    // getuid calls timed together
#define BATCHES 500 // batches; the median is reported

static uint64 batch_t[BATCHES];

static void sort_u64(uint64 *a, int n) {
  for (int i = 1; i < n; i++) {
    uint64 x = a[i];
    int j = i;
    for (; j > 0 && a[j - 1] > x; j--)
      a[j] = a[j - 1];
    a[j] = x;
  }
}

// getuid in batches, beside nwriters writers (0: alone): prints the median
// and the mean, per 1,000 calls.
static void getuid_batches(int nwriters) {
  uint64 total = 0;
  for (int b = 0; b < BATCHES; b++) {
    uint64 t0 = rdtime();
    for (int i = 0; i < BATCH; i++)
      getuid();
    batch_t[b] = rdtime() - t0;
    total += batch_t[b];
  }
  sort_u64(batch_t, BATCHES);
  if (nwriters)
    printf("scale: getuid beside %d writers:", nwriters);
  else
    printf("scale: getuid alone:");
  printf(" median %ld ticks per 1000 calls (mean %ld)\n",
         batch_t[BATCHES / 2] * 1000 / BATCH, total * 1000 / ((uint64)BATCHES * BATCH));
}

// Writers that flip their effective uid until killed.
static void endless_writer(int w) {
  for (;;)
    if (seteuid(1 + w) < 0 || seteuid(0) < 0)
      fail("seteuid");
}

static void getuid_beside_storm(int nwriters) {
  settle();
  int pids[NCPU];
  struct rcustat a = stat_now();
  for (int w = 0; w < nwriters; w++) {
    if ((pids[w] = fork()) < 0)
      fail("fork");
    if (pids[w] == 0)
      endless_writer(w);
  }
  // Start timing once every writer has committed.
  for (struct rcustat b = a; b.cb_queued < a.cb_queued + 8 * nwriters; b = stat_now())
    ;
  struct rcustat b = stat_now();
  getuid_batches(nwriters);
  struct rcustat c = stat_now();
  printf("scale: (the writers committed %ld times meanwhile, in %ld grace periods; "
         "%ld throttled)\n",
         c.cb_queued - b.cb_queued, c.gp_completed - b.gp_completed,
         c.creds_throttled - b.creds_throttled);
  for (int w = 0; w < nwriters; w++)
    kill(pids[w]);
  for (int w = 0; w < nwriters; w++)
    wait(0);
}

// One writer per hart, CHANGES each: ticks per commit over the whole storm.
static void scale_storm(int nwriters) {
  settle();
  struct rcustat a = stat_now();
  uint64 t = run_writers(nwriters);
  struct rcustat b = stat_now();
  uint64 commits = 2 * (uint64)CHANGES * nwriters;
  uint64 n = b.gp_completed - a.gp_completed;
  printf("scale: storm, %d writers: %ld commits, %ld ticks each; %ld grace periods, average %ld ticks\n",
         nwriters, commits, t / commits, n, n ? (b.gp_time_total - a.gp_time_total) / n : 0);
}

// The idle grace period, RUNS times: each run's average, their median and spread.
static void scale_idle(void) {
  enum { RUNS = 5, ROUNDS = 20 };
  uint64 avg[RUNS];
  printf("scale: idle grace period: runs");
  for (int r = 0; r < RUNS; r++) {
    struct rcustat a, b;
    single_changes(ROUNDS, &a, &b);
    uint64 n = b.gp_completed - a.gp_completed;
    avg[r] = n ? (b.gp_time_total - a.gp_time_total) / n : 0;
    printf(" %ld", avg[r]);
  }
  sort_u64(avg, RUNS);
  printf(", median %ld, spread %ld ticks\n", avg[RUNS / 2], avg[RUNS - 1] - avg[0]);
}

static void scale(int harts) {
  if (harts < 1 || harts > NCPU)
    fail("scale: harts out of range");
  printf("scale: harts %d\n", harts);
  getuid_batches(0);
  if (harts > 1)
    getuid_beside_storm(harts - 1);
  scale_storm(harts);
  scale_idle();
}

int main(int argc, char *argv[]) {
  if (geteuid() != 0)
    fail("run me as root");
  if (argc == 3 && strcmp(argv[1], "scale") == 0) {
    scale(atoi(argv[2]));
    printf("rcubench: done\n");
    return 0;
  }
  own_creds();
  storm(1);
  storm(3);
  idle();
  printf("rcubench: done\n");
  return 0;
}
