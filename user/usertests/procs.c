// usertests: the process tests (user/usertests/usertests.h
// says what the program does and how its files divide).
#include "user/usertests/usertests.h"

// ---------------------------------------------------------- process tests

void t_forkexit(void) {
  for (int i = 0; i < 50; i++) {
    int pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
      exit(i);
    EXPECT(reap(pid), i);
  }
  // The whole int arrives, sign and all.
  int statuses[] = {255, 256, -5, 1000000, -2147483647};
  for (int i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
    int pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
      exit(statuses[i]);
    EXPECT(reap(pid), statuses[i]);
  }
}

// Fork until the process table is full: fork must then fail cleanly, and
// every child must still be collected.
void t_forkmany(void) {
  int pids[NPROC];
  int n = 0;
  for (;;) {
    int pid = fork();
    if (pid < 0) {
      EXPECT(pid, -1);
      break;
    }
    if (pid == 0)
      exit(0);
    CHECK(n < NPROC - 1);
    pids[n++] = pid;
  }
  CHECK(n > 0);
  for (int i = 0; i < n; i++) {
    int status = 1;
    int pid = wait(&status);
    EXPECT(status, 0);
    int known = 0;
    for (int j = 0; j < n; j++)
      known |= pids[j] == pid;
    EXPECT(known, 1);
  }
  EXPECT(wait(0), -1);
}

void t_wait(void) {
  EXPECT(wait(0), -1);
  int status = 77;
  EXPECT(wait(&status), -1);
  EXPECT(status, 77); // untouched
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0)
    exit(3);
  EXPECT(reap(pid), 3);
  EXPECT(wait(0), -1);
}

// wait() with a pointer it may not write fails, and the child's status
// is still there for a proper wait.
void t_waitbad(void) {
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0)
    exit(7);
  EXPECT(wait((int *)0xffffffff00UL), -1);
  EXPECT(wait((int *)KERNBASE), -1);
  EXPECT(wait((int *)(uint64)t_waitbad), -1); // text: read-only
  EXPECT(reap(pid), 7);
}

void t_getpid(void) {
  int me = getpid();
  CHECK(me > 0);
  int p[2];
  EXPECT(pipe(p), 0);
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    int x = getpid();
    EXPECT(write(p[1], &x, sizeof(x)), sizeof(x));
    exit(0);
  }
  int child = 0;
  EXPECT(read(p[0], &child, sizeof(child)), sizeof(child));
  EXPECT(child, pid);
  CHECK(child != me);
  EXPECT(getpid(), me);
  EXPECT(reap(pid), 0);
  close(p[0]);
  close(p[1]);
}

static void spin_forever(void) {
  for (;;)
    ;
}

static void sleep_forever(void) {
  pause(1000000000);
}

void t_kill(void) {
  int pid = run_child(spin_forever);
  EXPECT(kill(pid), 0);
  EXPECT(reap(pid), -1);
  EXPECT(kill(pid), -1); // gone
  EXPECT(kill(-1), -1);
  EXPECT(kill(0), -1);
  EXPECT(kill(1 << 30), -1);

  pid = run_child(sleep_forever);
  EXPECT(pause(2), 0);
  EXPECT(kill(pid), 0);
  EXPECT(reap(pid), -1);
}

// A child whose parent exits goes on running, and goes to init, not to
// its grandparent.
void t_orphan(void) {
  int p[2];
  EXPECT(pipe(p), 0);
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    if (fork() == 0) {
      close(p[0]);
      pause(5);
      EXPECT(write(p[1], "x", 1), 1);
      exit(0);
    }
    exit(0);
  }
  EXPECT(close(p[1]), 0);
  EXPECT(reap(pid), 0);
  EXPECT(read(p[0], buf, 1), 1); // the orphan lives on
  EXPECT(buf[0], 'x');
  EXPECT(read(p[0], buf, 1), 0); // and is gone
  EXPECT(wait(0), -1);           // but was never ours to wait for
  EXPECT(close(p[0]), 0);
}

// Three processes each fork ten children at the same time.
void t_forkfork(void) {
  enum { NCHILD = 3, NGRAND = 10 };
  for (int k = 0; k < NCHILD; k++) {
    int pid = fork();
    CHECK(pid >= 0);
    if (pid)
      continue;
    for (int j = 0; j < NGRAND; j++) {
      int g = fork();
      CHECK(g >= 0);
      if (g == 0)
        exit(j);
    }
    int seen = 0;
    for (int j = 0; j < NGRAND; j++) {
      int status;
      CHECK(wait(&status) > 0);
      CHECK(status >= 0 && status < NGRAND);
      seen |= 1 << status;
    }
    EXPECT(seen, (1 << NGRAND) - 1);
    EXPECT(wait(0), -1);
    exit(0);
  }
  reap_all_ok(NCHILD);
}
