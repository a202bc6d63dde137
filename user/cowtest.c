// cowtest: copy-on-write fork, lazy memory and their failure modes.
//
// Each test runs in its own child, and the harness checks that the number
// of free frames after the test (and after every process it made has been
// reaped) equals the number before: a COW bug usually shows up as a lost
// or double-freed frame long before it shows up as wrong data.
//
// usage: cowtest [name]   (no name: run them all)
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/stat.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/testlib.h"

// Wait for one child and return its exit status.
static int reap(void) {
  int st = -7;
  check(wait(&st) > 0, "wait");
  return st;
}

// Grow the heap by n bytes (eagerly) and return the start.
static char *grow(uint64 n) {
  char *p = sbrk(n);
  check(p != (char *)-1, "sbrk");
  return p;
}

static void fill(char *p, uint64 n, int seed) {
  for (uint64 i = 0; i < n; i += PGSIZE)
    *(int *)(p + i) = seed + i / PGSIZE;
}

static int verify(char *p, uint64 n, int seed) {
  for (uint64 i = 0; i < n; i += PGSIZE)
    if (*(int *)(p + i) != seed + i / PGSIZE)
      return 0;
  return 1;
}

// fork with 2/3 of free memory in use. Only COW can fork here at all.
// The child writes a quarter of the pages (copies fit in the free third),
// then the parent, sole owner again, writes everything in place. Run twice
// to show the first run gave all its frames back.
static void simple(void) {
  for (int round = 0; round < 2; round++) {
    uint64 n = free_frames() / 3 * 2 * PGSIZE;
    char *p = grow(n);
    fill(p, n, 1);
    int pid = fork();
    check(pid >= 0, "fork with 2/3 of memory in use failed under COW");
    if (pid == 0) {
      uint64 q = n / PGSIZE / 4 * PGSIZE;
      fill(p, q, 100);
      check(verify(p, q, 100), "child lost its writes");
      check(verify(p + q, n - q, 1 + q / PGSIZE), "child lost the parent's data");
      exit(0);
    }
    check(reap() == 0, "child failed");
    check(verify(p, n, 1), "parent's memory changed by the child");
    struct memstat m0 = mem_stats();
    fill(p, n, 7); // sole owner again: every write is a reuse, no copy
    struct memstat m1 = mem_stats();
    check(verify(p, n, 7), "parent lost its writes");
    check(m1.cow_copies == m0.cow_copies, "sole owner's writes copied frames");
    sbrk(-n);
  }
}

// The same fork under eager copying must fail cleanly: -1, nothing leaked.
static void simple_eager(void) {
  uint64 n = free_frames() / 3 * 2 * PGSIZE;
  char *p = grow(n);
  fill(p, n, 1);
  int old = forkmode(FORK_EAGER);
  check(old >= 0 && forkmode(FORK_EAGER) == FORK_EAGER, "forkmode did not return the previous mode");
  int pid = fork();
  if (pid == 0)
    exit(0); // cannot happen: there is not enough memory to copy
  forkmode(old); // back to the strategy the suite runs under (fork=...)
  check(pid == -1, "eager fork of 2/3 of memory should fail");
  check(verify(p, n, 1), "parent's memory damaged by the failed fork");
  sbrk(-n);
}

// Three processes share a quarter of memory and all write it; the middle
// one exits before its child (the grandchild) writes.
static void three(void) {
  uint64 n = free_frames() / 4 * PGSIZE;
  char *p = grow(n);
  fill(p, n, 1);
  int pipefd[2];
  check(pipe(pipefd) == 0, "pipe");
  int pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    int pid2 = fork();
    check(pid2 >= 0, "fork 2");
    if (pid2 == 0) {
      char c;
      close(pipefd[1]);
      read(pipefd[0], &c, 1); // wait until our parent has exited
      fill(p, n, 300);
      check(verify(p, n, 300), "grandchild lost its writes");
      exit(0);
    }
    fill(p, n, 200);
    check(verify(p, n, 200), "child lost its writes");
    exit(0); // the grandchild becomes init's
  }
  check(reap() == 0, "child failed");
  close(pipefd[0]);
  write(pipefd[1], "x", 1);
  close(pipefd[1]);
  fill(p, n, 100);
  check(verify(p, n, 100), "parent lost its writes");
  // Wait for the orphaned grandchild to finish: its frames come back to the
  // free list when init reaps it.
  for (int i = 0; i < 200 && mem_stats().shared_frames > 0; i++)
    pause(1);
  sleep(5);
  sbrk(-n);
}

// A fork chain ten deep; each level writes its own value and must see only it.
static void chain(void) {
  char *p = grow(4 * PGSIZE);
  fill(p, 4 * PGSIZE, 0);
  for (int depth = 1; depth <= 10; depth++) {
    int pid = fork();
    check(pid >= 0, "fork");
    if (pid > 0) {
      int st = reap();
      check(verify(p, 4 * PGSIZE, (depth - 1) * 10), "a descendant's write leaked up");
      exit(st);
    }
    fill(p, 4 * PGSIZE, depth * 10);
  }
  check(verify(p, 4 * PGSIZE, 100), "deepest child lost its writes");
  exit(0);
}

// Sharing, seen through frameinfo: same frame and count 2 after fork;
// different frames after the child writes; the last owner writes in place.
static void frames(void) {
  char *p = grow(PGSIZE);
  p[0] = 'p';
  struct frameinfo before, after;
  check(frameinfo(p, &before) == 0 && before.refs == 1, "private page should have count 1");
  int pipefd[2], back[2];
  check(pipe(pipefd) == 0 && pipe(back) == 0, "pipe");
  int pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    struct frameinfo fi;
    char c;
    check(frameinfo(p, &fi) == 0 && fi.pa == before.pa && fi.refs == 2,
          "child should share the parent's frame, count 2");
    write(back[1], "s", 1);
    read(pipefd[0], &c, 1);
    p[0] = 'c'; // COW copy
    check(frameinfo(p, &fi) == 0 && fi.pa != before.pa && fi.refs == 1,
          "after a write the child should have its own frame");
    exit(0);
  }
  // Close our copies of the child's ends: if the child dies, read() then
  // sees end-of-file and the test fails at once instead of hanging.
  close(back[1]);
  close(pipefd[0]);
  char c;
  read(back[0], &c, 1);
  check(frameinfo(p, &after) == 0 && after.pa == before.pa && after.refs == 2,
        "parent should see count 2 while shared");
  write(pipefd[1], "go", 1);
  check(reap() == 0, "child failed");
  check(frameinfo(p, &after) == 0 && after.refs == 1, "count should be back to 1");
  struct memstat m0 = mem_stats();
  p[0] = 'q'; // still COW-marked, but sole owner: reuse in place
  struct memstat m1 = mem_stats();
  check(m1.cow_reuses == m0.cow_reuses + 1, "sole owner's write should be a COW reuse");
  check(m1.cow_copies == m0.cow_copies, "sole owner's write must not copy");
  check(frameinfo(p, &after) == 0 && after.pa == before.pa, "reuse must keep the frame");
  check(frameinfo((void *)0xffffffffff00UL, &after) == -1, "frameinfo of an unmapped va");
  check(frameinfo(p, (struct frameinfo *)0xffffffffff00UL) == -1, "frameinfo bad pointer");
  close(pipefd[1]);
  close(back[0]);
  sbrk(-PGSIZE);
}

// Kernel writes into a page that is shared copy-on-write must break the
// sharing first, exactly as a user write does.
static void copyout(void) {
  char *buf = grow(PGSIZE);
  int pipefd[2], sync[2];
  check(pipe(pipefd) == 0 && pipe(sync) == 0, "pipe");

  // 1. The parent read()s from a pipe into a page the child still shares.
  buf[0] = 'a';
  int pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    char c;
    read(sync[0], &c, 1);
    exit(buf[0] == 'a' ? 0 : 1);
  }
  write(pipefd[1], "b", 1);
  check(read(pipefd[0], buf, 1) == 1 && buf[0] == 'b', "pipe read");
  write(sync[1], "x", 1);
  check(reap() == 0, "pipe read() wrote into the child's shared copy");

  // 2. The child reads from a pipe into the shared page (the lab's test).
  buf[0] = 'a';
  pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    check(read(pipefd[0], buf, 1) == 1 && buf[0] == 'z', "child pipe read");
    exit(0);
  }
  write(pipefd[1], "z", 1);
  check(reap() == 0, "child failed");
  check(buf[0] == 'a', "child's pipe read() changed the parent's page");

  // 3. read() from a file, fstat() and wait()'s status into shared pages.
  int fd = open("cowtest.tmp", O_CREATE | O_RDWR);
  check(fd >= 0 && write(fd, "file", 4) == 4, "create file");
  close(fd);
  memset(buf, 'a', 64);
  pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    char c;
    read(sync[0], &c, 1);
    for (int i = 0; i < 64; i++)
      if (buf[i] != 'a')
        exit(1);
    exit(0);
  }
  fd = open("cowtest.tmp", O_RDONLY);
  check(read(fd, buf, 4) == 4 && buf[0] == 'f', "file read");
  check(fstat(fd, (struct stat *)(buf + 8)) == 0, "fstat");
  close(fd);
  int pid2 = fork();
  check(pid2 >= 0, "fork");
  if (pid2 == 0)
    exit(42);
  int st;
  check(wait((int *)(buf + 48)) == pid2 && *(int *)(buf + 48) == 42, "wait status");
  write(sync[1], "x", 1);
  check(wait(&st) == pid && st == 0, "file read/fstat/wait wrote into the child's copy");
  unlink("cowtest.tmp");
  close(pipefd[0]);
  close(pipefd[1]);
  close(sync[0]);
  close(sync[1]);
  sbrk(-PGSIZE);
}

// Many processes forking and exiting at once on all harts.
static void forkfork(void) {
  char *p = grow(8 * PGSIZE);
  fill(p, 8 * PGSIZE, 5);
  for (int k = 0; k < 4; k++) {
    int pid = fork();
    check(pid >= 0, "fork");
    if (pid == 0) {
      for (int i = 0; i < 100; i++) {
        int c = fork();
        if (c < 0)
          exit(1);
        if (c == 0) {
          p[(i % 8) * PGSIZE] = i;
          exit(0);
        }
        p[((i + 4) % 8) * PGSIZE] = i;
        int st;
        if (wait(&st) < 0 || st != 0)
          exit(1);
      }
      exit(0);
    }
  }
  for (int k = 0; k < 4; k++)
    check(reap() == 0, "a forking child failed");
  check(verify(p, 8 * PGSIZE, 5), "parent's pages changed");
  sbrk(-8 * PGSIZE);
}

// exec in a child gives back every frame the child shared or owned.
static void execfree(void) {
  char *p = grow(16 * PGSIZE);
  fill(p, 16 * PGSIZE, 3);
  int pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    char *argv[] = {"echo", "exec-ok", 0};
    exec("echo", argv);
    exit(1);
  }
  check(reap() == 0, "exec'd child failed");
  check(verify(p, 16 * PGSIZE, 3), "parent's pages changed");
  sbrk(-16 * PGSIZE);
}

// A child shrinks memory it shares with its parent: only references drop.
static void shrink(void) {
  char *p = grow(8 * PGSIZE);
  fill(p, 8 * PGSIZE, 9);
  int pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    sbrk(-8 * PGSIZE);
    exit(0);
  }
  check(reap() == 0, "child failed");
  struct frameinfo fi;
  check(frameinfo(p, &fi) == 0 && fi.refs == 1, "shrink did not drop the child's references");
  check(verify(p, 8 * PGSIZE, 9), "parent's pages changed");
  sbrk(-8 * PGSIZE);
}

// Run f in a child and return its exit status.
static int in_child(void (*f)(void)) {
  int pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    f();
    exit(0);
  }
  return reap();
}

int main(int argc, char *argv[]);

static void write_text(void) { *(volatile char *)(uint64)main = 1; }

static void write_guard(void) {
  // The stack is one page; the guard page is just below it.
  char here;
  volatile char *guard = (char *)(PGROUNDDOWN((uint64)&here) - PGSIZE);
  *guard = 1;
}

static void touch_beyond_heap(void) {
  char *top = sbrklazy(0);
  *(volatile char *)(top + 10 * PGSIZE) = 1;
}

static void kills(void) {
  check(in_child(write_text) == -1, "a write to text should kill the process");
  check(in_child(write_guard) == -1, "a write to the stack guard page should kill");
  check(in_child(touch_beyond_heap) == -1, "a touch beyond the heap should kill");
}

// Out of memory inside a COW fault kills just the faulting process.
static void oom(void) {
  uint64 n = free_frames() / 3 * 2 * PGSIZE;
  char *p = grow(n);
  fill(p, n, 4);
  int pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    fill(p, n, 8); // runs out of frames part way: the kernel kills us
    exit(0);
  }
  check(reap() == -1, "the child should have been killed by running out of memory");
  check(verify(p, n, 4), "parent's memory changed");
  sbrk(-n);
}

// sbrklazy of more than physical memory; only touched pages cost frames.
static void lazy(void) {
  struct memstat m0 = mem_stats();
  uint64 big = m0.total_frames * PGSIZE * 2;
  char *p = sbrklazy(big);
  check(p != (char *)-1, "sbrklazy of twice physical memory");
  struct memstat m1 = mem_stats();
  check(memstat_avail(&m0) - memstat_avail(&m1) < big / PGSIZE / 256, "sbrklazy allocated frames");
  for (uint64 off = 0; off < big; off += big / 16)
    p[off] = 1;
  struct memstat m2 = mem_stats();
  check(m2.lazy_faults == m1.lazy_faults + 16, "each sparse touch is one lazy fault");
  for (uint64 off = 0; off < big; off += big / 16)
    check(p[off] == 1, "lazy page lost its value");
  check(p[PGSIZE * 3] == 0, "untouched lazy page reads zero");
  // The kernel writing into a lazy page (read() into it) must fault it in.
  int fd = open("cowtest", O_RDONLY);
  check(fd >= 0 && read(fd, p + big / 2 + 5 * PGSIZE, 10) == 10, "read() into a lazy page");
  close(fd);
  sbrk(-big);
}

static struct test tests[] = {
    {"simple", simple},   {"simple_eager", simple_eager}, {"three", three},
    {"chain", chain},     {"frames", frames},             {"copyout", copyout},
    {"forkfork", forkfork}, {"execfree", execfree},       {"shrink", shrink},
    {"kills", kills},     {"oom", oom},                   {"lazy", lazy},
};

int main(int argc, char *argv[]) {
  if (argc > 1 && strcmp(argv[1], "mode") == 0) {
    int mode = forkmode(FORK_COW); // read the mode by setting it ...
    forkmode(mode);                // ... and putting it back
    printf("fork mode: %s\n", mode == FORK_EAGER ? "eager" : mode == FORK_SHAREDPT ? "sharedpt" : "cow");
    exit(0);
  }
  test_prog = "cowtest";
  struct test_suite suite = {"COW", tests, NELEM(tests), 1, 0, 0};
  exit(run_tests(&suite, argc, argv));
}
