// The runner shared by calf's in-guest test programs (cowtest, snaptest,
// spawntest, credtest, reflinktest).
//
// Each test runs in a child of the runner, so a test that fails half-way
// (exit(1) from fail()) or is killed cannot disturb the next one. The
// runner counts free frames before forking and after reaping: whatever a
// test allocated, the kernel must give back when the test's process is
// gone. A test's orphans (grandchildren whose parent died or was killed)
// are reaped by init, not by the runner: it waits for them to go before
// it counts, and a test whose processes are still running after
// STRAY_TICKS fails (they are killed). Invariant: a test passes only if
// its child exited 0, left no process behind, and every count the suite
// watches reads the same after it as before.

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/testlib.h"

char *test_prog = "test";
char *test_name = "";

void fail(const char *why) {
  printf("%s %s: FAILED: %s\n", test_prog, test_name, why);
  exit(1);
}

void check(int ok, const char *why) {
  if (!ok)
    fail(why);
}

void check_failed(int line, const char *what) {
  printf("%s %s: FAILED: line %d: %s\n", test_prog, test_name, line, what);
  exit(1);
}

void expect_failed(int line, const char *expr, long got, long want) {
  printf("%s %s: FAILED: line %d: %s is %ld, expected %ld\n", test_prog, test_name, line, expr,
         got, want);
  exit(1);
}

struct memstat mem_stats(void) {
  struct memstat ms;
  check(memstat(&ms) == 0, "memstat");
  return ms;
}

// Free frames plus the idle page-cache frames an allocation would evict:
// what "no frame leaked" compares (running a program fills the cache).
uint64 free_frames(void) {
  struct memstat ms = mem_stats();
  return memstat_avail(&ms);
}

struct sys_counts sys_counts(void) {
  struct rcustat rs;
  struct fsstat fs;
  check(rcustat(&rs) == 0 && fsstat(&fs) == 0, "rcustat, fsstat");
  return (struct sys_counts){free_frames(), rs.creds_live, fs.free, fs.ifree, fs.files,
                             fs.icached};
}

int sys_counts_same(struct sys_counts a, struct sys_counts b, int with_disk) {
  if (with_disk && (a.free_blocks != b.free_blocks || a.free_inodes != b.free_inodes))
    return 0;
  return a.frames == b.frames && a.creds == b.creds && a.files == b.files &&
         a.icached == b.icached;
}

void sys_counts_print(struct sys_counts a, struct sys_counts b, int with_disk) {
  printf("frames %ld->%ld creds %ld->%ld", a.frames, b.frames, a.creds, b.creds);
  if (with_disk)
    printf(" free blocks %d->%d free inodes %d->%d", a.free_blocks, b.free_blocks,
           a.free_inodes, b.free_inodes);
  printf(" files %d->%d cached inodes %d->%d", a.files, b.files, a.icached, b.icached);
}

int sys_counts_settle(struct sys_counts base, struct sys_counts *now, int with_disk, int limit) {
  for (int t = 0; t < limit; t++) {
    *now = sys_counts();
    if (sys_counts_same(base, *now, with_disk))
      return 0;
    pause(1);
  }
  return -1;
}

#define STRAY_TICKS 300 // 3 s for a test's orphans to finish, as long again once killed

void procset_note(struct procset *s) {
  s->n = proclist(s->pids, NPROC);
  check(s->n >= 0, "proclist");
}

static int procset_has(const struct procset *s, int pid) {
  for (int i = 0; i < s->n; i++)
    if (s->pids[i] == pid)
      return 1;
  return 0;
}

int procset_strays(const struct procset *s, int killem) {
  int pids[NPROC], n = proclist(pids, NPROC), left = 0;
  for (int i = 0; i < n; i++) {
    if (procset_has(s, pids[i]))
      continue;
    left++;
    if (killem)
      kill(pids[i]);
  }
  return left;
}

int procset_settle(const struct procset *s, int kill_after, int limit) {
  int killed = 0;
  for (int t = 0; t < limit; t++) {
    int killem = t >= kill_after;
    int left = procset_strays(s, killem);
    if (left == 0)
      return killed;
    if (killem && killed == 0)
      killed = left;
    pause(1);
  }
  return -1;
}

// Wait for pid in particular; -1 if it is not our child.
static int reap(int pid) {
  int st;
  for (;;) {
    int p = wait(&st);
    if (p == pid)
      return st;
    if (p < 0)
      return -1;
  }
}

// Run one test; 0 if it passed, else 1 with the reason printed.
static int run_one(const struct test_suite *s, struct test *t) {
  test_name = t->name;
  uint64 watched = s->watch ? s->watch() : 0;
  uint64 before = free_frames();
  struct procset alive;
  procset_note(&alive);
  int pid = fork();
  if (pid < 0)
    fail("fork");
  if (pid == 0) {
    t->f();
    exit(0);
  }
  int st = reap(pid);
  int strays = procset_settle(&alive, STRAY_TICKS, 2 * STRAY_TICKS);
  uint64 after = free_frames();
  uint64 watched_after = s->watch ? s->watch() : 0;

  if (st != 0)
    printf("%s %s: FAILED\n", test_prog, t->name);
  else if (strays > 0)
    printf("%s %s: FAILED: %d process(es) still running after it (killed)\n", test_prog,
           t->name, strays);
  else if (strays < 0)
    printf("%s %s: FAILED: processes still running after it, even once killed\n", test_prog,
           t->name);
  else if (s->memcheck && memcheck() != 0)
    printf("%s %s: FAILED: frame counts disagree with the page tables\n", test_prog, t->name);
  else if (after != before)
    printf("%s %s: FAILED: free frames %ld before, %ld after\n", test_prog, t->name, before,
           after);
  else if (watched_after != watched)
    printf("%s %s: FAILED: %ld %s before, %ld after\n", test_prog, t->name, watched,
           s->watch_what, watched_after);
  else {
    printf("%s %s: OK\n", test_prog, t->name);
    return 0;
  }
  return 1;
}

void pages_fill(char *p, uint64 n, int v) {
  for (uint64 i = 0; i < n; i += PGSIZE)
    *(int *)(p + i) = v;
}

int pages_all(char *p, uint64 n, int v) {
  for (uint64 i = 0; i < n; i += PGSIZE)
    if (*(int *)(p + i) != v)
      return 0;
  return 1;
}

int run_tests(const struct test_suite *s, int argc, char *argv[]) {
  int failed = 0;
  for (int i = 0; i < s->ntests; i++)
    if (argc < 2 || strcmp(argv[1], s->tests[i].name) == 0)
      failed += run_one(s, &s->tests[i]);
  printf(failed ? "SOME %s TESTS FAILED\n" : "ALL %s TESTS PASSED\n", s->title);
  return failed != 0;
}
