// diskstorm: many processes on many harts keep the disk driver busy at
// once, for the multi-hart tests (tests/harness.py, suite "harts").
//
// Each of NPROC children writes a file of its own, BLOCKS blocks long, one
// block per write(), then reads it back twice and checks every byte: the
// files together are larger than the buffer cache, so the second pass
// reads from the disk again while the other children are writing. Requests
// from several harts are then in flight together, and completions arrive
// while other harts submit (kernel/dev/virtio_blk.c).
//
// Passes (prints "diskstorm: OK") only if every child exits 0 and the
// free-frame count is back where it started once they are reaped.
//
// usage: diskstorm [NPROC [BLOCKS]]   (default 4 children, 120 blocks)
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "user/user.h"
#include "user/testlib.h"

static char block[BSIZE];

// Block b of child k: a pattern no other block of any child has.
static void fill(int k, int b) {
  for (int i = 0; i < BSIZE; i++)
    block[i] = (char)(k * 31 + b * 7 + i);
}

static int matches(int k, int b) {
  for (int i = 0; i < BSIZE; i++)
    if (block[i] != (char)(k * 31 + b * 7 + i))
      return 0;
  return 1;
}

static void name_of(char *name, int k) {
  strcpy(name, "dsN");
  name[2] = 'a' + k;
}

static void child(int k, int nblocks) {
  char name[4];
  name_of(name, k);
  unlink(name);
  int fd = open(name, O_CREATE | O_WRONLY);
  check(fd >= 0, "create");
  for (int b = 0; b < nblocks; b++) {
    fill(k, b);
    check(write(fd, block, BSIZE) == BSIZE, "write");
  }
  check(close(fd) == 0, "close");
  for (int pass = 0; pass < 2; pass++) {
    fd = open(name, O_RDONLY);
    check(fd >= 0, "open");
    for (int b = 0; b < nblocks; b++) {
      check(read(fd, block, BSIZE) == BSIZE, "read");
      check(matches(k, b), "a block read back differs from what was written");
    }
    check(read(fd, block, BSIZE) == 0, "the file is longer than written");
    check(close(fd) == 0, "close");
  }
  check(unlink(name) == 0, "unlink");
  exit(0);
}

int main(int argc, char *argv[]) {
  test_prog = "diskstorm";
  int nproc = argc > 1 ? atoi(argv[1]) : 4;
  int nblocks = argc > 2 ? atoi(argv[2]) : 120;
  if (nproc < 1 || nproc > 26 || nblocks < 1 || nblocks > MAXFILE) {
    fprintf(2, "usage: diskstorm [NPROC (1-26) [BLOCKS (1-%d)]]\n", (int)MAXFILE);
    exit(1);
  }
  uint64 before = free_frames();
  for (int k = 0; k < nproc; k++) {
    int pid = fork();
    check(pid >= 0, "fork");
    if (pid == 0)
      child(k, nblocks);
  }
  int failed = 0;
  for (int k = 0; k < nproc; k++) {
    int st;
    check(wait(&st) > 0, "wait");
    failed += st != 0;
  }
  uint64 after = free_frames();
  if (failed)
    printf("diskstorm: FAILED: %d of %d children failed\n", failed, nproc);
  else if (after != before)
    printf("diskstorm: FAILED: free frames %d before, %d after\n", (int)before, (int)after);
  else
    printf("diskstorm: %d processes x %d blocks: OK\n", nproc, nblocks);
  exit(failed || after != before);
}
