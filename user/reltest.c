// reltest: regression tests for defects found by hostile input (issue 13).
//
//   memcheck   the frame audit against snapshot/snapdrop, fork/exit and
//              exec on other harts: never a panic, never a false mismatch;
//              root only
//   linkmax    link refuses at the maximum link count instead of wrapping
//              the count negative (which made the next unlink panic)
//   itable     with the in-memory inode table full, link onto an existing
//              name fails instead of adding a second entry of that name
//   deaddir    nothing can be created in a removed directory that is still
//              a cwd, and the directory goes, with its blocks, when the
//              cwd leaves it
//   mapedge    mmap near the top of the address space: a hint or a
//              MAP_FIXED address at or above MMAPMAX (the trap frame, the
//              trampoline, MAXVA, 2^63) is never used; the hint is moved
//              below MMAPMAX and MAP_FIXED fails (a hint at TRAPFRAME was
//              accepted and exit freed the trap frame twice: a panic)
//
// Each test runs in a child (user/testlib.c), which checks that the free
// frames come back; the file-system tests also check the free blocks and
// inodes, and the harness runs fsck on the image afterwards.
//
// `reltest runner` checks the runner itself instead: a test that leaves a
// process running must fail, and the process must be killed (the harness
// expects exactly that failure).
//
// usage: reltest [name | runner]
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "user/user.h"
#include "user/testlib.h"

static struct fsstat disk_stats(void) {
  struct fsstat st;
  CHECK(fsstat(&st) == 0);
  return st;
}

// The disk's free blocks and inodes must be as in before.
static void disk_back(struct fsstat before) {
  struct fsstat after = disk_stats();
  EXPECT(after.free, before.free);
  EXPECT(after.ifree, before.ifree);
}

// Reap n children, each of which must have exited 0.
static void wait_all(int n) {
  for (int i = 0; i < n; i++) {
    int st;
    CHECK(wait(&st) > 0);
    EXPECT(st, 0);
  }
}

// ---- memcheck: the audit against concurrent mapping changes ----

#define AUDITS 300

// Until killed: snapshots taken and dropped, with a COW break after each.
static void churn_snapshots(void) {
  char *heap = sbrk(16 * 4096);
  for (int i = 0;; i++) {
    heap[(i % 16) * 4096] = i;
    int id = snapshot();
    if (id > 0)
      CHECK(snapdrop(id) == 0);
  }
}

// Until killed: children that exit at once or exec first.
static void churn_forks(void) {
  char *argv[] = {"echo", 0};
  for (int i = 0;; i++) {
    int pid = fork();
    if (pid == 0) {
      if (i % 2) {
        close(1); // echo prints nothing
        exec("echo", argv);
      }
      exit(0);
    }
    CHECK(pid > 0);
    int st;
    CHECK(wait(&st) == pid);
  }
}

// Snapshots dropped, processes exiting and execing on other harts while
// memcheck walks everyone's page tables: it used to walk freed tables
// (a kernel trap or "not a managed frame" panic) and to count frames in
// the middle of a change (false mismatches). Now each audit is either
// exact (0 here) or reports that it could not get a quiet moment (-1).
static void memcheck_race(void) {
  int pids[3];
  void (*churn[3])(void) = {churn_snapshots, churn_snapshots, churn_forks};
  for (int i = 0; i < 3; i++) {
    pids[i] = fork();
    CHECK(pids[i] >= 0);
    if (pids[i] == 0)
      churn[i]();
  }
  int exact = 0;
  for (int i = 0; i < AUDITS; i++) {
    int r = memcheck();
    CHECK(r == 0 || r == -1);
    exact += r == 0;
  }
  for (int i = 0; i < 3; i++)
    CHECK(kill(pids[i]) == 0); // killed anywhere: in a snapshot, an exec...
  for (int i = 0; i < 3; i++)
    CHECK(wait(0) > 0);
  printf("reltest memcheck: %d of %d audits exact during the churn\n", exact, AUDITS);
  CHECK(exact > 0);
  EXPECT(memcheck(), 0);
}

// memcheck is root's: as uid 5 it refuses.
static void memcheck_root_only(void) {
  CHECK(setuid(5) == 0);
  EXPECT(memcheck(), -1);
}

// ---- linkmax: the link count has a ceiling ----

#define NLINK_MAX 1000 // kernel/fs/sysfile.c

// The names are spread over LINK_DIRS directories: each link scans its
// directory for the name, and one directory of a thousand names made the
// test a minute long. The link count does not care where the names are.
#define LINK_DIRS 10

static void link_dir(char *buf, int d) {
  strcpy(buf, "lmax0");
  buf[4] = '0' + d;
}

static void link_name(char *buf, int i) {
  link_dir(buf, i % LINK_DIRS);
  char *p = buf + strlen(buf);
  *p++ = '/';
  for (int d = 1000; d > 0; d /= 10)
    *p++ = '0' + (i / d) % 10;
  *p = 0;
}

static void linkmax(void) {
  // In a directory of its own: the names it adds to its cwd may grow that
  // directory by a block, which no unlink gives back (directories do not
  // shrink), so counting from the cwd / made the test fail once / held
  // a few more programs.
  CHECK(mkdir("lmtop") == 0 && chdir("lmtop") == 0);
  struct fsstat before = disk_stats();
  int fd = open("lmfile", O_CREATE | O_RDWR);
  CHECK(fd >= 0);
  char name[32];
  for (int d = 0; d < LINK_DIRS; d++) {
    link_dir(name, d);
    CHECK(mkdir(name) == 0);
  }
  int made = 0;
  // Before the fix nothing stopped link (at 32,767 more the count
  // wrapped to -32,768): here the loop stops a little past the limit.
  while (made < NLINK_MAX + 2) {
    link_name(name, made);
    if (link("lmfile", name) < 0)
      break;
    made++;
  }
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  EXPECT(made, NLINK_MAX - 1);
  EXPECT(st.nlink, NLINK_MAX);
  // Unlinking every name brings the count down without a panic.
  for (int i = 0; i < made; i++) {
    link_name(name, i);
    EXPECT(unlink(name), 0);
  }
  CHECK(fstat(fd, &st) == 0);
  EXPECT(st.nlink, 1);
  close(fd);
  for (int d = 0; d < LINK_DIRS; d++) {
    link_dir(name, d);
    EXPECT(unlink(name), 0);
  }
  EXPECT(unlink("lmfile"), 0);
  disk_back(before);
  CHECK(chdir("..") == 0 && unlink("lmtop") == 0);
}

// ---- itable: a full inode table is not "no such name" ----
//
// The test does not count how many inodes the rest of the system holds (a
// count like that broke when an unrelated program changed): holders open
// distinct files until an open fails, and the kernel's own figure
// (fsstat's icached) says when the table is full.

#define NINODE 50     // kernel/param.h
#define HOLD_FILES 8  // per holder: NOFILE 16 less the 6 fds it inherits
#define HOLD_NAMES 96 // files to hold: more than the table has entries
#define HOLDERS_MAX (HOLD_NAMES / HOLD_FILES)

static void hold_name(char *buf, int i) {
  strcpy(buf, "h000");
  buf[1] = '0' + i / 100;
  buf[2] = '0' + i / 10 % 10;
  buf[3] = '0' + i % 10;
}

// Open files k*HOLD_FILES onwards until one fails (the table is full) or
// HOLD_FILES are open; report 'f' (full) or 'r' on ready, then hold them
// until the parent closes go.
static void holder(int k, int ready, int go) {
  char name[16];
  char c = 'r';
  for (int i = 0; i < HOLD_FILES && c == 'r'; i++) {
    hold_name(name, k * HOLD_FILES + i);
    if (open(name, O_RDONLY) < 0)
      c = 'f';
  }
  write(ready, &c, 1);
  close(ready);
  read(go, &c, 1); // returns 0 when the parent closes its end
  exit(0);
}

// Start holders until the inode table is full and b is not in it (an
// entry another process let go of meanwhile may have taken b: then the
// next holder fills the table again). Returns how many were started.
static int fill_itable(int ready[2], int go[2]) {
  for (int k = 0; k < HOLDERS_MAX; k++) {
    int pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
      close(ready[0]);
      close(go[1]);
      holder(k, ready[1], go[0]);
    }
    char c;
    EXPECT(read(ready[0], &c, 1), 1);
    if (c != 'f')
      continue;
    int fd = open("b", O_RDONLY);
    if (fd < 0)
      return k + 1;
    close(fd);
  }
  fail("the inode table never filled");
  return 0;
}

// How many entries of directory dir are named name.
static int count_entries(char *dir, char *name) {
  int fd = open(dir, O_RDONLY);
  CHECK(fd >= 0);
  struct dirent de;
  int n = 0;
  while (read(fd, &de, sizeof(de)) == sizeof(de))
    if (de.inum != 0 && strcmp(de.name, name) == 0)
      n++;
  close(fd);
  return n;
}

static void itable(void) {
  struct fsstat before = disk_stats();
  char name[16];
  // Work in itab as the cwd, so that the directory, like a, stays in the
  // table: only b is left out when it fills.
  CHECK(mkdir("itab") == 0);
  CHECK(chdir("itab") == 0);
  int fda = open("a", O_CREATE | O_RDWR);
  CHECK(fda >= 0);
  CHECK(close(open("b", O_CREATE | O_RDWR)) == 0);
  for (int i = 0; i < HOLD_NAMES; i++) {
    hold_name(name, i);
    CHECK(close(open(name, O_CREATE | O_RDWR)) == 0);
  }
  int ready[2], go[2];
  CHECK(pipe(ready) == 0 && pipe(go) == 0);
  int holders = fill_itable(ready, go);
  EXPECT(disk_stats().icached, NINODE);
  // The table is full: b's inode cannot be loaded. Its name is there all
  // the same, so link must refuse (it used to add a second "b").
  EXPECT(link("a", "b"), -1);
  close(go[1]);
  wait_all(holders);
  close(ready[0]);
  close(ready[1]);
  close(go[0]);

  struct stat st;
  CHECK(fstat(fda, &st) == 0);
  EXPECT(st.nlink, 1);
  EXPECT(count_entries(".", "b"), 1);
  close(fda);
  for (int i = 0; i < HOLD_NAMES; i++) {
    hold_name(name, i);
    EXPECT(unlink(name), 0);
  }
  EXPECT(unlink("a"), 0);
  EXPECT(unlink("b"), 0);
  CHECK(chdir("..") == 0);
  EXPECT(unlink("itab"), 0);
  disk_back(before);
}

// ---- deaddir: a removed directory takes no new names ----

static void deaddir(void) {
  struct fsstat before = disk_stats();
  CHECK(close(open("/rcsrc", O_CREATE | O_RDWR)) == 0);
  CHECK(mkdir("rc") == 0);
  CHECK(chdir("rc") == 0);
  EXPECT(unlink("../rc"), 0);
  // Creating, making a directory, linking or cloning into it all fail.
  EXPECT(open("orphan", O_CREATE | O_RDWR), -1);
  EXPECT(mkdir("sub"), -1);
  EXPECT(link("/rcsrc", "ln"), -1);
  EXPECT(clonefile("/rcsrc", "cl"), -1);
  EXPECT(mknod("dev", 9, 0), -1);
  // It is still a directory to look at: "." and ".." are there.
  struct stat st;
  int fd = open(".", O_RDONLY);
  CHECK(fd >= 0);
  CHECK(fstat(fd, &st) == 0);
  EXPECT(st.type, T_DIR);
  EXPECT(st.nlink, 0);
  close(fd);
  // Leaving it drops the last reference: inode and blocks come back.
  CHECK(chdir("/") == 0);
  EXPECT(unlink("/rcsrc"), 0);
  disk_back(before);
}

// ---- mapedge: no mapping reaches the trap frame or past MMAPMAX ----

static void mapedge_child(void) {
  static const uint64 tops[] = {MMAPMAX - PGSIZE, MMAPMAX, MMAPMAX + PGSIZE, TRAPFRAME,
                                TRAMPOLINE, MAXVA, MAXVA + PGSIZE, 1UL << 63, ~0UL - PGSIZE + 1};
  int fd = open("/README", O_RDONLY);
  CHECK(fd >= 0);
  for (int i = 0; i < NELEM(tops); i++) {
    for (int file = 0; file < 2; file++) {
      int flags = file ? MAP_PRIVATE : MAP_SHARED | MAP_ANONYMOUS;
      int f = file ? fd : -1;
      // A hint is only a hint: the mapping goes below MMAPMAX.
      char *p = mmap((void *)tops[i], PGSIZE, PROT_READ | PROT_WRITE, flags, f, 0);
      CHECK(p != (char *)-1);
      CHECK((uint64)p + PGSIZE <= MMAPMAX);
      p[0] = 1; // a private or anonymous page: the store is allowed
      EXPECT(munmap(p, PGSIZE), 0);
      // MAP_FIXED there must fail: MMAPMAX itself has no room for a page.
      if (tops[i] != MMAPMAX - PGSIZE)
        EXPECT((long)mmap((void *)tops[i], PGSIZE, PROT_READ, flags | MAP_FIXED, f, 0), -1);
    }
  }
  // Nothing is mapped up there, so these unmap nothing; the process must
  // still be able to take a trap (its trap frame is intact).
  EXPECT(munmap((void *)TRAPFRAME, PGSIZE), 0);
  EXPECT(munmap((void *)MMAPMAX, 2 * PGSIZE), 0);
  CHECK(getpid() > 0);
  close(fd);
  exit(0); // exit unmaps everything: before the fix, the trap frame a second time
}

static void mapedge(void) {
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0)
    mapedge_child();
  int st = -1;
  EXPECT(wait(&st), pid);
  EXPECT(st, 0);
}

static struct test tests[] = {
    {"memcheck", memcheck_race},
    {"memcheckroot", memcheck_root_only},
    {"linkmax", linkmax},
    {"itable", itable},
    {"deaddir", deaddir},
    {"mapedge", mapedge},
};

// ---- runner: the runner fails a test that leaves a process behind ----

// An orphan that would sleep for 100 s: the runner must kill it.
static void stray(void) {
  if (fork() == 0) {
    pause(10000);
    exit(0);
  }
}

static struct test runner_tests[] = {
    {"stray", stray},
};

int main(int argc, char *argv[]) {
  test_prog = "reltest";
  if (argc == 2 && strcmp(argv[1], "runner") == 0) {
    struct test_suite runner = {"RUNNER", runner_tests, NELEM(runner_tests), 1, 0, 0};
    exit(run_tests(&runner, 1, argv));
  }
  struct test_suite suite = {"RELIABILITY", tests, NELEM(tests), 1, 0, 0};
  exit(run_tests(&suite, argc, argv));
}
