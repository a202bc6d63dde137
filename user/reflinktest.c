// reflinktest: file reflinks (clonefile) and the reference-counted disk
// blocks under them.
//
// A clone shares every data block of its source, and a write to either
// file copies just the block it writes, so the tests check two things
// after every operation: the contents of both files, against images kept
// in memory, and the block accounting, against fsstat(): how many blocks
// are free and how many are shared. A clone of a big file must cost its
// indirect blocks and nothing more, and a failed clone must leave the
// file system exactly as it was.
//
// Each test runs in its own child (user/testlib.c) in the directory rlt/,
// and must leave as many free frames and free data blocks as it found: a
// lost or doubly freed block shows up there long before it shows up as
// wrong data. At the end, with rlt/ gone, the free frames, free blocks,
// shared blocks and free inodes must all be as at the start.
//
// usage: reflinktest [name]   (no name: run them all)
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/stat.h"
#include "kernel/fs.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/testlib.h"

#define DIR "rlt"
#define R(name) DIR "/" name
#define CHUNK 4096 // bytes per read or write: one log transaction each

// ------------------------------------------------------------ checking

static struct fsstat fs(void) {
  struct fsstat s;
  CHECK(fsstat(&s) == 0);
  return s;
}

// The figures a failed call must leave alone (the disk counters move).
#define EXPECT_SAME_FS(a, b)                                                                       \
  do {                                                                                             \
    EXPECT((b).size, (a).size);                                                                    \
    EXPECT((b).nblocks, (a).nblocks);                                                              \
    EXPECT((b).free, (a).free);                                                                    \
    EXPECT((b).shared, (a).shared);                                                                \
    EXPECT((b).ninodes, (a).ninodes);                                                              \
    EXPECT((b).ifree, (a).ifree);                                                                  \
  } while (0)

static struct stat stat_of(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    printf("%s %s: FAILED: cannot stat %s\n", test_prog, test_name, path);
    exit(1);
  }
  return st;
}

static int exists(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd >= 0)
    close(fd);
  return fd >= 0;
}

// ------------------------------------------ files and their expected images

// What a file should hold. Every write goes to the file and to its image.
struct img {
  char *p;
  uint n, cap;
};

// Byte i of the pattern `seed`: it depends on the offset within the block,
// on the block and on the seed, so a block shared with the wrong file, or
// read from the wrong place, never passes for the right one.
static char pat(int seed, uint i) {
  return (char)(i * 7 + (i / BSIZE) * 13 + seed * 61 + (i >> 5));
}

static void img_reserve(struct img *im, uint n) {
  if (n <= im->cap)
    return;
  char *p = malloc(n);
  CHECK(p != 0);
  memmove(p, im->p, im->n);
  free(im->p);
  im->p = p;
  im->cap = n;
}

static struct img img_copy(const struct img *src) {
  struct img im = {0, 0, 0};
  img_reserve(&im, src->n);
  memmove(im.p, src->p, src->n);
  im.n = src->n;
  return im;
}

static void img_drop(struct img *im) {
  free(im->p);
  im->p = 0;
  im->n = im->cap = 0;
}

static int xopen(const char *path, int mode, int line) {
  int fd = open(path, mode);
  if (fd < 0) {
    printf("%s %s: FAILED: line %d: cannot open %s\n", test_prog, test_name, line, path);
    exit(1);
  }
  return fd;
}
#define OPEN(path, mode) xopen(path, mode, __LINE__)

// Data to write: len bytes of pattern `seed` at offset off.
struct put {
  uint off, len;
  int seed;
};

// Make the writes in puts[0..n-1] (in increasing order of offset, each at
// most at the end of the file) to path and to its image. There is no
// lseek: one pass reads its way forward to each offset, then writes in
// CHUNK pieces.
static void put_all(const char *path, struct img *im, const struct put *puts, int n) {
  static char buf[CHUNK];
  int fd = OPEN(path, O_RDWR);
  uint pos = 0;
  for (const struct put *p = puts; p < puts + n; p++) {
    CHECK(pos <= p->off && p->off <= im->n);
    for (; pos < p->off;) {
      uint k = p->off - pos < CHUNK ? p->off - pos : CHUNK;
      EXPECT(read(fd, buf, k), k);
      pos += k;
    }
    img_reserve(im, p->off + p->len);
    for (uint i = 0; i < p->len; i++)
      im->p[p->off + i] = pat(p->seed, i);
    for (; pos < p->off + p->len;) {
      uint k = p->off + p->len - pos < CHUNK ? p->off + p->len - pos : CHUNK;
      EXPECT(write(fd, im->p + pos, k), k);
      pos += k;
    }
    if (pos > im->n)
      im->n = pos;
  }
  EXPECT(close(fd), 0);
}

static void put_at(const char *path, struct img *im, uint off, uint len, int seed) {
  struct put p = {off, len, seed};
  put_all(path, im, &p, 1);
}

// A new file of n bytes of pattern `seed`.
static struct img make(const char *path, uint n, int seed) {
  struct img im = {0, 0, 0};
  CHECK(!exists(path));
  EXPECT(close(OPEN(path, O_CREATE | O_WRONLY)), 0);
  put_at(path, &im, 0, n, seed);
  return im;
}

// The same, when the test needs no image of it.
static void create(const char *path, uint n, int seed) {
  struct img im = make(path, n, seed);
  img_drop(&im);
}

// The file's size and every byte must match the image.
static void verify(const char *path, const struct img *im) {
  static char buf[CHUNK];
  int fd = OPEN(path, O_RDONLY);
  struct stat st;
  EXPECT(fstat(fd, &st), 0);
  if (st.size != im->n) {
    printf("%s %s: FAILED: %s has %ld bytes, expected %d\n", test_prog, test_name, path, st.size,
           im->n);
    exit(1);
  }
  for (uint off = 0; off < im->n;) {
    uint k = im->n - off < CHUNK ? im->n - off : CHUNK;
    EXPECT(read(fd, buf, k), k);
    for (uint i = 0; i < k; i++) {
      if (buf[i] != im->p[off + i]) {
        printf("%s %s: FAILED: %s byte %d is %d, expected %d\n", test_prog, test_name, path,
               off + i, (uchar)buf[i], (uchar)im->p[off + i]);
        exit(1);
      }
    }
    off += k;
  }
  EXPECT(read(fd, buf, 1), 0);
  EXPECT(close(fd), 0);
}

static void clone_ok(const char *src, const char *dst) {
  if (clonefile(src, dst) != 0) {
    printf("%s %s: FAILED: clonefile(%s, %s) failed, expected 0\n", test_prog, test_name, src, dst);
    exit(1);
  }
}

// A clone that must fail: -1, and the same figures afterwards. (Whether
// a name appeared is checked by the callers: dst may be a bad pointer.)
static void clone_fails(const char *src, const char *dst, const char *why) {
  struct fsstat before = fs();
  int r = clonefile(src, dst);
  if (r != -1) {
    printf("%s %s: FAILED: clonefile of %s gave %d, expected -1\n", test_prog, test_name, why, r);
    exit(1);
  }
  struct fsstat after = fs();
  EXPECT_SAME_FS(before, after);
}

// Names in directory dir, other than . and ..
static int entries(const char *dir) {
  struct dirent de;
  int fd = OPEN(dir, O_RDONLY), n = 0;
  while (read(fd, &de, sizeof(de)) == sizeof(de))
    if (de.inum != 0 && strcmp(de.name, ".") != 0 && strcmp(de.name, "..") != 0)
      n++;
  EXPECT(close(fd), 0);
  return n;
}

// How many blocks a file of n bytes holds: data, then the indirect block,
// then the doubly indirect one with its second-level indirect blocks.
static uint data_blocks(uint n) { return (n + BSIZE - 1) / BSIZE; }

static uint index_blocks(uint n) {
  uint b = data_blocks(n);
  if (b <= NDIRECT)
    return 0;
  if (b <= NDIRECT + NINDIRECT)
    return 1;
  b -= NDIRECT + NINDIRECT;
  return 2 + (b + NINDIRECT - 1) / NINDIRECT;
}

// free and shared must have moved by exactly dfree and dshared since s.
#define EXPECT_MOVED(s, dfree, dshared)                                                            \
  do {                                                                                             \
    struct fsstat now_ = fs();                                                                     \
    EXPECT((long)now_.free - (long)(s).free, dfree);                                               \
    EXPECT((long)now_.shared - (long)(s).shared, dshared);                                         \
    (s) = now_;                                                                                    \
  } while (0)

// ------------------------------------------------------------------ tests

// A clone is a new file of the same size and mode, sharing every data
// block; it costs an inode and its own indirect block.
static void t_clone(void) {
  uint n = 20 * BSIZE + 300; // direct and indirect blocks, the last partial
  struct img a = make(R("a"), n, 1);
  EXPECT(chmod(R("a"), 0640), 0);
  struct fsstat s = fs();
  clone_ok(R("a"), R("b"));
  struct fsstat t = fs();
  EXPECT((long)s.free - (long)t.free, index_blocks(n));
  EXPECT(t.shared - s.shared, data_blocks(n));
  EXPECT(s.ifree - t.ifree, 1);
  struct stat sa = stat_of(R("a")), sb = stat_of(R("b"));
  EXPECT(sb.type, T_FILE);
  EXPECT(sb.nlink, 1);
  EXPECT(sb.size, n);
  EXPECT(sb.mode, 0640);
  EXPECT(sb.uid, 0);
  CHECK(sb.ino != sa.ino);
  verify(R("a"), &a);
  verify(R("b"), &a);
  EXPECT(unlink(R("a")), 0);
  EXPECT(unlink(R("b")), 0);
  img_drop(&a);
}

// Writes to the clone copy exactly the blocks they touch; the source
// never sees them. Blocks the clone has copied are then the source's
// alone, and the source writes those in place.
static void t_write_clone(void) {
  uint n = 20 * BSIZE + 300;
  struct img a = make(R("a"), n, 1);
  clone_ok(R("a"), R("b"));
  struct img b = img_copy(&a);
  struct fsstat s = fs();
  put_at(R("b"), &b, 0, 100, 2); // the first block
  EXPECT_MOVED(s, -1, -1);
  put_at(R("b"), &b, 11 * BSIZE - 500, 1000, 3); // the last direct and first indirect block
  EXPECT_MOVED(s, -2, -2);
  put_at(R("b"), &b, n - 50, 50, 4); // the last, partial block
  EXPECT_MOVED(s, -1, -1);
  put_at(R("b"), &b, n, 2000, 5); // append: the rest of the last block and 2 more
  EXPECT_MOVED(s, -2, 0);
  verify(R("a"), &a);
  verify(R("b"), &b);
  put_at(R("a"), &a, 10, 20, 6); // block 0: the source's alone now, written in place
  EXPECT_MOVED(s, 0, 0);
  verify(R("a"), &a);
  verify(R("b"), &b);
  EXPECT(unlink(R("a")), 0);
  EXPECT(unlink(R("b")), 0);
  img_drop(&a);
  img_drop(&b);
}

// The mirror image: writes to the source leave the clone as it was.
static void t_write_source(void) {
  uint n = 20 * BSIZE + 300;
  struct img a = make(R("a"), n, 1);
  clone_ok(R("a"), R("b"));
  struct img b = img_copy(&a);
  struct fsstat s = fs();
  put_at(R("a"), &a, 0, BSIZE, 7);
  EXPECT_MOVED(s, -1, -1);
  put_at(R("a"), &a, 11 * BSIZE - 1, 2, 8);
  EXPECT_MOVED(s, -2, -2);
  put_at(R("a"), &a, n - 1, 1, 9);
  EXPECT_MOVED(s, -1, -1);
  put_at(R("a"), &a, n, 3000, 10); // the rest of block 20, then 3 new blocks
  EXPECT_MOVED(s, -3, 0);
  verify(R("a"), &a);
  verify(R("b"), &b);
  put_at(R("b"), &b, BSIZE - 4, 8, 11); // blocks 0 (now the clone's alone) and 1 (shared)
  EXPECT_MOVED(s, -1, -1);
  verify(R("a"), &a);
  verify(R("b"), &b);
  EXPECT(unlink(R("a")), 0);
  EXPECT(unlink(R("b")), 0);
  img_drop(&a);
  img_drop(&b);
}

// An empty file has no blocks to share: the clone costs only its inode.
static void t_empty(void) {
  struct img e = make(R("e"), 0, 1);
  struct fsstat s = fs();
  clone_ok(R("e"), R("f"));
  struct fsstat t = fs();
  EXPECT(t.ifree, s.ifree - 1);
  EXPECT_MOVED(s, 0, 0);
  struct img f = img_copy(&e);
  verify(R("f"), &f);
  put_at(R("f"), &f, 0, 10, 2);
  EXPECT_MOVED(s, -1, 0);
  verify(R("e"), &e);
  verify(R("f"), &f);
  EXPECT(unlink(R("e")), 0);
  EXPECT(unlink(R("f")), 0);
  img_drop(&f);
}

// A 1 MiB file runs through the direct, the indirect and the doubly
// indirect blocks. Its clone takes a handful of new index blocks and no
// data blocks; writes on both sides at the boundaries between the three
// kinds (blocks 10/11 and 266/267) copy just the blocks they touch.
static void t_big(void) {
  uint n = 1024 * BSIZE;
  struct img a = make(R("big"), n, 1);
  struct fsstat s = fs();
  clone_ok(R("big"), R("big2"));
  struct fsstat t = fs();
  uint cost = s.free - t.free;
  if (cost > 8) {
    printf("%s %s: FAILED: the clone of 1 MiB took %d blocks, expected at most 8\n", test_prog,
           test_name, cost);
    exit(1);
  }
  EXPECT(cost, index_blocks(n));
  EXPECT(t.shared - s.shared, 1024);
  s = t;
  struct img b = img_copy(&a);
  uint dbl = NDIRECT + NINDIRECT; // the first block under the doubly indirect one
  struct put clone_writes[] = {
      {0, 1, 20},                         // the first block
      {NDIRECT * BSIZE - 10, 20, 21},     // blocks 10 and 11
      {(dbl - 1) * BSIZE + 500, 400, 22}, // the last block of the indirect one
      {dbl * BSIZE - 100, 200, 23},       // 266 again (copied already) and 267
      {600 * BSIZE + 5, 10, 24},          // deep in the doubly indirect part
      {n - 3, 3, 25},                     // the last byte
  };
  put_all(R("big2"), &b, clone_writes, 6);
  EXPECT_MOVED(s, -7, -7); // blocks 0, 10, 11, 266, 267, 600, 1023
  struct put source_writes[] = {
      {5 * BSIZE, 1, 30}, {300 * BSIZE + 1000, 100, 31}, {800 * BSIZE, BSIZE, 32}};
  put_all(R("big"), &a, source_writes, 3);
  EXPECT_MOVED(s, -4, -4);                 // blocks 5, 300, 301, 800
  put_at(R("big2"), &b, n, 2 * BSIZE, 40); // append to the clone: 2 new blocks
  EXPECT_MOVED(s, -2, 0);
  verify(R("big"), &a);
  verify(R("big2"), &b);
  EXPECT(unlink(R("big")), 0);
  EXPECT(unlink(R("big2")), 0);
  img_drop(&a);
  img_drop(&b);
}

// Unlinking the source drops its references: only its own index block is
// freed, and the clone, now sole owner of the rest, still reads right.
static void t_unlink_source(void) {
  uint n = 60 * BSIZE;
  struct img a = make(R("a"), n, 1);
  clone_ok(R("a"), R("b"));
  struct fsstat s = fs();
  EXPECT(unlink(R("a")), 0);
  EXPECT_MOVED(s, index_blocks(n), -(long)data_blocks(n));
  verify(R("b"), &a);
  EXPECT(unlink(R("b")), 0);
  EXPECT_MOVED(s, data_blocks(n) + index_blocks(n), 0);
  img_drop(&a);
}

// Truncating a clone (open with O_TRUNC) frees none of the shared blocks.
static void t_truncate(void) {
  uint n = 40 * BSIZE;
  struct img a = make(R("a"), n, 1);
  clone_ok(R("a"), R("b"));
  struct fsstat s = fs();
  int fd = OPEN(R("b"), O_WRONLY | O_TRUNC);
  EXPECT_MOVED(s, index_blocks(n), -(long)data_blocks(n));
  EXPECT(write(fd, "new", 3), 3);
  EXPECT(close(fd), 0);
  EXPECT_MOVED(s, -1, 0);
  verify(R("a"), &a);
  struct img b = {0, 0, 0};
  img_reserve(&b, 3);
  memmove(b.p, "new", 3);
  b.n = 3;
  verify(R("b"), &b);
  EXPECT(unlink(R("a")), 0);
  EXPECT(unlink(R("b")), 0);
  img_drop(&a);
  img_drop(&b);
}

// A clone of a clone of a clone: three files share each block; a write
// to one copies it once and leaves the other two sharing.
static void t_chain(void) {
  uint n = 30 * BSIZE;
  struct img a = make(R("a"), n, 1);
  clone_ok(R("a"), R("b"));
  clone_ok(R("b"), R("c"));
  struct fsstat s = fs();
  struct img orig = img_copy(&a), c = img_copy(&a);
  put_at(R("c"), &c, 3 * BSIZE, 1, 2);
  EXPECT_MOVED(s, -1, 0); // block 3 is still shared by a and b
  put_at(R("a"), &a, 3 * BSIZE, 1, 3);
  EXPECT_MOVED(s, -1, -1); // now b holds the original alone
  verify(R("a"), &a);
  verify(R("b"), &orig);
  verify(R("c"), &c);
  EXPECT(unlink(R("a")), 0);
  EXPECT(unlink(R("b")), 0);
  EXPECT(unlink(R("c")), 0);
  img_drop(&a);
  img_drop(&orig);
  img_drop(&c);
}

// Every way a clone can be refused gives -1 and changes nothing.
static void t_errors(void) {
  struct img a = make(R("a"), 3 * BSIZE, 1);
  struct img x = make(R("x"), 100, 2);
  EXPECT(mkdir(R("sub")), 0);
  clone_fails(R("a"), R("x"), "onto an existing file");
  clone_fails(R("a"), R("a"), "onto itself");
  clone_fails(R("a"), R("sub"), "onto a directory");
  clone_fails(R("sub"), R("d2"), "a directory");
  clone_fails(".", R("d3"), "the current directory");
  clone_fails("/console", R("c2"), "a device");
  clone_fails(R("missing"), R("m2"), "a missing file");
  clone_fails(R("a"), R("nodir/a2"), "into a missing directory");
  clone_fails(R("a"), R("x/a2"), "into a file as if a directory");
  clone_fails("", R("e2"), "the empty name");
  clone_fails(R("a"), "", "to the empty name");
  clone_fails((char *)0xffffffffffL, R("p2"), "a kernel-range source pointer");
  clone_fails(R("a"), (char *)0xffffffffffL, "to a kernel-range pointer");
  char *hole = sbrk(0) + 64 * PGSIZE; // past the heap: not mapped
  clone_fails(hole, R("p3"), "an unmapped source pointer");
  clone_fails(R("a"), hole, "to an unmapped pointer");
  EXPECT(entries(DIR), 3); // a, x and sub: no name was made
  EXPECT(entries(R("sub")), 0);
  EXPECT(stat_of(R("a")).nlink, 1);
  verify(R("a"), &a);
  verify(R("x"), &x);
  EXPECT(unlink(R("sub")), 0);
  EXPECT(unlink(R("a")), 0);
  EXPECT(unlink(R("x")), 0);
  img_drop(&a);
  img_drop(&x);
}

// The clone's owner is the caller; its mode is the source's permission
// bits without setuid and setgid, less the caller's umask (as cp makes a
// new file).
static void t_mode(void) {
  struct img a = make(R("a"), 10, 1);
  EXPECT(chmod(R("a"), S_ISUID | S_ISGID | 0751), 0);
  clone_ok(R("a"), R("b")); // umask 022
  EXPECT(stat_of(R("b")).mode, 0751);
  umask(077);
  clone_ok(R("a"), R("c"));
  EXPECT(stat_of(R("c")).mode, 0700);
  EXPECT(chmod(R("a"), 0), 0); // root reads anything, so root may clone it
  clone_ok(R("a"), R("d"));
  EXPECT(stat_of(R("d")).mode, 0);
  verify(R("d"), &a);
  EXPECT(unlink(R("a")), 0);
  EXPECT(unlink(R("b")), 0);
  EXPECT(unlink(R("c")), 0);
  EXPECT(unlink(R("d")), 0);
  img_drop(&a);
}

// Run as user 5 (in a child): the clone needs read permission on the
// source and write permission on the destination's directory, and the
// clone belongs to user 5.
static void as_user5(void) {
  EXPECT(setgid(5), 0);
  EXPECT(setuid(5), 0);
  clone_fails(R("secret"), R("s2"), "an unreadable file");
  clone_fails(R("pub"), R("ro/p2"), "into a directory the user may not write");
  EXPECT(entries(DIR), 3); // secret, pub and ro
  EXPECT(entries(R("ro")), 0);
  clone_ok(R("pub"), R("p2"));
  struct stat st = stat_of(R("p2"));
  EXPECT(st.uid, 5);
  EXPECT(st.gid, 5);
  EXPECT(st.mode, 0644);
  EXPECT(unlink(R("p2")), 0);
  exit(0);
}

static void t_perm(void) {
  create(R("secret"), 100, 1);
  create(R("pub"), 100, 2);
  EXPECT(chmod(R("secret"), 0600), 0);
  EXPECT(chmod(R("pub"), 0644), 0);
  EXPECT(mkdir(R("ro")), 0);
  EXPECT(chmod(R("ro"), 0755), 0);
  EXPECT(chmod(DIR, 0777), 0);
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0)
    as_user5();
  int st = -7;
  EXPECT(wait(&st), pid);
  EXPECT(chmod(DIR, 0755), 0);
  EXPECT(st, 0);
  EXPECT(unlink(R("ro")), 0);
  EXPECT(unlink(R("secret")), 0);
  EXPECT(unlink(R("pub")), 0);
}

// Grow path by whole CHUNKs, then single bytes, until a write fails.
static void grow_until_full(const char *path) {
  static char buf[CHUNK];
  int fd = OPEN(path, O_CREATE | O_WRONLY);
  while (write(fd, buf, CHUNK) == CHUNK)
    ;
  for (int i = 0; i <= BSIZE && write(fd, buf, 1) == 1; i++)
    ;
  EXPECT(close(fd), 0);
}

// Take every free block. A write to the first file can fail with a block
// left that it cannot use (it needed an index block as well); a second
// file, whose first blocks are direct, takes that one.
static void fill_disk(void) {
  grow_until_full(R("fill"));
  grow_until_full(R("fill2"));
  EXPECT(fs().free, 0);
}

// On a full disk, a clone that needs no new block (a file of direct
// blocks only) still works; one that needs index blocks the disk does
// not have fails, even part way, and leaves everything as it was.
static void t_full(void) {
  uint n = 300 * BSIZE; // an indirect, a doubly indirect and one below it
  struct img big = make(R("big"), n, 1);
  struct img small = make(R("small"), NDIRECT * BSIZE, 2);
  make(R("gap"), 2 * BSIZE, 3);
  fill_disk();
  clone_ok(R("small"), R("small2"));
  verify(R("small2"), &small);
  EXPECT(unlink(R("small2")), 0);
  EXPECT(fs().free, 0);
  EXPECT(unlink(R("gap")), 0); // two blocks free: one short of what the clone needs
  EXPECT(fs().free, 2);
  EXPECT(index_blocks(n), 3);
  clone_fails(R("big"), R("big2"), "needing 3 blocks with 2 free");
  clone_fails(R("small"), R("small"), "onto itself on a full disk");
  EXPECT(entries(DIR), 4); // big, small, the two fillers and nothing else
  EXPECT(unlink(R("fill")), 0);
  EXPECT(unlink(R("fill2")), 0);
  clone_ok(R("big"), R("big2"));
  verify(R("big2"), &big);
  EXPECT(unlink(R("big")), 0);
  EXPECT(unlink(R("big2")), 0);
  EXPECT(unlink(R("small")), 0);
  img_drop(&big);
  img_drop(&small);
}

// many/fNNN, the i-th file of t_inodes.
static char *numbered(char *buf, int i) {
  strcpy(buf, R("many/f000"));
  char *d = buf + strlen(buf) - 3;
  d[0] += i / 100;
  d[1] += i / 10 % 10;
  d[2] += i % 10;
  return buf;
}

// With every inode in use, a clone fails and changes nothing.
static void t_inodes(void) {
  char name[32];
  create(R("a"), 5 * BSIZE, 1);
  EXPECT(mkdir(R("many")), 0);
  int n = 0;
  for (int fd; n < 1000 && (fd = open(numbered(name, n), O_CREATE | O_WRONLY)) >= 0; n++)
    EXPECT(close(fd), 0);
  EXPECT(fs().ifree, 0);
  clone_fails(R("a"), R("a2"), "with no free inode");
  EXPECT(entries(DIR), 2);
  for (int i = 0; i < n; i++)
    EXPECT(unlink(numbered(name, i)), 0);
  EXPECT(unlink(R("many")), 0);
  clone_ok(R("a"), R("a2"));
  EXPECT(unlink(R("a")), 0);
  EXPECT(unlink(R("a2")), 0);
}

// ------------------------------------------------------------ the runner

// The runner (user/testlib.c) counts free frames around each test; it
// also watches the free data blocks. A directory never shrinks, so the
// blocks that DIR or / gained during a test count as free here: they are
// the directories' own, not leaked.
static uint dir_blocks(const char *path) { return (stat_of(path).size + BSIZE - 1) / BSIZE; }

static uint64 free_blocks(void) {
  return fs().free + dir_blocks("/") + (exists(DIR) ? dir_blocks(DIR) : 0);
}

// Empty dir of whatever a crashed run left there.
static void clean(const char *dir) {
  struct dirent de;
  char path[64];
  int fd = open(dir, O_RDONLY);
  if (fd < 0)
    return;
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0 || strcmp(de.name, ".") == 0 || strcmp(de.name, "..") == 0)
      continue;
    char name[DIRSIZ + 1];
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    strcpy(path, dir);
    strcpy(path + strlen(path), "/");
    strcpy(path + strlen(path), name);
    struct stat st;
    if (stat(path, &st) == 0 && st.type == T_DIR)
      clean(path);
    unlink(path);
  }
  close(fd);
}

static struct test tests[] = {
    {"clone", t_clone},
    {"write-clone", t_write_clone},
    {"write-source", t_write_source},
    {"empty", t_empty},
    {"big", t_big},
    {"unlink-source", t_unlink_source},
    {"truncate", t_truncate},
    {"chain", t_chain},
    {"errors", t_errors},
    {"mode", t_mode},
    {"perm", t_perm},
    {"full", t_full},
    {"inodes", t_inodes},
};

// After the tests and the removal of DIR, everything must be back: free
// frames, free data blocks, shared blocks and free inodes.
static void check_end(struct memstat m0, struct fsstat f0, uint root0) {
  struct memstat m1 = mem_stats();
  struct fsstat f1 = fs();
  EXPECT(memstat_avail(&m1), memstat_avail(&m0));
  EXPECT(f1.free + dir_blocks("/") - root0, f0.free);
  EXPECT(f1.shared, f0.shared);
  EXPECT(f1.ifree, f0.ifree);
}

int main(int argc, char *argv[]) {
  test_prog = "reflinktest";
  test_name = "setup";
  clean(DIR);
  unlink(DIR);
  struct memstat m0 = mem_stats();
  struct fsstat f0 = fs();
  uint root0 = dir_blocks("/");
  check(mkdir(DIR) == 0, "cannot make " DIR);
  struct test_suite suite = {"REFLINK", tests, NELEM(tests), 0, free_blocks, "free blocks"};
  int status = run_tests(&suite, argc, argv);
  test_name = "end";
  clean(DIR);
  EXPECT(unlink(DIR), 0);
  check_end(m0, f0, root0);
  exit(status);
}
