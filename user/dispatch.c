// dispatch: a job launcher with a big heap starts short workers, by
// fork+exec and by spawn.
//
// A program that holds a lot of memory and starts other programs -- a
// build tool, a test runner, a JVM or a Python service calling
// subprocess -- pays for its own size at every launch if it forks: even
// under copy-on-write, fork copies the page tables of the whole heap and
// marks every writable page read-only, and the child's exec then tears all
// of that down again. spawn never looks at the parent's memory. This is
// why posix_spawn exists (built on vfork, or on Linux's
// clone(CLONE_VM|CLONE_VFORK), which never copy the page tables), and why
// Python's subprocess and Java's ProcessBuilder use it where they can.
//
// For each heap size, a launcher process grows its heap to that size
// (every page touched), then, ROUNDS times, launches K workers back to
// back and reaps them all, once with fork+exec and once with spawn. The
// figure is the total ticks of a round, from the first launch to the last
// reap: the best of ROUNDS. The worker (`dispatch -w`) adds up a few
// numbers and exits. For heaps of CHECK_MIB and more, spawn must win.
//
// Run under -icount (`make bench`) the ticks count instructions and repeat
// closely from run to run; in `make test` they are wall-clock ticks, which
// is why the test uses a heap big enough to make the difference large.
//
//   dispatch                  K=16 workers from a 128 MiB heap
//   dispatch K MiB [MiB...]   K workers from each heap size
//
// Invariant: each launcher is a child of main, and free frames after it
// is reaped equal free frames before.
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "user/user.h"

#define ROUNDS 3
#define MIB (1024 * 1024)
#define MAXSIZES 8
#define MAXK 48 // workers alive at once: well under NPROC
// Heaps smaller than this are measured but not checked: there the two ways
// cost about the same, and which one wins by a few ticks is not the lesson.
#define CHECK_MIB 16

enum how { FORK_EXEC, SPAWN, NHOW };

static void fail(const char *why) {
  printf("dispatch: FAILED: %s\n", why);
  exit(1);
}

// The worker: a small job, checked.
static void worker(void) {
  uint64 sum = 0;
  for (int i = 1; i <= 1000; i++)
    sum += i;
  exit(sum == 500500 ? 0 : 1);
}

static char *worker_argv[] = {"dispatch", "-w", 0};

static int launch(enum how how) {
  if (how == SPAWN)
    return spawn("dispatch", worker_argv, 0);
  int pid = fork();
  if (pid == 0) {
    exec("dispatch", worker_argv);
    exit(1);
  }
  return pid;
}

// One round: launch k workers, then reap them all. Returns the ticks.
static uint64 round(enum how how, int k) {
  uint64 t0 = rdtime();
  for (int i = 0; i < k; i++)
    if (launch(how) < 0)
      fail("launch");
  for (int i = 0; i < k; i++) {
    int st;
    if (wait(&st) < 0 || st != 0)
      fail("a worker failed");
  }
  return rdtime() - t0;
}

// The launcher: grow the heap to mib MiB, then time the best of ROUNDS
// rounds each way. Runs in a child of main; sends its figures back.
static void launcher(int k, int mib, int out) {
  uint64 bytes = (uint64)mib * MIB;
  char *heap = sbrk(bytes);
  if (heap == (char *)-1)
    fail("sbrk");
  for (uint64 off = 0; off < bytes; off += PGSIZE)
    heap[off] = 1; // resident, as a real heap would be
  // The rounds alternate, so that a slow moment of the host (when the
  // ticks are wall-clock time) does not fall on one way only.
  uint64 best[NHOW] = {~0UL, ~0UL};
  for (int r = 0; r < ROUNDS; r++) {
    for (int how = 0; how < NHOW; how++) {
      uint64 t = round(how, k);
      best[how] = t < best[how] ? t : best[how];
    }
  }
  write(out, best, sizeof(best));
  exit(0);
}

// Run a launcher for one heap size; *frames_ok says whether every frame
// came back.
static void measure(int k, int mib, uint64 best[NHOW], int *frames_ok) {
  struct memstat m0, m1;
  memstat(&m0);
  int fd[2];
  if (pipe(fd) < 0)
    fail("pipe");
  int pid = fork();
  if (pid < 0)
    fail("fork");
  if (pid == 0) {
    close(fd[0]);
    launcher(k, mib, fd[1]);
  }
  close(fd[1]);
  int n = read(fd[0], best, NHOW * sizeof(uint64));
  close(fd[0]);
  int st;
  if (wait(&st) < 0 || st != 0 || n != NHOW * sizeof(uint64))
    fail("a launcher failed");
  memstat(&m1);
  *frames_ok &= memstat_avail(&m1) == memstat_avail(&m0);
}


int main(int argc, char *argv[]) {
  if (argc > 1 && strcmp(argv[1], "-w") == 0)
    worker();
  int k = argc > 1 ? atoi(argv[1]) : 16;
  // The shell that started us may still be inside spawn() on another
  // hart, freeing the pages that carried our arguments: let it finish
  // before the first count of free frames.
  sleep(1);
  int sizes[MAXSIZES], nsizes = 0;
  for (int i = 2; i < argc && nsizes < MAXSIZES; i++)
    sizes[nsizes++] = atoi(argv[i]);
  if (nsizes == 0)
    sizes[nsizes++] = 128;
  if (k < 1 || k > MAXK)
    fail("K out of range");

  uint64 best[MAXSIZES][NHOW];
  int frames_ok = 1, failed = 0;
  for (int i = 0; i < nsizes; i++)
    measure(k, sizes[i], best[i], &frames_ok);
  printf("dispatch: K=%d workers launched back to back, then reaped; ticks per round\n", k);
  printf("(best of %d rounds)\n", ROUNDS);
  printf("  MiB    fork+exec        spawn   fork+exec/spawn\n");
  for (int i = 0; i < nsizes; i++) {
    uint64 f = best[i][FORK_EXEC], s = best[i][SPAWN];
    column_num(sizes[i], 5);
    column_num(f, 13);
    column_num(s, 13);
    column_num(f / s, 16);
    printf(".%ld%ldx\n", f * 10 / s % 10, f * 100 / s % 10);
  }
  for (int i = 0; i < nsizes; i++) {
    if (sizes[i] < CHECK_MIB)
      continue;
    int ok = best[i][SPAWN] < best[i][FORK_EXEC];
    printf("dispatch %d MiB: spawn total below fork+exec total: %s\n", sizes[i],
           ok ? "ok" : "FAILED");
    failed |= !ok;
  }
  printf("dispatch: free frames back to start: %s\n", frames_ok ? "ok" : "FAILED");
  failed |= !frames_ok;
  printf(failed ? "dispatch: FAILED\n" : "dispatch: OK\n");
  exit(failed);
}
