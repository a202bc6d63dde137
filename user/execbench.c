// execbench: what a program's size costs exec, and what copies of it cost
// memory (issue 23, docs/benchmarks.md). Run it under `make bench`
// (-icount: ticks count instructions, about 100 a tick, and repeat).
//
// 1. Time, in rdtime ticks, from an empty parent (this program, COW fork):
//      fork+exec+wait: fork, the child execs the program, the parent waits;
//      spawn+wait:     spawn the program, wait;
//    of execempty (exits at once) and execfull (the same, with 256 KiB of
//    read-only and 64 KiB of initialised data). Each is run once first, so
//    both are as cached as they will ever be; then the minimum and maximum
//    of ROUNDS runs.
// 2. Memory: start COPIES copies of `execfull hold`, each of which reads
//    every byte of its read-only and initialised data and then sleeps on a
//    pipe. The frames they hold are the frames no longer available once
//    they all sleep: (free + idle cache frames) before minus after.
//    Counting idle cache frames as available matters after the page cache
//    (issue 23): execfull's pages are already cached (idle) before the
//    copies start, and become "held" as soon as a copy maps them. Page-
//    table pages and each process's kernel pages (its trap frame) are
//    included, because they are frames the copies cost too.
//
// The same source builds on the tree before the page cache, where
// kernel/fcntl.h defines no MAP_SHARED and memstat no cache fields, so
// the before and after figures come from one program.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#ifdef MAP_SHARED
#define HAVE_PAGE_CACHE 1
#else
#define HAVE_PAGE_CACHE 0
#endif

#define ROUNDS 5
#define COPIES 8

// Frames an allocation could still have.
static uint64 avail(struct memstat *m) {
#if HAVE_PAGE_CACHE
  return m->free_frames + m->cache_idle;
#else
  return m->free_frames;
#endif
}

// Ticks from t0 until child pid has exited, or 0 if it could not start
// or failed.
static uint64 reaped(int pid, uint64 t0) {
  if (pid < 0)
    return 0;
  int st;
  wait(&st);
  uint64 t1 = rdtime();
  return st == 0 ? t1 - t0 : 0;
}

static uint64 fork_exec_wait(char *prog) {
  char *argv[] = {prog, 0};
  uint64 t0 = rdtime();
  int pid = fork();
  if (pid == 0) {
    exec(prog, argv);
    exit(1);
  }
  return reaped(pid, t0);
}

static uint64 spawn_wait(char *prog) {
  char *argv[] = {prog, 0};
  uint64 t0 = rdtime();
  return reaped(spawn(prog, argv, 0), t0);
}

struct range {
  uint64 min, max;
};

// Run f(prog) once unmeasured (to cache it), then ROUNDS times.
static struct range measure(uint64 (*f)(char *), char *prog) {
  struct range r = {~0UL, 0};
  if (f(prog) == 0) {
    printf("execbench: %s failed\n", prog);
    exit(1);
  }
  for (int i = 0; i < ROUNDS; i++) {
    uint64 t = f(prog);
    if (t == 0) {
      printf("execbench: %s failed\n", prog);
      exit(1);
    }
    r.min = t < r.min ? t : r.min;
    r.max = t > r.max ? t : r.max;
  }
  return r;
}

// "a/b = q.qqx", to two decimals.
static void print_ratio(const char *what, uint64 a, uint64 b) {
  printf("%s: %ld.%ld%ldx\n", what, a / b, a * 10 / b % 10, a * 100 / b % 10);
}

static void itoa(int n, char *buf) {
  char tmp[12];
  int i = 0;
  do
    tmp[i++] = '0' + n % 10;
  while ((n /= 10) > 0);
  while (i > 0)
    *buf++ = tmp[--i];
  *buf = 0;
}

// One row of the table: printf has no field widths, column() aligns.
static void print_row(char *prog, struct range fe, struct range sp) {
  printf("%s", prog);
  column("", 9 - strlen(prog));
  column_num(fe.min, 11);
  column_num(fe.max, 11);
  column_num(sp.min, 13);
  column_num(sp.max, 13);
  printf("\n");
}

static void times(void) {
  struct range fe0 = measure(fork_exec_wait, "execempty");
  struct range fe1 = measure(fork_exec_wait, "execfull");
  struct range sp0 = measure(spawn_wait, "execempty");
  struct range sp1 = measure(spawn_wait, "execfull");
  printf("execbench: ticks, minimum and maximum of %d runs after one unmeasured run\n", ROUNDS);
  printf("program       f+e+w min  f+e+w max  spawn+w min  spawn+w max\n");
  print_row("execempty", fe0, sp0);
  print_row("execfull", fe1, sp1);
  print_ratio("fork+exec+wait, execfull vs execempty", fe1.min, fe0.min);
  print_ratio("spawn+wait, execfull vs execempty", sp1.min, sp0.min);
}

static void copies(void) {
  int ready[2], hold[2], pids[COPIES];
  if (pipe(ready) < 0 || pipe(hold) < 0) {
    printf("execbench: pipe failed\n");
    exit(1);
  }
  char rfd[12], hfd[12];
  itoa(ready[1], rfd);
  itoa(hold[0], hfd);
  struct memstat m0, m1, m2;
  memstat(&m0);
  for (int i = 0; i < COPIES; i++) {
    pids[i] = fork();
    if (pids[i] == 0) {
      close(ready[0]);
      close(hold[1]);
      char *argv[] = {"execfull", "hold", rfd, hfd, 0};
      exec("execfull", argv);
      exit(1);
    }
    if (pids[i] < 0) {
      printf("execbench: fork failed\n");
      exit(1);
    }
  }
  int good = 0;
  for (int i = 0; i < COPIES; i++) {
    char c;
    if (read(ready[0], &c, 1) == 1 && c == 'y')
      good++;
  }
  memstat(&m1);
  uint64 rss = 0, priv = 0, shared = 0, pt = 0, file = 0;
  for (int i = 0; i < COPIES; i++) {
    struct procstat ps;
    if (procstat(pids[i], &ps) < 0)
      continue;
    rss += ps.rss_pages;
    priv += ps.private_pages;
    shared += ps.shared_pages;
    pt += ps.pt_pages;
#if HAVE_PAGE_CACHE
    file += ps.file_pages;
#endif
  }
  close(hold[1]); // the copies read end of file and exit
  for (int i = 0; i < COPIES; i++)
    wait(0);
  memstat(&m2);

  uint64 held = avail(&m0) - avail(&m1);
  printf("%d copies of execfull, each having read all its data (%d of %d checked its sums):\n",
         COPIES, good, COPIES);
  printf("  frames held: %ld (%ld a copy), of which page-table pages %ld\n", held, held / COPIES,
         m1.pt_pages - m0.pt_pages);
  printf("  procstat, summed over the copies: rss %ld, private %ld, shared %ld, file %ld, "
         "page tables %ld\n", rss, priv, shared, file, pt);
#if HAVE_PAGE_CACHE
  printf("  page cache: %ld frames, %ld idle before; %ld frames, %ld idle with the copies\n",
         m0.cache_frames, m0.cache_idle, m1.cache_frames, m1.cache_idle);
#endif
  printf("  frames available after they exit: %s\n",
         avail(&m2) == avail(&m0) ? "back to the start" : "NOT back to the start");
}

int main(void) {
  times();
  copies();
  printf("execbench: done\n");
  exit(0);
}
