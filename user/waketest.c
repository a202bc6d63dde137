// waketest: a wakeup costs what it wakes (kernel/sched/sleep.c,
// docs/sleep.md). The kernel counts, per process, its wakeup() calls and
// the process locks they took; procstat reports both (wake_calls,
// wake_locks), and each test reads them before and after and checks the
// difference exactly.
//
//   nosleepers  SLEEPERS children sleep, each reading its own pipe; the
//               test writes ROUNDS times to a pipe nobody waits on. Each
//               write calls wakeup once, and it must lock no process: xv6's
//               wakeup locked every other slot, 63 per call.
//   onesleeper  the same children; a write to one child's pipe locks
//               exactly that child.
//   sleeplock   fstat of an open file locks and unlocks the inode's sleep
//               lock; with nobody waiting for it, the unlock calls no
//               wakeup at all.
//
// usage: waketest [nosleepers|onesleeper|sleeplock]   (no name: all)
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/stat.h"
#include "user/user.h"
#include "user/testlib.h"

#define SLEEPERS 8
#define ROUNDS 100
#define TRIES 50 // sleeplock: samples to find one no clock tick fell in

struct counts {
  uint64 calls, locks;
};

static struct counts my_counts(void) {
  struct procstat ps;
  check(procstat(getpid(), &ps) == 0, "procstat");
  return (struct counts){ps.wake_calls, ps.wake_locks};
}

static int state_of(int pid) {
  struct procstat ps;
  check(procstat(pid, &ps) == 0, "procstat of a sleeper");
  return ps.state;
}

// SLEEPERS children, child i asleep in read() on pipe fd[i]. Returns once
// every one is SLEEPING, so that they are on a sleep queue when the test
// measures.
static int sleepers_start(int fd[SLEEPERS][2], int pid[SLEEPERS]) {
  for (int i = 0; i < SLEEPERS; i++) {
    check(pipe(fd[i]) == 0, "pipe");
    pid[i] = fork();
    check(pid[i] >= 0, "fork");
    if (pid[i] == 0) {
      char c;
      close(fd[i][1]);
      exit(read(fd[i][0], &c, 1) == 1 ? 0 : 1);
    }
    close(fd[i][0]);
  }
  for (int i = 0; i < SLEEPERS; i++)
    for (int n = 0; state_of(pid[i]) != PS_SLEEPING; n++) {
      check(n < 1000, "a sleeper never fell asleep");
      pause(1);
    }
  return SLEEPERS;
}

// Wake every sleeper with its byte and reap it.
static void sleepers_end(int fd[SLEEPERS][2], int pid[SLEEPERS]) {
  for (int i = 0; i < SLEEPERS; i++) {
    check(write(fd[i][1], "x", 1) == 1, "write to a sleeper");
    close(fd[i][1]);
  }
  for (int i = 0; i < SLEEPERS; i++) {
    int st;
    check(wait(&st) > 0 && st == 0, "a sleeper did not read its byte");
  }
}

static void nosleepers(void) {
  int fd[SLEEPERS][2], pid[SLEEPERS], p[2];
  sleepers_start(fd, pid);
  check(pipe(p) == 0, "pipe");
  struct counts c0 = my_counts();
  for (int r = 0; r < ROUNDS; r++)
    check(write(p[1], "y", 1) == 1, "write"); // nobody reads p: never full at 100 bytes
  struct counts c1 = my_counts();
  EXPECT(c1.locks - c0.locks, 0);
  CHECK(c1.calls - c0.calls >= ROUNDS); // the writes did call wakeup
  close(p[0]);
  close(p[1]);
  sleepers_end(fd, pid);
}

static void onesleeper(void) {
  int fd[SLEEPERS][2], pid[SLEEPERS];
  sleepers_start(fd, pid);
  int i = SLEEPERS / 2;
  struct counts c0 = my_counts();
  check(write(fd[i][1], "x", 1) == 1, "write");
  struct counts c1 = my_counts();
  EXPECT(c1.locks - c0.locks, 1); // child i's lock, and no other
  CHECK(c1.calls - c0.calls >= 1); // more if a clock tick fell in
  int st;
  EXPECT(wait(&st), pid[i]);
  EXPECT(st, 0);
  // The others are still asleep; hand each its byte (i reads no second).
  pid[i] = 0;
  for (int j = 0; j < SLEEPERS; j++)
    if (j != i) {
      check(write(fd[j][1], "x", 1) == 1, "write to a sleeper");
      check(wait(&st) > 0 && st == 0, "a sleeper did not read its byte");
    }
  for (int j = 0; j < SLEEPERS; j++)
    close(fd[j][1]);
}

// A clock tick on this hart calls wakeup(&ticks) in its interrupt, which
// counts for the process it interrupted: a sample counts only if the tick
// count did not move during it.
static void sleeplock(void) {
  int fd = open("README", O_RDONLY);
  check(fd >= 0, "open README");
  struct stat st;
  check(fstat(fd, &st) == 0, "fstat"); // the inode is read in and valid now
  int clean = 0;
  for (int t = 0; t < TRIES && !clean; t++) {
    int t0 = uptime();
    struct counts c0 = my_counts();
    for (int r = 0; r < 10; r++)
      check(fstat(fd, &st) == 0, "fstat");
    struct counts c1 = my_counts();
    if (uptime() != t0)
      continue;
    clean = 1;
    EXPECT(c1.calls - c0.calls, 0);
    EXPECT(c1.locks - c0.locks, 0);
  }
  check(clean, "a clock tick fell in every sample");
  close(fd);
}

static struct test tests[] = {
    {"nosleepers", nosleepers},
    {"onesleeper", onesleeper},
    {"sleeplock", sleeplock},
};

int main(int argc, char *argv[]) {
  test_prog = "waketest";
  struct test_suite suite = {"WAKE", tests, NELEM(tests), 0, 0, 0};
  exit(run_tests(&suite, argc, argv));
}
