// jdemo: the journaling lesson, measured (docs/cow-in-practice.md, section 5).
//
//   jdemo [N [LIMIT]]
//
// Two workloads that change the same few metadata blocks over and over:
//   create  N small files (32 bytes each) in one new directory;
//   append  32 bytes to one file, N times.
// For each it counts the blocks the disk driver wrote (fsstat's `writes`,
// the log's own writes included), the cache flushes, the log groups
// committed and the time, and divides by N. A final sync() is inside the
// measurement, so under commit=group the figures include the commit that
// makes the last operation durable: nothing is left owing.
//
// The kernel's commit mode, a boot argument, decides the figures:
//   commit=inplace  every changed block is written home at once (no log,
//                   no crash safety): a block changed twice is written
//                   twice;
//   commit=op       each system call is one log transaction: every block it
//                   changed is written twice (log, then home), plus the log
//                   header twice, plus four flushes;
//   commit=group    many calls share one transaction: a block changed by a
//                   hundred of them goes to the log once and home once.
// The harness boots it under each (tests/harness.py, "jdemo"). With LIMIT,
// a commit=group run checks the target: blocks written per created
// file at most LIMIT/4 (LIMIT: commit=op's figure, in hundredths).
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/fsstat.h"
#include "user/user.h"

#define DIR "/jd"
#define LOG DIR "/log"
#define SMALL 32

static const char *modes[] = {"op", "group", "inplace"};

struct sample {
  uint64 writes, flushes, commits, time;
};

static struct sample now(void) {
  struct fsstat s;
  if (fsstat(&s) != 0) {
    printf("jdemo: fsstat failed\n");
    exit(1);
  }
  return (struct sample){s.writes, s.flushes, s.commits, rdtime()};
}

static void die(const char *what) {
  printf("jdemo: %s failed\n", what);
  exit(1);
}

static char *name_of(char *buf, int i) {
  strcpy(buf, DIR "/f");
  char *p = buf + strlen(buf);
  p[0] = '0' + i / 1000 % 10;
  p[1] = '0' + i / 100 % 10;
  p[2] = '0' + i / 10 % 10;
  p[3] = '0' + i % 10;
  p[4] = 0;
  return buf;
}

static char data[SMALL];

static void create_files(int n) {
  char name[32];
  for (int i = 0; i < n; i++) {
    int fd = open(name_of(name, i), O_CREATE | O_WRONLY);
    if (fd < 0 || write(fd, data, SMALL) != SMALL)
      die("create");
    close(fd);
  }
}

static void append(int n) {
  int fd = open(LOG, O_CREATE | O_WRONLY);
  if (fd < 0)
    die("open " LOG);
  for (int i = 0; i < n; i++)
    if (write(fd, data, SMALL) != SMALL)
      die("append");
  close(fd);
}

// v hundredths as "12.34", right-aligned in w columns.
static void column_hundredths(uint64 v, int w) {
  char buf[24];
  int i = sizeof(buf) - 1;
  buf[i] = 0;
  for (int d = 0; d < 2 || v; d++) {
    buf[--i] = '0' + v % 10;
    v /= 10;
    if (d == 1)
      buf[--i] = '.';
  }
  if (buf[i] == '.')
    buf[--i] = '0';
  column(buf + i, w);
}

// Run one workload of n operations between two samples, the second after
// sync(); print its row; return blocks written per operation, in
// hundredths.
static uint64 measure(const char *what, int n, void (*work)(int)) {
  struct sample a = now();
  work(n);
  if (sync() != 0)
    die("sync");
  struct sample b = now();
  uint64 w = b.writes - a.writes;
  column(what, 8);
  column_num(n, 6);
  column_num(w, 8);
  column_hundredths(w * 100 / n, 8);
  column_hundredths((b.flushes - a.flushes) * 100 / n, 11);
  column_num(b.commits - a.commits, 8);
  column_num((b.time - a.time) / n, 9);
  printf("\n");
  return w * 100 / n;
}

int main(int argc, char *argv[]) {
  int n = argc > 1 ? atoi(argv[1]) : 1000;
  long limit = argc > 2 ? atoi(argv[2]) : -1;
  if (n < 1 || n > 9999) {
    fprintf(2, "usage: jdemo [N (1-9999) [LIMIT]]\n");
    exit(2);
  }
  struct fsstat s;
  if (fsstat(&s) != 0)
    die("fsstat");
  const char *mode = s.commitmode < 3 ? modes[s.commitmode] : "?";
  for (int i = 0; i < SMALL; i++)
    data[i] = 'a' + i % 26;
  if (mkdir(DIR) != 0)
    die("mkdir " DIR " (left over from a run before? rm it)");

  printf("jdemo: commit=%s, %d operations each; per operation: blocks written, "
         "flushes, ticks\n", mode, n);
  column("work", 8);
  column("ops", 6);
  column("writes", 8);
  column("per op", 8);
  column("flushes/op", 11);
  column("commits", 8);
  column("ticks/op", 9);
  printf("\n");
  uint64 create = measure("create", n, create_files);
  measure("append", n, append);

  // Tidy up, unmeasured: the directory and its files go.
  char name[32];
  for (int i = 0; i < n; i++)
    unlink(name_of(name, i));
  unlink(LOG);
  unlink(DIR);

  if (limit >= 0) {
    int ok = create * 4 <= (uint64)limit;
    printf("jdemo: commit=%s: blocks written per created file (hundredths) %ld, at most a "
           "quarter of %ld: %s\n", mode, create, limit, ok ? "ok" : "FAILED");
    if (!ok)
      exit(1);
  }
  printf("jdemo: OK\n");
  exit(0);
}
