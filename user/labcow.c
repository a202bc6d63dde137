// labcow: a copy-on-write fork test written the way a COW-lab grader
// would write it, against the classic xv6 system calls only (no memstat,
// frameinfo or other calf extras), so it runs unchanged on any xv6 that
// has done the lab.
//
// What it checks, and why each test can only pass with COW done right:
//   simple    two thirds of RAM in use, then fork: an eager fork cannot
//             copy that much, so fork succeeds only if pages are shared.
//             Run twice: the second round fails if the first leaked.
//   three     a parent, child and grandchild all write a quarter of RAM
//             at once; each must see only its own values.
//   file      the kernel writes (read() from a pipe) into a page a child
//             shares with its parent; the parent's copy must not change.
//   forkfork  several processes fork and exit 100 times each, at the same
//             time on all harts: reference counts must stay exact.
//
// Each test runs in a child of its own, so a test that gets killed (for
// instance by running out of memory in a page fault) is reported as a
// failure instead of taking the whole program down.
//
// usage: labcow [name]   (no name: run them all)
#include "kernel/types.h"
#include "kernel/memlayout.h"
#include "user/user.h"

enum { PAGE = 4096 };

static char *testname;

// Report why the current test failed and end the process that found out.
static void fail(const char *why) {
  printf("labcow %s: %s\n", testname, why);
  exit(1);
}

static void check(int ok, const char *why) {
  if (!ok)
    fail(why);
}

static char *grow(int n) {
  char *p = sbrk(n);
  check(p != (char *)-1, "sbrk failed: not enough memory");
  return p;
}

// Stamp every page of [p, p+n) with tag (and its page number, so a page
// mapped at the wrong address shows up too), at both ends of the page:
// one write per page is enough to take a COW fault, the second word
// catches a copy that stopped short.
static void stamp(char *p, int n, int tag) {
  for (int off = 0; off < n; off += PAGE) {
    int *first = (int *)(p + off);
    int *last = (int *)(p + off + PAGE - sizeof(int));
    *first = tag;
    *last = tag ^ (off / PAGE);
  }
}

static int stamped(char *p, int n, int tag) {
  for (int off = 0; off < n; off += PAGE) {
    int *first = (int *)(p + off);
    int *last = (int *)(p + off + PAGE - sizeof(int));
    if (*first != tag || *last != (tag ^ (off / PAGE)))
      return 0;
  }
  return 1;
}

// Wait for a child; return its exit status, or -1 if there was none.
static int reap(void) {
  int st;
  if (wait(&st) < 0)
    return -1;
  return st;
}

static void simple(void) {
  int n = (PHYSTOP - KERNBASE) / 3 * 2 / PAGE * PAGE;
  for (int round = 0; round < 2; round++) {
    char *p = grow(n);
    stamp(p, n, 0x5eed + round);
    int pid = fork();
    check(pid >= 0, "fork with 2/3 of memory in use failed");
    if (pid == 0)
      exit(0);
    check(reap() == 0, "child failed");
    check(stamped(p, n, 0x5eed + round), "parent's pages changed across fork");
    check(sbrk(-n) != (char *)-1, "sbrk(-n) failed");
  }
}

// Write every page with our pid, then make sure every page still says so.
static void own_all(char *p, int n) {
  stamp(p, n, getpid());
  check(stamped(p, n, getpid()), "saw another process's writes");
}

static void three(void) {
  int n = (PHYSTOP - KERNBASE) / 4 / PAGE * PAGE;
  for (int round = 0; round < 3; round++) {
    char *p = grow(n);
    stamp(p, n, -1);
    int pid = fork();
    check(pid >= 0, "fork failed");
    if (pid == 0) {
      int pid2 = fork();
      check(pid2 >= 0, "fork in the child failed");
      if (pid2 == 0) {
        own_all(p, n);
        exit(0);
      }
      own_all(p, n);
      check(reap() == 0, "grandchild failed");
      exit(0);
    }
    own_all(p, n);
    check(reap() == 0, "child failed");
    check(stamped(p, n, getpid()), "parent's pages changed after the children exited");
    check(sbrk(-n) != (char *)-1, "sbrk(-n) failed");
  }
}

// Three pages, so a read() into the middle can straddle a page boundary.
static char buf[3 * PAGE];

static void file(void) {
  enum { NCHILD = 4, LEN = 100 };
  char *dst = buf + PAGE - LEN / 2; // the last 50 bytes of one page, the first 50 of the next
  memset(buf, 'P', sizeof(buf));
  for (int i = 0; i < NCHILD; i++) {
    int fds[2];
    check(pipe(fds) == 0, "pipe failed");
    int pid = fork();
    check(pid >= 0, "fork failed");
    if (pid == 0) {
      // No user write to buf before the read(): the page must still be
      // shared when the kernel's copyout writes into it.
      close(fds[1]);
      check(read(fds[0], dst, LEN) == LEN, "child's read() came up short");
      for (int j = 0; j < LEN; j++)
        check(dst[j] == '0' + i, "child read the wrong bytes");
      exit(0);
    }
    char msg[LEN];
    memset(msg, '0' + i, LEN);
    close(fds[0]);
    check(write(fds[1], msg, LEN) == LEN, "parent's write() came up short");
    close(fds[1]);
    check(reap() == 0, "child failed");
  }
  for (int j = 0; j < sizeof(buf); j++)
    check(buf[j] == 'P', "a child's read() changed the parent's buffer");

  // The other direction: the parent read()s into the shared page while
  // the child still maps it; the child must keep seeing the old bytes.
  int fds[2], go[2];
  check(pipe(fds) == 0 && pipe(go) == 0, "pipe failed");
  int pid = fork();
  check(pid >= 0, "fork failed");
  if (pid == 0) {
    char c;
    close(go[1]);
    check(read(go[0], &c, 1) == 1, "child's read() of the go byte failed");
    for (int j = 0; j < sizeof(buf); j++)
      check(buf[j] == 'P', "the parent's read() changed the child's buffer");
    exit(0);
  }
  close(go[0]);
  check(write(fds[1], "parent", 6) == 6 && read(fds[0], dst, 6) == 6, "parent's pipe round trip failed");
  check(memcmp(dst, "parent", 6) == 0, "parent read the wrong bytes");
  check(write(go[1], "g", 1) == 1, "write of the go byte failed");
  check(reap() == 0, "child failed");
  close(fds[0]);
  close(fds[1]);
  close(go[1]);
}

static void forkfork(void) {
  enum { NWORKER = 4, NFORK = 100 };
  char *p = grow(4 * PAGE);
  stamp(p, 4 * PAGE, 7);
  for (int w = 0; w < NWORKER; w++) {
    int pid = fork();
    check(pid >= 0, "fork of a worker failed");
    if (pid > 0)
      continue;
    for (int i = 0; i < NFORK; i++) {
      int c = fork();
      check(c >= 0, "a worker's fork failed");
      if (c == 0) {
        p[(i % 4) * PAGE + 8] = i; // a COW fault in the child, half the time
        exit(0);
      }
      p[((i + w) % 4) * PAGE + 16] = i; // and one in the worker
      int st;
      check(wait(&st) == c && st == 0, "a worker's child failed");
    }
    exit(0);
  }
  for (int w = 0; w < NWORKER; w++)
    check(reap() == 0, "a worker failed");
  check(stamped(p, 4 * PAGE, 7), "the workers' writes reached the parent's pages");
  check(sbrk(-4 * PAGE) != (char *)-1, "sbrk(-n) failed");
}

static struct {
  char *name;
  void (*run)(void);
} tests[] = {
    {"simple", simple},
    {"three", three},
    {"file", file},
    {"forkfork", forkfork},
};

int main(int argc, char *argv[]) {
  int failed = 0, ran = 0;
  for (int i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
    if (argc > 1 && strcmp(argv[1], tests[i].name) != 0)
      continue;
    testname = tests[i].name;
    ran++;
    int pid = fork();
    if (pid < 0) {
      printf("labcow %s: FAILED: fork\n", testname);
      failed++;
      continue;
    }
    if (pid == 0) {
      tests[i].run();
      exit(0);
    }
    int st = reap();
    if (st == 0) {
      printf("labcow %s: ok\n", testname);
    } else {
      printf("labcow %s: FAILED (exit status %d)\n", testname, st);
      failed++;
    }
  }
  if (ran == 0) {
    printf("labcow: no test named %s\n", argv[1]);
    exit(1);
  }
  if (failed) {
    printf("SOME LABCOW TESTS FAILED\n");
    exit(1);
  }
  printf("ALL LABCOW TESTS PASSED\n");
  exit(0);
}
