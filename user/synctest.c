// synctest: fsync and sync under each commit mode (kernel/fs/log.c).
//
// The figures fsstat reports (log groups committed, block writes the disk
// driver issued) show what a call did to the disk: under commit=group a
// write commits nothing and fsync commits it; under commit=op the write
// already did, and fsync has nothing left to write; under commit=inplace
// there is no log. The harness boots it under each mode, with the group
// time limit off (commitsecs=0), so no commit happens behind its back.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/stat.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/testlib.h"

#define F "synctest.f"

static struct fsstat fs(void) {
  struct fsstat s;
  CHECK(fsstat(&s) == 0);
  return s;
}

static int mode(void) { return fs().commitmode; }

// Bad descriptors and pipes fail; a device, a directory and sync succeed.
static void t_errors(void) {
  EXPECT(fsync(-1), -1);
  EXPECT(fsync(NOFILE + 3), -1);
  EXPECT(fsync(9), -1); // not open
  int p[2];
  CHECK(pipe(p) == 0);
  EXPECT(fsync(p[0]), -1);
  EXPECT(fsync(p[1]), -1);
  close(p[0]);
  close(p[1]);
  EXPECT(fsync(1), 0);
  int fd = open("/", O_RDONLY);
  CHECK(fd >= 0);
  EXPECT(fsync(fd), 0);
  close(fd);
  EXPECT(sync(), 0);
}

// A write, then fsync: where the commit happens depends on the mode.
static void t_fsync(void) {
  int fd = open(F, O_CREATE | O_RDWR);
  CHECK(fd >= 0);
  EXPECT(sync(), 0); // start from a log with nothing open
  struct fsstat a = fs();
  EXPECT(write(fd, "durable", 7), 7);
  struct fsstat b = fs();
  EXPECT(fsync(fd), 0);
  struct fsstat c = fs();
  EXPECT(fsync(fd), 0); // nothing new: nothing to write
  struct fsstat d = fs();
  switch (mode()) {
  case 0: // op: the write committed; fsync found the log empty
    CHECK(b.commits > a.commits && b.writes > a.writes);
    EXPECT(c.writes, b.writes);
    break;
  case 1: // group: the write waits in the open group; fsync commits it
    EXPECT(b.commits, a.commits);
    EXPECT(b.writes, a.writes);
    EXPECT(c.commits, b.commits + 1);
    CHECK(c.writes > b.writes);
    break;
  default: // inplace: written home at once, no log
    EXPECT(c.commits, a.commits);
    CHECK(b.writes > a.writes);
    EXPECT(c.writes, b.writes);
  }
  EXPECT(d.writes, c.writes);
  EXPECT(d.commits, c.commits);
  close(fd);
  EXPECT(unlink(F), 0);
  EXPECT(sync(), 0);
}

// Under commit=group, 200 one-byte appends to one file and an fsync
// write the inode's block and the data block once each to the log (and
// once home), plus the header twice: absorption. Under commit=op each
// append writes them all again.
static void t_absorb(void) {
  int fd = open(F, O_CREATE | O_RDWR);
  CHECK(fd >= 0);
  EXPECT(sync(), 0);
  struct fsstat a = fs();
  for (int i = 0; i < 200; i++)
    EXPECT(write(fd, "x", 1), 1);
  EXPECT(fsync(fd), 0);
  struct fsstat b = fs();
  if (mode() == 1) {
    EXPECT(b.commits, a.commits + 1);
    CHECK(b.writes - a.writes <= 12);
  } else if (mode() == 0) {
    CHECK(b.writes - a.writes >= 200 * 4);
  }
  close(fd);
  EXPECT(unlink(F), 0);
  EXPECT(sync(), 0);
}

// Pages a shared mapping dirtied reach the disk with fsync: it writes
// them back through the log, then commits.
static void t_mapped(void) {
  int fd = open(F, O_CREATE | O_RDWR);
  CHECK(fd >= 0);
  static char page[PGSIZE];
  EXPECT(write(fd, page, PGSIZE), PGSIZE);
  EXPECT(sync(), 0);
  char *p = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  CHECK(p != (char *)-1);
  struct fsstat a = fs();
  p[100] = 'm';
  EXPECT(fsync(fd), 0);
  struct fsstat b = fs();
  CHECK(b.writes > a.writes); // the page went to the disk (log or home)
  EXPECT(munmap(p, PGSIZE), 0);
  close(fd);
  fd = open(F, O_RDONLY);
  CHECK(fd >= 0);
  static char back[101];
  EXPECT(read(fd, back, 101), 101);
  EXPECT(back[100], 'm');
  close(fd);
  EXPECT(unlink(F), 0);
  EXPECT(sync(), 0);
}

// Four processes write their own files and call fsync and sync at once:
// the commit that one of them starts must not lose another's changes, and
// none may wait for ever (the last end_op, fsync and sync race to commit).
static void t_race(void) {
  for (int w = 0; w < 4; w++) {
    if (fork() == 0) {
      char name[] = "synctest.w0";
      name[10] = '0' + w;
      int fd = open(name, O_CREATE | O_RDWR);
      CHECK(fd >= 0);
      for (int i = 0; i < 50; i++) {
        char b = 'a' + (w * 50 + i) % 26;
        EXPECT(write(fd, &b, 1), 1);
        EXPECT(i % 3 == 0 ? sync() : fsync(fd), 0);
      }
      close(fd);
      exit(0);
    }
  }
  for (int w = 0; w < 4; w++) {
    int st;
    CHECK(wait(&st) > 0);
    EXPECT(st, 0);
  }
  for (int w = 0; w < 4; w++) {
    char name[] = "synctest.w0";
    name[10] = '0' + w;
    int fd = open(name, O_RDONLY);
    CHECK(fd >= 0);
    char b[64];
    EXPECT(read(fd, b, sizeof(b)), 50);
    for (int i = 0; i < 50; i++)
      EXPECT(b[i], 'a' + (w * 50 + i) % 26);
    close(fd);
    EXPECT(unlink(name), 0);
  }
  EXPECT(sync(), 0);
}

// Under commit=group with a time limit (the harness boots synctest-timer
// with commitsecs=1 and runs `synctest timelimit`), a change nobody syncs is committed once it is a
// second old, by the clock tick that interrupts a running process: this
// one, spinning. Elsewhere there is nothing to see.
static void t_timelimit(void) {
  if (mode() != 1)
    return;
  int fd = open(F, O_CREATE | O_RDWR);
  CHECK(fd >= 0);
  EXPECT(sync(), 0);
  struct fsstat a = fs();
  EXPECT(write(fd, "late", 4), 4);
  EXPECT(fs().commits, a.commits); // the write alone commits nothing
  // Spin 1.5 s in user mode: the commit comes from a clock tick that
  // interrupts user code (usertrap), not one that lands inside a system
  // call, so look at the clock only now and then: a loop of uptime()
  // calls spends most of its time in the kernel, and on a slow host no
  // tick may land in user mode at all (seen once in a fresh check).
  int t0 = uptime();
  while (uptime() - t0 < 150)
    for (volatile int i = 0; i < 20000; i++)
      ;
  struct fsstat b = fs();
  EXPECT(b.commits, a.commits + 1);
  EXPECT(fsync(fd), 0);
  EXPECT(fs().writes, b.writes); // nothing was left to commit
  close(fd);
  EXPECT(unlink(F), 0);
  EXPECT(sync(), 0);
}

static struct test tests[] = {
    {"errors", t_errors}, {"fsync", t_fsync}, {"absorb", t_absorb},
    {"mapped", t_mapped}, {"race", t_race},
};

// Only on request (`synctest timelimit`): it needs a boot with a limit.
static struct test timed[] = {{"timelimit", t_timelimit}};

// The root directory may grow a block for the tests' names; that block is
// the directory's, not leaked.
static uint64 free_blocks(void) {
  struct stat st;
  CHECK(stat("/", &st) == 0);
  return fs().free + (st.size + BSIZE - 1) / BSIZE;
}

int main(int argc, char *argv[]) {
  test_prog = "synctest";
  struct test_suite suite = {"SYNC", tests, NELEM(tests), 0, free_blocks, "free blocks"};
  if (argc > 1 && strcmp(argv[1], "timelimit") == 0)
    suite = (struct test_suite){"SYNC", timed, NELEM(timed), 0, free_blocks, "free blocks"};
  exit(run_tests(&suite, argc, argv));
}
