// clonebench: the cost of a reflink (clonefile) against a byte copy (a
// read/write loop with a 4 KiB buffer), for files of 16 to 1024 blocks:
// time in rdtime ticks (run under `make bench`: -icount, so the figures
// repeat exactly), data blocks taken (fsstat free before and after) and
// block writes the disk driver issued (fsstat writes, log included).
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

// One measured operation: its ticks, data blocks taken and disk writes.
struct cost {
  uint64 ticks, blocks, writes;
};

static struct cost measure(int clone) {
  struct fsstat s0 = fs();
  uint64 t0 = rdtime();
  if (clone) {
    if (clonefile(SRC, CLONE) != 0)
      die("clonefile");
  } else {
    copy_file(SRC, COPY);
  }
  uint64 t1 = rdtime();
  struct fsstat s1 = fs();
  return (struct cost){t1 - t0, s0.free - s1.free, s1.writes - s0.writes};
}

int main(void) {
  static uint sizes[] = {16, 64, 256, 1024};
  printf("clonebench: clonefile vs a read/write copy (4 KiB buffer); ticks, data blocks "
         "taken, disk block writes\n");
  printf("  blocks  clone ticks  blocks  writes   copy ticks  blocks  writes\n");
  for (int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
    make_file(SRC, sizes[i]);
    struct cost c = measure(1), k = measure(0);
    column_num(sizes[i], 8);
    column_num(c.ticks, 13);
    column_num(c.blocks, 8);
    column_num(c.writes, 8);
    column_num(k.ticks, 13);
    column_num(k.blocks, 8);
    column_num(k.writes, 8);
    printf("\n");
    if (unlink(SRC) != 0 || unlink(CLONE) != 0 || unlink(COPY) != 0)
      die("unlink");
  }
  printf("clonebench: done\n");
  exit(0);
}
