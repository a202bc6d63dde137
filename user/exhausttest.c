// exhausttest: every kernel resource, used up, gives a clean -1, and
// comes back.
//
// Each test takes one resource until the kernel says no: process slots,
// one process's descriptors, the system's open-file table, the in-memory
// inode table, disk blocks, disk inodes, memory, pipes and snapshots.
// The refusal must be a -1 (never a panic or a killed caller), the
// resource must work again once released, and the runner (user/testlib.c)
// checks that the free frames come back; the disk tests also check the
// free block and inode counts, and the harness runs fsck afterwards.
//
// usage: exhausttest [name]
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "user/user.h"
#include "user/testlib.h"

static struct fsstat disk_stats(void) {
  struct fsstat st;
  CHECK(fsstat(&st) == 0);
  return st;
}

// A child that waits, doing nothing, until the parent closes go's write end.
static int sleeper(int go[2]) {
  int pid = fork();
  if (pid == 0) {
    close(go[1]);
    char c;
    read(go[0], &c, 1);
    exit(0);
  }
  return pid;
}

// Reap every child; returns how many.
static int reap_all(void) {
  int n = 0;
  while (wait(0) > 0)
    n++;
  return n;
}

// Process slots: fork until it fails, then all come back.
static void procs(void) {
  int go[2];
  CHECK(pipe(go) == 0);
  int n = 0;
  while (n < NPROC && sleeper(go) > 0)
    n++;
  CHECK(n > 0 && n < NPROC); // the table ran out before NPROC children
  int extra = fork();
  if (extra == 0)
    exit(0);
  EXPECT(extra, -1); // still full
  close(go[1]);
  EXPECT(reap_all(), n);
  int pid = fork();
  if (pid == 0)
    exit(0);
  CHECK(pid > 0);
  EXPECT(wait(0), pid);
}

// One process's descriptors, then open again after closing one.
static void fds(void) {
  int n = 0, fd = -1;
  while ((fd = open("/echo", O_RDONLY)) >= 0)
    n++;
  EXPECT(n, NOFILE - 3); // 0, 1 and 2 are the console
  EXPECT(dup(0), -1);
  int p[2];
  EXPECT(pipe(p), -1);
  CHECK(close(NOFILE - 1) == 0);
  fd = open("/echo", O_RDONLY);
  EXPECT(fd, NOFILE - 1);
}

// Open path (or, if path is 0, make pipes) until that fails, report how
// many files it opened, and hold them until go closes.
static void holder(int ready, int go, char *path) {
  int n = 0, p[2];
  while (path ? open(path, O_RDONLY) >= 0 : pipe(p) == 0)
    n += path ? 1 : 2;
  write(ready, &n, sizeof(n));
  char c;
  read(go, &c, 1);
  exit(0);
}

// Holders, each opening path (0: pipes) until it fails; returns how many
// files they opened in all, with the holders still holding (go's write
// end open). A holder has 11 descriptors free: 0-2 and its two pipe ends
// are taken. One holder at a time: pipe() takes a file, fails to get the
// second and gives the first back, so holders racing for the last entries
// could each see the table full while, once they are done, two entries
// are free again, and the caller's pipe() would then succeed.
static int fill(int ready[2], int go[2], int nholders, char *path) {
  CHECK(pipe(ready) == 0 && pipe(go) == 0);
  int total = 0;
  for (int k = 0; k < nholders; k++) {
    int pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
      close(ready[0]);
      close(go[1]);
      holder(ready[1], go[0], path);
    }
    int n;
    EXPECT(read(ready[0], &n, sizeof(n)), sizeof(n));
    total += n;
  }
  close(ready[1]);
  close(go[0]);
  return total;
}

#define HOLDERS 10 // 10 x 11 descriptors: more than NFILE

// The system-wide file table (NFILE): holders of one file.
static void filetable(void) {
  int ready[2], go[2];
  int total = fill(ready, go, HOLDERS, "/echo");
  CHECK(total < HOLDERS * (NOFILE - 5)); // the table, not the descriptors, ran out
  EXPECT(open("/echo", O_RDONLY), -1);
  close(go[1]);
  reap_all();
  close(ready[0]);
  int fd = open("/echo", O_RDONLY);
  CHECK(fd >= 0);
  close(fd);
}

// Disk blocks: a file grows until a write comes back short; removing it
// frees every block.
static void diskfull(void) {
  struct fsstat before = disk_stats();
  static char buf[4096];
  memset(buf, 'x', sizeof(buf));
  int fd = open("bigfile", O_CREATE | O_WRONLY);
  CHECK(fd >= 0);
  int n, total = 0;
  while ((n = write(fd, buf, sizeof(buf))) == sizeof(buf))
    total += n;
  CHECK(n >= -1 && n < (int)sizeof(buf));
  close(fd);
  EXPECT(disk_stats().free, 0); // MAXFILE is larger than the harness's 8,000-block image
  CHECK(total > 0);
  EXPECT(unlink("bigfile"), 0);
  struct fsstat after = disk_stats();
  EXPECT(after.free, before.free);
  EXPECT(after.ifree, before.ifree);
}

// Disk inodes: create empty files until it fails, then remove them all.
static void inodes(void) {
  struct fsstat before = disk_stats();
  CHECK(mkdir("manyf") == 0);
  char name[16] = "manyf/f000";
  int n = 0;
  for (;; n++) {
    name[7] = '0' + n / 100;
    name[8] = '0' + n / 10 % 10;
    name[9] = '0' + n % 10;
    int fd = open(name, O_CREATE | O_RDWR);
    if (fd < 0)
      break;
    close(fd);
    CHECK(n < 999);
  }
  EXPECT(disk_stats().ifree, 0);
  EXPECT(mkdir("manyd"), -1);
  for (int i = 0; i < n; i++) {
    name[7] = '0' + i / 100;
    name[8] = '0' + i / 10 % 10;
    name[9] = '0' + i % 10;
    EXPECT(unlink(name), 0);
  }
  EXPECT(unlink("manyf"), 0);
  struct fsstat after = disk_stats();
  EXPECT(after.free, before.free);
  EXPECT(after.ifree, before.ifree);
}

// Memory: sbrk until it fails; fork and snapshot then fail cleanly too;
// giving the memory back makes them work.
static void memory(void) {
  int mbs = 0, pages = 0;
  while (sbrk(1 << 20) != (char *)-1)
    mbs++;
  while (sbrk(4096) != (char *)-1)
    pages++;
  CHECK(mbs > 0);
  int pid = fork();
  if (pid == 0)
    exit(0); // a COW fork may still fit: it copies no pages
  if (pid > 0)
    EXPECT(wait(0), pid);
  int id = snapshot(); // may fit or not, but must not hurt
  if (id > 0)
    EXPECT(snapdrop(id), 0);
  sbrk(-(mbs << 20) - pages * 4096);
  pid = fork();
  if (pid == 0)
    exit(0);
  CHECK(pid > 0);
  EXPECT(wait(0), pid);
}

// Pipes: make them until pipe fails, in several processes, so that the
// file table rather than the descriptors runs out; all come back.
static void pipes(void) {
  int ready[2], go[2];
  int total = fill(ready, go, HOLDERS, 0);
  CHECK(total < HOLDERS * (NOFILE - 6)); // 5 pipes each, at most
  int p[2];
  EXPECT(pipe(p), -1);
  close(go[1]);
  EXPECT(reap_all(), HOLDERS);
  close(ready[0]);
  CHECK(pipe(p) == 0);
}

// Snapshots: take them until snapshot fails (NSNAP), drop them all.
static void snapshots(void) {
  int ids[64], n = 0;
  int id;
  while ((id = snapshot()) > 0 && n < 64)
    ids[n++] = id;
  EXPECT(id, -1);
  CHECK(n > 0 && n < 64);
  for (int i = 0; i < n; i++)
    EXPECT(snapdrop(ids[i]), 0);
  EXPECT(snapdrop(ids[0]), -1);
  id = snapshot();
  CHECK(id > 0);
  EXPECT(snapdrop(id), 0);
}

static struct test tests[] = {
    {"procs", procs},       {"fds", fds},       {"filetable", filetable},
    {"diskfull", diskfull}, {"inodes", inodes}, {"memory", memory},
    {"pipes", pipes},       {"snapshots", snapshots},
};

int main(int argc, char *argv[]) {
  test_prog = "exhausttest";
  struct test_suite suite = {"EXHAUSTION", tests, NELEM(tests), 1, 0, 0};
  exit(run_tests(&suite, argc, argv));
}
