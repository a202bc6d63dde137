// spawntest: spawn() starts programs without copying the parent.
//
// Each test checks its exact outcome and that the free-frame count comes
// back to where it was. spawntest also serves as its own child program:
// `spawntest -c MODE ...` is what the tests spawn.
//
// usage: spawntest [name]
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/testlib.h"

// Wait for pid; return its exit status.
static int reap(int pid) {
  int st = -7;
  check(wait(&st) == pid, "wait returned another pid");
  return st;
}

// ---- the child side: spawntest -c MODE ARGS ----

static int child(int argc, char *argv[]) {
  char *mode = argv[2];
  if (strcmp(mode, "exit") == 0)
    return atoi(argv[3]);
  if (strcmp(mode, "args") == 0) {
    // spawntest -c args N LEN, then N-4 args of LEN 'a's
    int n = atoi(argv[3]), len = atoi(argv[4]);
    if (argc != n)
      return 1;
    for (int i = 5; i < argc; i++) {
      if (strlen(argv[i]) != len)
        return 2;
      for (int j = 0; j < len; j++)
        if (argv[i][j] != 'a' + (i % 26))
          return 3;
    }
    return 0;
  }
  if (strcmp(mode, "stdin-closed") == 0) {
    char c;
    return read(0, &c, 1) == -1 ? 0 : 1;
  }
  if (strcmp(mode, "say") == 0) { // say WORD on fd 1 and WORD2 on fd 2
    write(1, argv[3], strlen(argv[3]));
    write(2, argv[4], strlen(argv[4]));
    return 0;
  }
  if (strcmp(mode, "block") == 0) { // wait until stdin closes
    char c;
    while (read(0, &c, 1) > 0)
      ;
    return 0;
  }
  return 99;
}

// ---- the tests ----

// Arguments arrive intact, up to MAXARG-1 of them and up to what fits on
// the one-page stack; one more, or one too long, is refused with -1.
static void args(void) {
  static char bufs[MAXARG][200];
  char *argv[MAXARG + 1];
  char nbuf[8], lbuf[8];
  for (int n = 5; n <= MAXARG; n++) {
    int len = n == MAXARG ? 10 : 100;
    argv[0] = "spawntest";
    argv[1] = "-c";
    argv[2] = "args";
    argv[3] = nbuf;
    argv[4] = lbuf;
    // itoa, by hand
    nbuf[0] = '0' + n / 10;
    nbuf[1] = '0' + n % 10;
    nbuf[2] = 0;
    lbuf[0] = '0' + len / 100;
    lbuf[1] = '0' + len / 10 % 10;
    lbuf[2] = '0' + len % 10;
    lbuf[3] = 0;
    for (int i = 5; i < n; i++) {
      memset(bufs[i], 'a' + (i % 26), len);
      bufs[i][len] = 0;
      argv[i] = bufs[i];
    }
    argv[n] = 0;
    int pid = spawn("spawntest", argv, 0);
    if (n == MAXARG) {
      check(pid == -1, "MAXARG arguments (no room for the terminator) should fail");
    } else {
      check(pid > 0, "spawn with arguments failed");
      check(reap(pid) == 0, "child saw wrong arguments");
    }
  }
  // One argument longer than the whole stack page.
  static char huge[3000];
  memset(huge, 'x', sizeof(huge) - 1);
  char *two[] = {"spawntest", huge, huge, 0};
  check(spawn("spawntest", two, 0) == -1, "arguments larger than the stack should fail");
}

// Every error comes back as -1 at once, and leaves nothing behind: no
// child (wait finds none), no frame, no open file (200 rounds would fill
// the 100-entry file table if one leaked per call).
static void errors(void) {
  char *argv[] = {"x", 0};
  int fd = open("trunc", O_CREATE | O_WRONLY);
  check(fd >= 0, "create");
  int src = open("spawntest", O_RDONLY);
  char head[100];
  check(read(src, head, sizeof(head)) == sizeof(head), "read ELF head");
  close(src);
  check(write(fd, head, sizeof(head)) == sizeof(head), "write truncated ELF");
  close(fd);

  struct spawn_actions bad_open, bad_close, bad_dup, bad_op, too_many;
  spawn_actions_init(&bad_open);
  spawn_add_open(&bad_open, 1, "no-such-file", O_RDONLY);
  spawn_actions_init(&bad_close);
  spawn_add_close(&bad_close, 9);
  spawn_actions_init(&bad_dup);
  spawn_add_dup2(&bad_dup, 1, NOFILE);
  spawn_actions_init(&bad_op);
  spawn_add_close(&bad_op, 1);
  bad_op.a[0].op = 77;
  spawn_actions_init(&too_many);
  too_many.n = SPAWN_MAX_ACTIONS + 1;
  struct spawn_actions open_bad_path;
  spawn_actions_init(&open_bad_path);
  spawn_add_open(&open_bad_path, 3, (char *)0xffffffffff00UL, O_RDONLY);

  uint64 before = free_frames();
  for (int round = 0; round < 200; round++) {
    check(spawn("no-such-program", argv, 0) == -1, "missing file");
    check(spawn("/", argv, 0) == -1, "a directory");
    check(spawn("README", argv, 0) == -1, "not an ELF file");
    check(spawn("trunc", argv, 0) == -1, "a truncated ELF file");
    check(spawn((char *)0x1, argv, 0) == -1, "bad path pointer");
    check(spawn((char *)0x80000000UL, argv, 0) == -1, "kernel path pointer");
    check(spawn("spawntest", (char **)0xffffffffff00UL, 0) == -1, "bad argv pointer");
    char *badarg[] = {"x", (char *)0xffffffffff00UL, 0};
    check(spawn("spawntest", badarg, 0) == -1, "bad argument string pointer");
    check(spawn("spawntest", argv, (struct spawn_actions *)0xffffffffff00UL) == -1,
          "bad actions pointer");
    check(spawn("spawntest", argv, &bad_open) == -1, "failing open action");
    check(spawn("spawntest", argv, &bad_close) == -1, "close of a closed fd");
    check(spawn("spawntest", argv, &bad_dup) == -1, "dup2 to a bad fd");
    check(spawn("spawntest", argv, &bad_op) == -1, "unknown action");
    check(spawn("spawntest", argv, &too_many) == -1, "too many actions");
    check(spawn("spawntest", argv, &open_bad_path) == -1, "bad path in an action");
  }
  check(wait(0) == -1, "a failed spawn left a child behind");
  check(free_frames() == before, "a failed spawn leaked frames");
  fd = open("README", O_RDONLY);
  check(fd >= 0, "file table full: a failed spawn leaked open files");
  close(fd);
  unlink("trunc");
}

static void status(void) {
  char *argv[] = {"spawntest", "-c", "exit", "42", 0};
  int pid = spawn("spawntest", argv, 0);
  check(pid > 0, "spawn");
  check(reap(pid) == 42, "exit status did not come back through wait");
}

static int read_file(char *path, char *buf, int max) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  int n = read(fd, buf, max - 1);
  close(fd);
  buf[n < 0 ? 0 : n] = 0;
  return n;
}

static void actions(void) {
  char buf[64];
  // stdout to a file
  struct spawn_actions sa;
  spawn_actions_init(&sa);
  check(spawn_add_open(&sa, 1, "out1", O_CREATE | O_WRONLY | O_TRUNC) == 0, "add open");
  char *echo[] = {"echo", "hello", 0};
  int pid = spawn("echo", echo, &sa);
  check(pid > 0, "spawn with stdout to a file");
  check(reap(pid) == 0, "echo failed");
  check(read_file("out1", buf, sizeof(buf)) == 6 && strcmp(buf, "hello\n") == 0,
        "stdout did not go to the file");

  // closed stdin
  spawn_actions_init(&sa);
  spawn_add_close(&sa, 0);
  char *closed[] = {"spawntest", "-c", "stdin-closed", 0};
  pid = spawn("spawntest", closed, &sa);
  check(pid > 0 && reap(pid) == 0, "the child's stdin was not closed");

  // a dup2 chain: 5 = file; 1 = 5; 2 = 1; close 5
  spawn_actions_init(&sa);
  spawn_add_open(&sa, 5, "out2", O_CREATE | O_WRONLY | O_TRUNC);
  spawn_add_dup2(&sa, 5, 1);
  spawn_add_dup2(&sa, 1, 2);
  spawn_add_close(&sa, 5);
  char *say[] = {"spawntest", "-c", "say", "one", "two", 0};
  pid = spawn("spawntest", say, &sa);
  check(pid > 0 && reap(pid) == 0, "dup2 chain child failed");
  check(read_file("out2", buf, sizeof(buf)) == 6 && strcmp(buf, "onetwo") == 0,
        "fds 1 and 2 should both reach the file");

  // the parent's own descriptors are untouched by the child's actions
  check(write(1, "", 0) == 0, "parent's stdout was closed");
  unlink("out1");
  unlink("out2");
}

// Many spawns at once, from one process per hart and more.
static void many(void) {
  for (int k = 0; k < 4; k++) {
    if (fork() == 0) {
      for (int i = 0; i < 25; i++) {
        char code[4] = {'0' + i / 10, '0' + i % 10, 0};
        char *argv[] = {"spawntest", "-c", "exit", code, 0};
        int pid = spawn("spawntest", argv, 0);
        if (pid < 0 || reap(pid) != i)
          exit(1);
      }
      exit(0);
    }
  }
  for (int k = 0; k < 4; k++) {
    int st;
    check(wait(&st) > 0 && st == 0, "a spawning worker failed");
  }
}

// A 64 MiB parent spawns: no parent frame is copied or shared, and no
// page-table page of the parent is duplicated.
static void bigparent(void) {
  uint64 n = 64 * 1024 * 1024;
  char *p = sbrk(n);
  check(p != (char *)-1, "sbrk 64 MiB");
  for (uint64 off = 0; off < n; off += PGSIZE)
    p[off] = 1;
  struct memstat m0, m1;
  struct procstat p0, p1;
  check(memstat(&m0) == 0 && procstat(getpid(), &p0) == 0, "stats");
  int in[2];
  check(pipe(in) == 0, "pipe");
  struct spawn_actions sa;
  spawn_actions_init(&sa);
  spawn_add_dup2(&sa, in[0], 0);
  spawn_add_close(&sa, in[0]);
  spawn_add_close(&sa, in[1]);
  char *argv[] = {"spawntest", "-c", "block", 0};
  int pid = spawn("spawntest", argv, &sa);
  check(pid > 0, "spawn from a 64 MiB parent");
  // The child is alive (blocked on its stdin) while we look.
  check(memstat(&m1) == 0 && procstat(getpid(), &p1) == 0, "stats");
  // (The few pages this test process shares with spawntest's main process,
  // which forked it, stay as they were.)
  check(p1.shared_pages == p0.shared_pages, "the parent's pages became shared");
  check(p1.rss_pages == p0.rss_pages, "the parent's resident pages changed");
  check(p1.pt_pages == p0.pt_pages, "the parent's page tables changed");
  check(m1.shared_frames == m0.shared_frames, "frames became shared");
  check(memstat_avail(&m0) - memstat_avail(&m1) < 64, "spawn used more frames than a small child needs");
  struct procstat c;
  check(procstat(pid, &c) == 0 && c.rss_pages < 32, "the child is not small");
  close(in[0]);
  close(in[1]);
  check(reap(pid) == 0, "child failed");
  sbrk(-n);
}

static struct test tests[] = {
    {"args", args},   {"errors", errors}, {"status", status},
    {"actions", actions}, {"many", many}, {"bigparent", bigparent},
};

int main(int argc, char *argv[]) {
  if (argc > 2 && strcmp(argv[1], "-c") == 0)
    exit(child(argc, argv));
  test_prog = "spawntest";
  struct test_suite suite = {"SPAWN", tests, NELEM(tests), 0, 0, 0};
  exit(run_tests(&suite, argc, argv));
}
