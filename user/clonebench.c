// clonebench: the cost of a reflink (clonefile) against a byte copy (a
// read/write loop with a 4 KiB buffer), for files of 16 to 1024 blocks:
// time in rdtime ticks (run under `make bench`: -icount, about 100
// instructions a tick; see measure() for why disk waits still vary),
// data blocks taken (fsstat free before and after) and block writes the
// disk driver issued (fsstat writes, log included).
//
// A clone writes the new inode and copies of the source's index blocks;
// a copy reads and writes every byte, and its blocks are new.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "user/user.h"

#define SRC "cb-src"
#define CLONE "cb-clone"
#define COPY "cb-copy"
#define CHUNK 4096

static char buf[CHUNK];

static void die(const char *what) {
  printf("clonebench: %s failed\n", what);
  exit(1);
}

static struct fsstat fs(void) {
  struct fsstat s;
  if (fsstat(&s) != 0)
    die("fsstat");
  return s;
}

static void make_file(const char *path, uint nblocks) {
  int fd = open(path, O_CREATE | O_WRONLY);
  if (fd < 0)
    die("create");
  for (uint i = 0; i < sizeof(buf); i++)
    buf[i] = i * 7 + 1;
  for (uint done = 0; done < nblocks * BSIZE; done += CHUNK)
    if (write(fd, buf, CHUNK) != CHUNK)
      die("write of the source");
  close(fd);
}

static void copy_file(const char *src, const char *dst) {
  int in = open(src, O_RDONLY), out = open(dst, O_CREATE | O_WRONLY);
  if (in < 0 || out < 0)
    die("open for the copy");
  int n;
  while ((n = read(in, buf, CHUNK)) > 0)
    if (write(out, buf, n) != n)
      die("write of the copy");
  close(in);
  close(out);
}

// One measured operation: its ticks (the fastest and the median of REPS
// runs), data blocks taken and disk writes.
struct cost {
  uint64 min, median, blocks, writes;
};

static void run_once(int clone) {
  if (clone) {
    if (clonefile(SRC, CLONE) != 0)
      die("clonefile");
  } else {
    copy_file(SRC, COPY);
  }
}

// Waiting for the disk makes guest time jump to the next timer tick
// whenever the host answers after the guest has gone idle, so one run's
// time varies from run to run even under -icount. The fastest of REPS
// runs is the one with the fewest such jumps (for a clone, none: it
// repeats exactly); the blocks and writes never vary, or the benchmark
// stops.
#define REPS 5
static struct cost measure(int clone) {
  uint64 ticks[REPS];
  struct cost c = {0, 0, 0, 0};
  for (int i = 0; i < REPS; i++) {
    struct fsstat s0 = fs();
    uint64 t0 = rdtime();
    run_once(clone);
    ticks[i] = rdtime() - t0;
    struct fsstat s1 = fs();
    if (i > 0 && (c.blocks != s0.free - s1.free || c.writes != s1.writes - s0.writes))
      die("repeating a measurement");
    c.blocks = s0.free - s1.free;
    c.writes = s1.writes - s0.writes;
    if (unlink(clone ? CLONE : COPY) != 0)
      die("unlink");
  }
  for (int i = 1; i < REPS; i++) // insertion sort
    for (int j = i; j > 0 && ticks[j] < ticks[j - 1]; j--) {
      uint64 t = ticks[j];
      ticks[j] = ticks[j - 1];
      ticks[j - 1] = t;
    }
  c.min = ticks[0];
  c.median = ticks[REPS / 2];
  return c;
}

static void print_cost(struct cost c) {
  column_num(c.min, 10);
  column_num(c.median, 10);
  column_num(c.blocks, 7);
  column_num(c.writes, 7);
}

int main(void) {
  static uint sizes[] = {16, 64, 256, 1024};
  printf("clonebench: clonefile vs a read/write copy (4 KiB buffer), %d runs each: ticks "
         "(fastest, median), data blocks taken, disk block writes\n",
         REPS);
  printf("  blocks clone-min clone-med blocks writes  copy-min  copy-med blocks writes\n");
  for (int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
    make_file(SRC, sizes[i]);
    column_num(sizes[i], 8);
    print_cost(measure(1));
    print_cost(measure(0));
    printf("\n");
    if (unlink(SRC) != 0)
      die("unlink");
  }
  printf("clonebench: done\n");
  exit(0);
}
