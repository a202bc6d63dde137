// forkbench: fork latency, fork+exec+wait latency and spawn+wait latency
// against the size of the parent, under each fork strategy, timed with rdtime.
//
// Run it under `make bench`, which boots QEMU with -icount shift=0,sleep=off:
// guest time then counts instructions, so the figures repeat exactly. One
// tick of the 10 MHz timebase is about 100 instructions there.
//
// For each parent size (pages touched before forking) and strategy it
// reports the minimum over ROUNDS of
//   fork: rdtime just before fork() to rdtime just after it, in the parent;
//   fork+exit+wait (cow, at 0 and 32 MiB): fork, the child exits at once,
//   the parent waits: the fork and the child's teardown of what it shared;
//   fork+exec+wait: fork, the child execs `forkbench -x` (which exits at
//   once), the parent waits;
//   spawn+wait: spawn `forkbench -x`, wait (no fork strategy involved);
//   fork+write all (at 32 MiB, cow and sharedpt): fork, the child writes
//   every page of the parent's memory and exits, the parent waits: the
//   whole cost of a child that touches everything.
// Strategies: eager, cow, and sharedpt (shared leaf page tables).
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "user/user.h"

#define ROUNDS 5
#define MIB (1024 * 1024)

static int sizes_mib[] = {0, 1, 4, 16, 32, 64, 128, 256};
#define NSIZES (sizeof(sizes_mib) / sizeof(sizes_mib[0]))
#define NMODES 3 // FORK_EAGER, FORK_COW, FORK_SHAREDPT

static uint64 time_fork(void) {
  uint64 t0 = rdtime();
  int pid = fork();
  if (pid == 0)
    exit(0);
  uint64 t1 = rdtime();
  if (pid < 0)
    return 0;
  wait(0);
  return t1 - t0;
}

static uint64 time_fork_exit(void) {
  uint64 t0 = rdtime();
  int pid = fork();
  if (pid == 0)
    exit(0);
  if (pid < 0)
    return 0;
  wait(0);
  return rdtime() - t0;
}

static uint64 time_fork_exec(void) {
  uint64 t0 = rdtime();
  int pid = fork();
  if (pid == 0) {
    char *argv[] = {"forkbench", "-x", 0};
    exec("forkbench", argv);
    exit(1);
  }
  if (pid < 0)
    return 0;
  int st;
  wait(&st);
  uint64 t1 = rdtime();
  return st == 0 ? t1 - t0 : 0;
}

#define WRITE_MIB 32 // fork+write all: the parent size it is measured at

// The child writes every page of the WRITE_MIB MiB below the break (the
// parent grew its heap to exactly that when this runs). Read off sbrk
// rather than kept in globals: a .bss would give forkbench, the program
// every exec figure runs, one more page than the earlier measurements.
static uint64 time_fork_write(void) {
  uint64 t0 = rdtime();
  int pid = fork();
  if (pid == 0) {
    char *top = sbrk(0);
    for (char *p = top - WRITE_MIB * MIB; p < top; p += PGSIZE)
      *p = 2;
    exit(0);
  }
  if (pid < 0)
    return 0;
  int st;
  wait(&st);
  uint64 t1 = rdtime();
  return st == 0 ? t1 - t0 : 0;
}

static uint64 time_spawn(void) {
  char *argv[] = {"forkbench", "-x", 0};
  uint64 t0 = rdtime();
  int pid = spawn("forkbench", argv, 0);
  if (pid < 0)
    return 0;
  int st;
  wait(&st);
  uint64 t1 = rdtime();
  return st == 0 ? t1 - t0 : 0;
}

// Minimum over ROUNDS; 0 if any round failed (out of memory).
static uint64 measure(uint64 (*f)(void)) {
  uint64 best = ~0UL;
  for (int r = 0; r < ROUNDS; r++) {
    uint64 t = f();
    if (t == 0)
      return 0;
    if (t < best)
      best = t;
  }
  return best;
}



static void print_ticks(uint64 t) {
  if (t == 0)
    column("no memory", 13);
  else
    column_num(t, 13);
}

// "what: a.bcx", a/b to two decimals; a failed measurement (0) says so.
static void print_ratio(const char *what, uint64 a, uint64 b) {
  if (a == 0 || b == 0) {
    printf("%s: no memory\n", what);
    return;
  }
  printf("%s: %ld.%ld%ldx\n", what, a / b, a * 10 / b % 10, a * 100 / b % 10);
}

// "what: t/pages ticks", to two decimals.
static void print_per_page(const char *what, uint64 t, uint64 pages) {
  uint64 x100 = t * 100 / pages;
  printf("%s: %ld.%ld%ld ticks\n", what, x100 / 100, x100 / 10 % 10, x100 % 10);
}

// forkbench -c: only the COW fork of a 32 MiB parent (make bench's
// scaling table runs it on 1 to 8 harts).
static void cow_fork_32(void) {
  char *base = sbrk(32 * MIB);
  if (base == (char *)-1) {
    printf("forkbench: cannot grow to 32 MiB\n");
    exit(1);
  }
  for (uint64 off = 0; off < 32 * MIB; off += PGSIZE)
    base[off] = 1;
  forkmode(FORK_COW);
  printf("cow fork at 32 MiB: %ld ticks (minimum of %d rounds)\n", measure(time_fork), ROUNDS);
}

int main(int argc, char *argv[]) {
  if (argc > 1 && strcmp(argv[1], "-x") == 0)
    exit(0);
  if (argc > 1 && strcmp(argv[1], "-c") == 0) {
    cow_fork_32();
    exit(0);
  }
  uint64 fork_t[NSIZES][NMODES], exec_t[NSIZES][NMODES], spawn_t[NSIZES], write_t[NMODES] = {0};
  uint64 exit_t[2] = {0}; // cow fork+exit+wait at 0 and WRITE_MIB MiB
  char *base = sbrk(0);
  for (int i = 0; i < NSIZES; i++) {
    uint64 bytes = (uint64)sizes_mib[i] * MIB;
    char *top = sbrk(0);
    if (base + bytes > top && sbrk(base + bytes - top) == (char *)-1) {
      printf("forkbench: cannot grow to %d MiB\n", sizes_mib[i]);
      exit(1);
    }
    for (uint64 off = 0; off < bytes; off += PGSIZE)
      base[off] = 1; // touch: the pages are resident (and, after a fork, writable again)
    for (int mode = 0; mode < NMODES; mode++) {
      if (forkmode(mode) < 0) {
        printf("forkbench: forkmode failed\n");
        exit(1);
      }
      fork_t[i][mode] = measure(time_fork);
      exec_t[i][mode] = measure(time_fork_exec);
      if (sizes_mib[i] == WRITE_MIB && mode != FORK_EAGER)
        write_t[mode] = measure(time_fork_write);
      if ((sizes_mib[i] == 0 || sizes_mib[i] == WRITE_MIB) && mode == FORK_COW)
        exit_t[sizes_mib[i] != 0] = measure(time_fork_exit);
    }
    spawn_t[i] = measure(time_spawn);
  }
  forkmode(FORK_COW);
  printf("forkbench: minimum of %d rounds, in ticks of the 10 MHz timebase\n", ROUNDS);
  column("MiB", 5);
  column("fork eager", 13);
  column("fork cow", 13);
  column("fork spt", 13);
  column("f+e+w eager", 13);
  column("f+e+w cow", 13);
  column("f+e+w spt", 13);
  column("spawn+w", 13);
  printf("\n");
  for (int i = 0; i < NSIZES; i++) {
    column_num(sizes_mib[i], 5);
    for (int mode = 0; mode < NMODES; mode++)
      print_ticks(fork_t[i][mode]);
    for (int mode = 0; mode < NMODES; mode++)
      print_ticks(exec_t[i][mode]);
    print_ticks(spawn_t[i]);
    printf("\n");
  }
  // The figures the COW issues set targets for: per parent page, the fork
  // alone, and the fork with the child's exit (issue 25's target).
  uint64 pages32 = 32 * MIB / PGSIZE;
  print_per_page("cow fork cost per parent page", fork_t[4][1] - fork_t[0][1], pages32);
  printf("cow fork+exit+wait: %ld ticks at 0 MiB, %ld at 32 MiB\n", exit_t[0], exit_t[1]);
  print_per_page("cow fork+exit cost per parent page", exit_t[1] - exit_t[0], pages32);
  if (fork_t[4][0])
    printf("cow/eager fork at 32 MiB: 1/%ld\n", fork_t[4][0] / fork_t[4][1]);
  uint64 smin = ~0UL, smax = 0;
  for (int i = 0; i < NSIZES; i++) {
    smin = spawn_t[i] < smin ? spawn_t[i] : smin;
    smax = spawn_t[i] > smax ? spawn_t[i] : smax;
  }
  print_ratio("spawn+wait, largest/smallest over all sizes", smax, smin);
  printf("spawn+wait vs cow fork+exec+wait from an empty parent: %ld vs %ld ticks\n", spawn_t[0],
         exec_t[0][1]);
  // The figures the shared-page-table issue sets targets for.
  int last = NSIZES - 1;
  print_ratio("sharedpt fork, 32 MiB vs 0 MiB parent", fork_t[4][2], fork_t[0][2]);
  print_ratio("sharedpt fork, 256 MiB vs 0 MiB parent", fork_t[last][2], fork_t[0][2]);
  print_ratio("sharedpt fork+exec+wait, 256 MiB vs 0 MiB parent", exec_t[last][2], exec_t[0][2]);
  printf("fork+write all of 32 MiB: cow %ld, sharedpt %ld ticks\n", write_t[1], write_t[2]);
  print_ratio("fork+write all of 32 MiB, sharedpt vs cow", write_t[2], write_t[1]);
  exit(0);
}
