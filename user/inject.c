// inject: the fault-injection switch from the shell (docs/inject.md), and
// its tests. Root only, as the system call is.
//
//   inject                 the policy and every site's figures
//   inject set SPEC        a new policy: frame:7,buf:13,disk:r11,cred:5,seed:42
//                          (r: at random; "off": everything off)
//   inject run CMD [ARG..] run CMD with its children in scope; then check
//                          nothing leaked
//   inject test [NAME]     the tests of the switch itself
//
// `inject run` is how the suites run under injection: CMD (a suite's
// runner) stays out of scope, every child it forks (one per test) is in.
// They may fail any way they like (an injected failure is an error return or a killed process),
// but once it and everything it started are gone, the kernel must be as
// before: the same free frames, live creds, open files and cached inodes,
// and memcheck exact. It prints "inject run: OK ..." or "inject run:
// LEAKED ...". (A consistent disk is checked by fsck after the boot.)
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/riscv.h"
#include "kernel/fs.h"
#include "user/user.h"
#include "user/testlib.h"

#define SETTLE_TICKS 1000 // 10 s for the last processes to exit, creds to pass RCU
#define KILL_AFTER 300    // ticks before processes CMD left behind are killed

static struct injectstat stat_now(void) {
  struct injectstat st;
  memset(&st, 0, sizeof(st));
  if (inject(INJECT_STAT, &st) < 0) {
    printf("inject: permission denied (root only)\n");
    exit(1);
  }
  return st;
}

static const char *class_names[INJECT_NCLASS] = {"frame", "buf", "disk", "cred"};

static void show(void) {
  struct injectstat st = stat_now();
  for (int c = 0; c < INJECT_NCLASS; c++) {
    if (st.mode[c] == INJECT_OFF)
      printf("%s: off\n", class_names[c]);
    else
      printf("%s: %s %ld\n", class_names[c],
             st.mode[c] == INJECT_EVERY ? "every" : "random, 1 in", st.n[c]);
  }
  printf("seed %ld\n", st.seed);
  for (int s = 0; s < st.nsites; s++)
    printf("site %s (%s)%s: calls %ld injected %ld\n", st.site[s].name,
           class_names[st.site[s].cls], st.site[s].excluded ? " excluded" : "",
           st.site[s].calls, st.site[s].injected);
}

// ---- inject run ------------------------------------------------------------

static struct procset base_procs; // alive before CMD: the rest are its orphans

// Wait for the orphans to finish (killing them if they do not) and the
// counts to come back; 0 if they do.
static int settle(struct sys_counts base, struct sys_counts *now) {
  if (procset_settle(&base_procs, KILL_AFTER, SETTLE_TICKS) < 0) {
    *now = sys_counts();
    return -1;
  }
  return sys_counts_settle(base, now, 0, SETTLE_TICKS);
}

// The child: put the children it makes in scope, then exec CMD. CMD itself
// stays out: a suite's runner forks a child per test, and if the runner
// were in scope the first fork that failed would end the whole suite.
static void run_child(char **argv) {
  inject(INJECT_CHILDREN, 0);
  exec(argv[0], argv);
  printf("inject run: cannot exec %s\n", argv[0]);
  exit(1);
}

static int run(char **argv) {
  procset_note(&base_procs);
  struct sys_counts base = sys_counts(), now;
  struct injectstat st0 = stat_now();
  int pid = fork();
  if (pid < 0) {
    printf("inject run: fork failed\n");
    return 1;
  }
  if (pid == 0)
    run_child(argv);
  int status = -1;
  while (wait(&status) != pid)
    ;
  int ok = settle(base, &now) == 0;
  int bad = memcheck();
  struct injectstat st1 = stat_now();
  uint64 by[INJECT_NCLASS] = {0}, total = 0;
  for (int s = 0; s < st1.nsites; s++) {
    uint64 d = st1.site[s].injected - st0.site[s].injected;
    by[st1.site[s].cls] += d;
    total += d;
  }
  printf("inject run %s: exit %d, injected %ld (frame %ld buf %ld disk %ld cred %ld)\n", argv[0],
         status, total, by[INJECT_FRAME], by[INJECT_BUF], by[INJECT_DISK], by[INJECT_CRED]);
  if (!ok || bad != 0) {
    printf("inject run: LEAKED after %s: ", argv[0]);
    sys_counts_print(base, now, 0);
    printf(" memcheck %d, processes left %d\n", bad, procset_strays(&base_procs, 0));
    return 1;
  }
  printf("inject run: OK %s: frames, creds, files and inodes back, memcheck 0\n", argv[0]);
  return 0;
}

// ---- inject test -----------------------------------------------------------

static void set(const char *spec) { EXPECT(inject(INJECT_SET, spec), 0); }

static uint64 injected(int site_cls, int excluded) {
  struct injectstat st = stat_now();
  uint64 n = 0;
  for (int s = 0; s < st.nsites; s++)
    if (st.site[s].cls == site_cls && st.site[s].excluded == excluded)
      n += excluded ? st.site[s].calls : st.site[s].injected;
  return n;
}

// Run f in a child in scope; return its exit status. The child first
// writes a stretch of its stack, so that copy-on-write faults there (which
// need frames) happen before it is in scope.
static int in_scope(int (*f)(void)) {
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    volatile char pad[2048];
    for (int i = 0; i < sizeof(pad); i += 64)
      pad[i] = 0;
    EXPECT(inject(INJECT_ENTER, 0), 0);
    exit(f());
  }
  int st = -1;
  EXPECT(wait(&st), pid);
  return st;
}

static void t_nonroot(void) {
  struct injectstat st;
  EXPECT(setuid(5), 0);
  EXPECT(inject(INJECT_STAT, &st), -1);
  EXPECT(inject(INJECT_SET, "frame:1"), -1);
  EXPECT(inject(INJECT_ENTER, 0), -1);
}

static void t_parse(void) {
  const char *bad[] = {"frame", "frame:", "frame:x", "bogus:3", "frame:3,", "seed:-1",
                       "frame:3;buf:2", "cred:r"};
  for (int i = 0; i < NELEM(bad); i++)
    if (inject(INJECT_SET, bad[i]) != -1)
      fail(bad[i]);
  set("frame:3,buf:r4,seed:9");
  struct injectstat st = stat_now();
  EXPECT(st.mode[INJECT_FRAME], INJECT_EVERY);
  EXPECT(st.n[INJECT_FRAME], 3);
  EXPECT(st.mode[INJECT_BUF], INJECT_RANDOM);
  EXPECT(st.n[INJECT_BUF], 4);
  EXPECT(st.mode[INJECT_DISK], INJECT_OFF);
  EXPECT(st.seed, 9);
  EXPECT(st.scope, 0);
  set("off");
  st = stat_now();
  EXPECT(st.mode[INJECT_FRAME], INJECT_OFF);
  EXPECT(inject(99, 0), -1);
}

// With every frame allocation failing: sbrk and fork return -1 in scope,
// while the parent, out of scope, goes on allocating.
static int frame_child(void) {
  if (sbrk(PGSIZE) != (char *)-1)
    return 1;
  if (fork() >= 0)
    return 2;
  if (pipe((int[2]){0, 0}) >= 0)
    return 3;
  return 0;
}

static void t_frame(void) {
  uint64 before = injected(INJECT_FRAME, 0);
  set("frame:1");
  EXPECT(in_scope(frame_child), 0);
  char *p = sbrk(PGSIZE);
  CHECK(p != (char *)-1);
  p[0] = 1;
  set("off");
  CHECK(injected(INJECT_FRAME, 0) >= before + 3);
}

// Every nth, exactly; and at random, the same failures for the same seed.
// A warm-up out of scope maps the page table, so that in scope each
// sbrk(PGSIZE) is exactly one frame allocation.
#define ATTEMPTS 60
static int pattern_fd;
static int pattern_child(void) {
  uint64 mask = 0;
  for (int i = 0; i < ATTEMPTS; i++) {
    if (sbrk(PGSIZE) == (char *)-1)
      mask |= 1UL << i;
    else
      sbrk(-PGSIZE);
  }
  return write(pattern_fd, &mask, sizeof(mask)) == sizeof(mask) ? 0 : 1;
}

static uint64 pattern(const char *spec) {
  int fds[2];
  CHECK(pipe(fds) == 0);
  pattern_fd = fds[1];
  sbrk(PGSIZE);
  sbrk(-PGSIZE);
  set(spec);
  EXPECT(in_scope(pattern_child), 0);
  set("off");
  uint64 mask = 0;
  EXPECT(read(fds[0], &mask, sizeof(mask)), sizeof(mask));
  close(fds[0]);
  close(fds[1]);
  return mask;
}

static int popcount(uint64 m) {
  int n = 0;
  for (; m; m &= m - 1)
    n++;
  return n;
}

static void t_pattern(void) {
  uint64 every4 = 0;
  for (int i = 3; i < ATTEMPTS; i += 4)
    every4 |= 1UL << i;
  EXPECT(pattern("frame:4"), every4);
  uint64 a = pattern("frame:r3,seed:42");
  EXPECT(pattern("frame:r3,seed:42"), a);
  CHECK(popcount(a) >= 8 && popcount(a) <= 35);
  CHECK(pattern("frame:r3,seed:43") != a);
}

// setuid and setgroups, which need a new cred, fail in scope; the cred
// count comes back.
static int cred_child(void) {
  if (setuid(0) != -1)
    return 1;
  if (setgroups(0, 0) != -1)
    return 2;
  inject(INJECT_LEAVE, 0);
  return setuid(0) == 0 ? 0 : 3;
}

static void t_cred(void) {
  uint64 before = injected(INJECT_CRED, 0);
  set("cred:1");
  EXPECT(in_scope(cred_child), 0);
  set("off");
  EXPECT(injected(INJECT_CRED, 0), before + 2);
}

#define DISKFILE "injfile"
// Reading another file of DISKBLOCKS blocks pushes a file's first block
// out of the buffer cache. (Writing does not: a written block leaves the
// log where it was taken, at the cache's cold end, and the next new block
// takes the same buffer again. And reading the file itself would not do:
// its pages would stay in the page cache, and a read would not go to
// the disk at all.)
#define DISKBLOCKS (2 * NBUF)
static char block[BSIZE];

static void write_file(char *name, int nblocks) {
  int fd = open(name, O_CREATE | O_TRUNC | O_RDWR);
  CHECK(fd >= 0);
  for (int i = 0; i < nblocks; i++) {
    memset(block, 'a' + i % 26, BSIZE);
    EXPECT(write(fd, block, BSIZE), BSIZE);
  }
  close(fd);
}

// File data fails both ways, exec's loading fails; names and directories
// (excluded: bread) work.
static int buf_child(void) {
  int fd = open(DISKFILE, O_RDWR);
  if (fd < 0)
    return 1;
  if (read(fd, block, BSIZE) != -1)
    return 2;
  if (write(fd, block, BSIZE) != -1)
    return 3;
  close(fd);
  char *argv[] = {"echo", "not", "run", 0};
  if (exec("echo", argv) != -1)
    return 4;
  if (mkdir("injdir") != 0 || unlink("injdir") != 0)
    return 5;
  return 0;
}

static void t_buf(void) {
  write_file(DISKFILE, 2);
  uint64 before = injected(INJECT_BUF, 0), passed = injected(INJECT_BUF, 1);
  set("buf:1");
  EXPECT(in_scope(buf_child), 0);
  set("off");
  CHECK(injected(INJECT_BUF, 0) >= before + 3);
  CHECK(injected(INJECT_BUF, 1) > passed); // bread was asked, and never failed
  int fd = open(DISKFILE, O_RDONLY);
  EXPECT(read(fd, block, BSIZE), BSIZE);
  CHECK(block[0] == 'a' && block[BSIZE - 1] == 'a');
  close(fd);
  EXPECT(unlink(DISKFILE), 0);
}

// A read that must go to the disk gets the injected I/O error; the block
// stays unread in the cache, so the next read, out of scope, gets the data.
static int disk_child(void) {
  int fd = open(DISKFILE, O_RDONLY);
  if (fd < 0)
    return 1;
  return read(fd, block, BSIZE) == -1 ? 0 : 2;
}

static void t_disk(void) {
  write_file(DISKFILE, 1);
  write_file(DISKFILE "2", DISKBLOCKS);
  int fd = open(DISKFILE "2", O_RDONLY);
  for (int i = 0; i < DISKBLOCKS; i++)
    EXPECT(read(fd, block, BSIZE), BSIZE);
  close(fd);
  EXPECT(unlink(DISKFILE "2"), 0);
  uint64 before = injected(INJECT_DISK, 0);
  set("disk:1");
  EXPECT(in_scope(disk_child), 0);
  set("off");
  EXPECT(injected(INJECT_DISK, 0), before + 1);
  fd = open(DISKFILE, O_RDONLY);
  EXPECT(read(fd, block, BSIZE), BSIZE);
  CHECK(block[0] == 'a' && block[BSIZE - 1] == 'a');
  close(fd);
  EXPECT(unlink(DISKFILE), 0);
}

// Out of scope nothing fails, whatever the policy.
static void t_scope(void) {
  uint64 before = injected(INJECT_FRAME, 0) + injected(INJECT_CRED, 0);
  set("frame:1,buf:1,disk:1,cred:1");
  char *p = sbrk(4 * PGSIZE);
  CHECK(p != (char *)-1);
  pages_fill(p, 4 * PGSIZE, 7);
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0)
    exit(setuid(0));
  int st = -1;
  wait(&st);
  set("off");
  EXPECT(st, 0);
  EXPECT(injected(INJECT_FRAME, 0) + injected(INJECT_CRED, 0), before);
}

// INJECT_CHILDREN: the caller stays out, the children it makes are in.
static void t_children(void) {
  set("cred:1");
  EXPECT(inject(INJECT_CHILDREN, 0), 0);
  EXPECT(stat_now().scope, 2);
  EXPECT(setuid(0), 0);
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0)
    exit(setuid(0) == -1 && stat_now().scope == 1 ? 0 : 1);
  int st = -1;
  wait(&st);
  set("off");
  EXPECT(st, 0);
}

static struct test tests[] = {
    {"nonroot", t_nonroot}, {"parse", t_parse}, {"frame", t_frame},
    {"pattern", t_pattern}, {"cred", t_cred},   {"buf", t_buf},
    {"disk", t_disk},       {"scope", t_scope}, {"children", t_children},
};

int main(int argc, char *argv[]) {
  test_prog = "inject";
  if (argc == 1) {
    show();
    exit(0);
  }
  if (strcmp(argv[1], "set") == 0 && argc == 3) {
    if (inject(INJECT_SET, argv[2]) < 0) {
      printf("inject: bad policy %s, or not root\n", argv[2]);
      exit(1);
    }
    exit(0);
  }
  if (strcmp(argv[1], "run") == 0 && argc >= 3) {
    stat_now(); // root?
    exit(run(argv + 2));
  }
  if (strcmp(argv[1], "test") == 0) {
    struct test_suite s = {"INJECT", tests, NELEM(tests), 1, 0, 0};
    exit(run_tests(&s, argc - 1, argv + 1));
  }
  printf("usage: inject | inject set SPEC | inject run CMD [ARG...] | inject test [NAME]\n");
  exit(2);
}
