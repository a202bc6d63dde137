// wakelat: how long a process made runnable waits for an idle hart
// (kernel/riscv/ipi.c, docs/harts.md). Run it on 4 harts under
// `-icount shift=0,sleep=off`: then the time CSR counts instructions, and
// each figure repeats to the tick from one run to the next.
//
// The tests, each run in its own child of wakelat:
//   pipe  a child blocks reading a pipe; the parent writes one byte
//   kill  a process blocks reading a pipe nobody writes; the parent kills it
// In both the parent then keeps its own hart busy for 12 ms, so what it
// woke can run only on a hart that was idle in wfi (or on the parent's,
// once its tick preempts it), and then asks procstat how long the process
// waited for a hart (runwait: from the wakeup to the switch to it). Each
// test wakes at TRIALS points spread over one 10 ms clock tick: without an
// IPI on wakeup, the wait is the time to the next timer tick of any hart
// (up to 9.8 ms); with one, it is the cost of the IPI and of the switch
// (tens of microseconds). A test fails if any trial waited 1 ms (10,000
// ticks of QEMU virt's 10 MHz time CSR) or more.
//
// usage: wakelat [pipe|kill]   (no name: both)
#include "kernel/types.h"
#include "user/user.h"
#include "user/testlib.h"

#define MS 10000  // time-CSR ticks per millisecond
#define TRIALS 8  // wakeup points per test, spread over one clock tick
#define BUSY (12 * MS) // longer than a tick, so the tick bounds the wait

static void spin_until(uint64 t) {
  while (rdtime() < t)
    ;
}

static void pipe2(int fd[2]) {
  check(pipe(fd) == 0, "pipe");
}

// Line the parent up with the clock tick, then with this trial's point
// in it: without an IPI, the wait depends on where the wakeup falls
// between the harts' ticks, so the trials cover a whole tick.
static uint64 line_up(int trial) {
  pause(1);
  uint64 t = rdtime() + (uint64)trial * (10 * MS) / TRIALS;
  spin_until(t);
  return t;
}

// How long pid waited for a hart after it was made runnable: the kernel
// notes the time at the wakeup (make_runnable) and when a hart takes the
// process up, and procstat reports the difference. Read after the fact, so
// the test does not disturb what it measures (looking at the process with
// procstat while it waits holds the p->lock the hart needs to run it).
static uint64 runwait(int pid) {
  struct procstat ps;
  check(procstat(pid, &ps) == 0, "procstat");
  return ps.runwait;
}

// A child asleep in read() on a pipe is woken by a write to it. It also
// notes when its read returned, in user mode, which is printed but not
// judged: under QEMU 7.2's -icount round robin, when the child's hart next
// gets a turn is QEMU's choice, not the kernel's (docs/harts.md).
static uint64 pipe_trial(int trial, uint64 *read_returned) {
  int go[2], back[2];
  pipe2(go);
  pipe2(back);
  int pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    char c;
    read(go[0], &c, 1);
    uint64 ran = rdtime();
    write(back[1], &ran, sizeof(ran));
    exit(0);
  }
  pause(2); // the child is asleep in read, and the other harts idle
  uint64 woke = line_up(trial);
  write(go[1], "x", 1);
  spin_until(woke + BUSY); // keep this hart: the child needs another one
  uint64 ran = 0;
  EXPECT(read(back[0], &ran, sizeof(ran)), sizeof(ran));
  uint64 waited = runwait(pid);
  EXPECT(wait(0), pid);
  *read_returned = ran - woke;
  close(go[0]);
  close(go[1]);
  close(back[0]);
  close(back[1]);
  return waited;
}

// A victim asleep in read() on a pipe nobody writes is killed. (If no hart
// took it up during BUSY, runwait says how long it has waited so far.) A
// killed process never returns to user mode: *read_returned stays 0.
static uint64 kill_trial(int trial, uint64 *read_returned) {
  int block[2];
  pipe2(block);
  int victim = fork();
  check(victim >= 0, "fork");
  if (victim == 0) {
    char c;
    read(block[0], &c, 1); // never returns: killed here
    exit(1);
  }
  pause(2); // the victim is asleep in read, and the other harts idle
  uint64 killed = line_up(trial);
  EXPECT(kill(victim), 0);
  spin_until(killed + BUSY); // keep this hart: the victim needs another one
  uint64 waited = runwait(victim);
  int st = 0;
  EXPECT(wait(&st), victim);
  EXPECT(st, -1); // killed processes exit(-1)
  close(block[0]);
  close(block[1]);
  return waited;
}

// trial(i, &r) wakes a process at point i and returns how long it waited
// for a hart; a trial whose process reports back in user mode also sets r.
static void trials(char *what, uint64 (*trial)(int, uint64 *)) {
  uint64 worst = 0;
  for (int i = 0; i < TRIALS; i++) {
    uint64 read_returned = 0;
    uint64 t = trial(i, &read_returned);
    printf("wakelat %s: wakeup at %d/%d of a tick: ran after %ld ticks (%ld us)", what, i,
           TRIALS, t, t / 10);
    if (read_returned)
      printf("; read returned after %ld us", read_returned / 10);
    printf("\n");
    if (t > worst)
      worst = t;
  }
  printf("wakelat %s: longest wait %ld us\n", what, worst / 10);
  check(worst < MS, "a woken process waited 1 ms or more for an idle hart");
}

static void test_pipe(void) { trials("pipe", pipe_trial); }
static void test_kill(void) { trials("kill", kill_trial); }

static struct test tests[] = {
    {"pipe", test_pipe},
    {"kill", test_kill},
};

int main(int argc, char *argv[]) {
  test_prog = "wakelat";
  struct test_suite s = {"WAKELAT", tests, NELEM(tests), 0, 0, 0};
  exit(run_tests(&s, argc, argv));
}
