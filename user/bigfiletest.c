// bigfiletest: the largest file on the default disk, and freeing big files
// over several transactions (kernel/fs/reclaim.c).
//
// The default image holds a file of MAXFILE blocks with room to spare.
// Writing one, reading it back and removing it must leave the disk exactly
// as it was: every data block, map block and inode back on the free lists
// (fsstat's counts, as df shows them). Freeing such a file touches far
// more blocks than one transaction may log, so the kernel frees it in
// steps; these tests check the steps add up, for each way a file is freed:
// open with O_TRUNC, unlink, and close of a file unlinked while open.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fcntl.h"
#include "kernel/stat.h"
#include "kernel/fs.h"
#include "user/user.h"
#include "user/testlib.h"

#define F "/bigfile"
#define CHUNK (16 * BSIZE) // bytes per write()
// Map blocks over a file of n blocks: the indirect block, then the doubly
// indirect one and an indirect block under it per NINDIRECT blocks.
#define MAPS(n)                                                                \
  (((n) > NDIRECT) +                                                           \
   ((n) > NDIRECT + NINDIRECT ? 1 + ((n)-NDIRECT - NINDIRECT + NINDIRECT - 1) / NINDIRECT : 0))

static char buf[CHUNK];

static struct fsstat fs(void) {
  struct fsstat s;
  CHECK(fsstat(&s) == 0);
  return s;
}

static uint size_of(int fd) {
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  return st.size;
}

// Block bn of a file written with seed carries bn and the seed in its
// first two words and at its end, so a block read from the wrong place
// (or an old block not overwritten) shows.
static void stamp(char *b, uint bn, int seed) {
  uint *w = (uint *)b;
  w[0] = bn;
  w[1] = seed;
  w[BSIZE / sizeof(uint) - 1] = bn ^ seed;
}

static int stamped(const char *b, uint bn, int seed) {
  const uint *w = (const uint *)b;
  return w[0] == bn && w[1] == seed && w[BSIZE / sizeof(uint) - 1] == (bn ^ seed);
}

// Append nblocks stamped blocks to fd, which is at block first.
static void fill(int fd, uint first, uint nblocks, int seed) {
  for (uint bn = first; bn < first + nblocks;) {
    uint k = first + nblocks - bn < CHUNK / BSIZE ? first + nblocks - bn : CHUNK / BSIZE;
    for (uint i = 0; i < k; i++)
      stamp(buf + i * BSIZE, bn + i, seed);
    EXPECT(write(fd, buf, k * BSIZE), k * BSIZE);
    bn += k;
  }
}

// Read nblocks blocks from fd (at block 0) and check their stamps.
static void verify(int fd, uint nblocks, int seed) {
  for (uint bn = 0; bn < nblocks;) {
    uint k = nblocks - bn < CHUNK / BSIZE ? nblocks - bn : CHUNK / BSIZE;
    EXPECT(read(fd, buf, k * BSIZE), k * BSIZE);
    for (uint i = 0; i < k; i++)
      if (!stamped(buf + i * BSIZE, bn + i, seed)) {
        printf("bigfiletest %s: block %d holds block %d of seed %d\n", test_name, bn + i,
               ((uint *)(buf + i * BSIZE))[0], ((uint *)(buf + i * BSIZE))[1]);
        fail("a block read back differs from the one written");
      }
    bn += k;
  }
}

static int make(uint nblocks, int seed) {
  int fd = open(F, O_CREATE | O_RDWR);
  CHECK(fd >= 0);
  fill(fd, 0, nblocks, seed);
  EXPECT(size_of(fd), nblocks * BSIZE);
  return fd;
}

// MAXFILE blocks: exactly MAXFILE data blocks and the map blocks over
// them are used; a byte more is refused; every block reads back; O_TRUNC
// gives all of them back (in several steps); unlink the inode.
static void maxfile(void) {
  struct fsstat s0 = fs();
  uint64 t0 = rdtime();
  int fd = make(MAXFILE, 1);
  EXPECT(fsync(fd), 0); // durable under every commit mode, so the times compare
  EXPECT(s0.free - fs().free, MAXFILE + MAPS(MAXFILE));
  EXPECT(write(fd, "x", 1), -1);
  EXPECT(size_of(fd), MAXFILE * BSIZE);
  close(fd);

  fd = open(F, O_RDONLY);
  CHECK(fd >= 0);
  verify(fd, MAXFILE, 1);
  EXPECT(read(fd, buf, 1), 0);
  close(fd);
  uint64 t2 = rdtime();
  // The time to write the file and read it back (rdtime ticks; disk time
  // included), and what the disk did: issue 25's figure, per commit mode.
  struct fsstat s2 = fs();
  printf("bigfiletest: maxfile: write and read back %d blocks: %ld ticks, %ld commits, "
         "%ld block writes\n", (int)MAXFILE, t2 - t0, s2.commits - s0.commits, s2.writes - s0.writes);

  fd = open(F, O_RDWR | O_TRUNC);
  CHECK(fd >= 0);
  EXPECT(size_of(fd), 0);
  EXPECT(fs().free, s0.free);
  EXPECT(fs().ifree, s0.ifree - 1);
  fill(fd, 0, 100, 2); // the file works on
  close(fd);
  EXPECT(unlink(F), 0);
  EXPECT(fs().free, s0.free);
  EXPECT(fs().ifree, s0.ifree);
}

// Big enough that freeing it takes several steps when the harness boots
// with trimcap=64, as it does: a step then cuts at most 64 blocks.
#define BIG (NDIRECT + NINDIRECT + 2 * NINDIRECT + 5)

// unlink of a big file nobody has open frees it before unlink returns.
static void unlinkbig(void) {
  struct fsstat s0 = fs();
  close(make(BIG, 3));
  EXPECT(s0.free - fs().free, BIG + MAPS(BIG));
  EXPECT(unlink(F), 0);
  EXPECT(fs().free, s0.free);
  EXPECT(fs().ifree, s0.ifree);
}

// A big file unlinked while open lives on until its last close: it can
// be written and read, and its space comes back only at the close.
static void unlinkopen(void) {
  struct fsstat s0 = fs();
  int fd = make(BIG, 4);
  EXPECT(unlink(F), 0);
  CHECK(open(F, O_RDONLY) < 0);
  EXPECT(s0.free - fs().free, BIG + MAPS(BIG));
  EXPECT(fs().ifree, s0.ifree - 1);
  fill(fd, BIG, NINDIRECT, 4); // written after the unlink
  int fd2 = dup(fd);
  close(fd);
  EXPECT(s0.free - fs().free, BIG + NINDIRECT + MAPS(BIG + NINDIRECT));
  close(fd2);
  EXPECT(fs().free, s0.free);
  EXPECT(fs().ifree, s0.ifree);
}

static struct test tests[] = {
    {"maxfile", maxfile},
    {"unlinkbig", unlinkbig},
    {"unlinkopen", unlinkopen},
};

static uint dir_blocks(void) {
  struct stat st;
  CHECK(stat("/", &st) == 0);
  return st.size / BSIZE;
}

// The root directory may grow by a block for F's name; that block is the
// directory's, not leaked.
static uint64 free_blocks(void) {
  return fs().free + dir_blocks();
}

int main(int argc, char *argv[]) {
  test_prog = "bigfiletest";
  unlink(F);
  struct test_suite suite = {"BIGFILE", tests, NELEM(tests), 0, free_blocks, "free blocks"};
  exit(run_tests(&suite, argc, argv));
}
