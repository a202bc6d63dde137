// usertests: a test suite for the kernel, run from the shell.
//
//   usertests          run every test
//   usertests NAME     run only the test called NAME
//
// Each test is a function run in a child process of its own, so a test
// that crashes, or is killed by the kernel on purpose, takes nothing else
// with it. The child exits 0 if every check held; on the first check that
// fails it prints what and where, and exits 1. The parent prints one line,
// "test NAME: OK" or "test NAME: FAILED", once the child is gone (so that
// kernel messages printed while the test runs never split that line), and
// at the end "ALL TESTS PASSED" or "SOME TESTS FAILED".
//
// Around the whole run the parent counts the free memory pages, the way
// xv6 does: a child grows its heap until the kernel says no. Every test
// gives back what it took, so the two counts must match; a difference
// means the kernel lost pages.
//
// Invariants: every check compares against one exact expected outcome;
// every test removes the files it makes, and copes with leftovers from a
// run that crashed; and no test leaves a process behind, so the final
// page count sees all memory returned.
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/param.h"
#include "kernel/fs.h"
#include "kernel/fs/file.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "user/user.h"
#include "user/testlib.h"

// ------------------------------------------------------------ checking

static char buf[8192]; // scratch space, shared by the tests

#define SBRK_FAIL ((char *)-1)

// The program the exec tests run. mkfs puts every program in the root
// directory; the absolute path works whatever the current directory.
#define ECHO "/echo"

// --------------------------------------------------------------- helpers

// Wait for child pid (which must be the next to finish) and return its
// exit status.
static int reap(int pid) {
  int status = 12345;
  EXPECT(wait(&status), pid);
  return status;
}

// Wait for n children, in any order; each must have exited with 0.
static void reap_all_ok(int n) {
  for (int i = 0; i < n; i++) {
    int status = 12345;
    CHECK(wait(&status) > 0);
    EXPECT(status, 0);
  }
}

static int run_child(void (*fn)(void)) {
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    fn();
    exit(0);
  }
  return pid;
}

// Run fn in a child; return its exit status (-1 if the kernel killed it).
static int child_status(void (*fn)(void)) {
  return reap(run_child(fn));
}

static int xopen(const char *name, int mode, int line) {
  int fd = open(name, mode);
  if (fd < 0) {
    printf("%s: line %d: cannot open %s\n", test_name, line, name);
    exit(1);
  }
  return fd;
}
#define OPEN(name, mode) xopen(name, mode, __LINE__)

static void put_file(const char *name, const void *data, int n) {
  int fd = OPEN(name, O_CREATE | O_WRONLY | O_TRUNC);
  EXPECT(write(fd, data, n), n);
  EXPECT(close(fd), 0);
}

// Read all of file name into out (at most max bytes): the byte count, or
// -1 if it cannot be opened.
static int get_file(const char *name, char *out, int max) {
  int fd = open(name, O_RDONLY);
  if (fd < 0)
    return -1;
  int n = 0, r;
  while (n < max && (r = read(fd, out + n, max - n)) > 0)
    n += r;
  close(fd);
  return n;
}

static struct stat stat_of(const char *name) {
  struct stat st;
  memset(&st, 0, sizeof(st));
  if (stat(name, &st) < 0) {
    printf("%s: cannot stat %s\n", test_name, name);
    exit(1);
  }
  return st;
}

// prefix followed by i as two digits, in out.
static char *numname(char *out, const char *prefix, int i) {
  int n = strlen(prefix);
  memmove(out, prefix, n);
  out[n] = '0' + i / 10 % 10;
  out[n + 1] = '0' + i % 10;
  out[n + 2] = 0;
  return out;
}

// Pad the heap to a page boundary, so that the address sbrk(0) returns
// is the first unmapped byte.
static void align_heap(void) {
  uint64 end = (uint64)sbrk(0);
  if (end % PGSIZE)
    CHECK(sbrk(PGSIZE - end % PGSIZE) != SBRK_FAIL);
}

// Grow the heap by a page and return the end of memory: the page below
// the returned address is ours, the page at it is not mapped.
static char *heap_end(void) {
  align_heap();
  CHECK(sbrk(PGSIZE) != SBRK_FAIL);
  return sbrk(0);
}

// Faulting on purpose: each function touches fault_addr once. Run in a
// child, the kernel must kill it (exit status -1).
static volatile char *fault_addr;

static void read_fault_addr(void) {
  (void)*fault_addr;
}

static void write_fault_addr(void) {
  *fault_addr = 1;
}

static void call_fault_addr(void) {
  ((void (*)(void))fault_addr)();
}

// Take every page the kernel will give, in big steps first and then
// smaller ones down to single pages: the count is exact, and costs far
// fewer system calls than asking a page at a time. Returns the count.
static int grab_all_pages(void) {
  int n = 0;
  for (int step = 64; step > 0; step /= 2)
    while (sbrk(step * PGSIZE) != SBRK_FAIL)
      n += step;
  return n;
}

// Give back what grab_all_pages took. A process must do this before it
// exits: its parent may need a frame (to copy a copy-on-write page) just
// to collect the exit status, and nothing else will free one for it.
static void release_pages(int n) {
  while (n > 0) {
    int k = n < 1024 ? n : 1024;
    CHECK(sbrk(-k * PGSIZE) != SBRK_FAIL);
    n -= k;
  }
}

// A starting gate: children block in gate_wait() until the parent's
// gate_release(), so that what they do next happens as nearly at once as
// the harts allow.
static int gate[2];

static void gate_open(void) {
  EXPECT(pipe(gate), 0);
}

static void gate_wait(void) {
  char c;
  close(gate[1]);
  EXPECT(read(gate[0], &c, 1), 1);
  close(gate[0]);
}

static void gate_release(int n) {
  close(gate[0]);
  for (int i = 0; i < n; i++)
    EXPECT(write(gate[1], "g", 1), 1);
  close(gate[1]);
}

// ------------------------------------------------------------ file tests

static void t_smallfile(void) {
  unlink("sf");
  int fd = OPEN("sf", O_CREATE | O_RDWR);
  for (int i = 0; i < 20; i++)
    EXPECT(write(fd, i % 2 ? "bbbbbbbbbb" : "aaaaaaaaaa", 10), 10);
  EXPECT(close(fd), 0);

  fd = OPEN("sf", O_RDONLY);
  struct stat st;
  EXPECT(fstat(fd, &st), 0);
  EXPECT(st.type, T_FILE);
  EXPECT(st.nlink, 1);
  EXPECT(st.size, 200);
  EXPECT(read(fd, buf, sizeof(buf)), 200);
  for (int i = 0; i < 200; i++)
    EXPECT(buf[i], i / 10 % 2 ? 'b' : 'a');
  EXPECT(read(fd, buf, 10), 0); // end of file
  EXPECT(close(fd), 0);

  EXPECT(unlink("sf"), 0);
  EXPECT(open("sf", O_RDONLY), -1);
  EXPECT(unlink("sf"), -1);
}

// Every byte of block b of the big file says which block it is.
static void fill_block(char *p, int b) {
  memset(p, b * 7 + 1, BSIZE);
  memmove(p, &b, sizeof(b));
}

static void check_block(const char *p, int b) {
  int first;
  memmove(&first, p, sizeof(first));
  EXPECT(first, b);
  for (int i = sizeof(b); i < BSIZE; i++)
    EXPECT((uchar)p[i], (uchar)(b * 7 + 1));
}

// A file through all three kinds of block: the direct ones, every block
// of the indirect one, then BIG_DOUBLE blocks through the doubly indirect
// one (MAXFILE is more than the disk holds). The first blocks go one
// write each, the rest eight blocks per write, which the kernel must split
// into several log transactions.
#define BIG_DOUBLE 300
#define BIG_BLOCKS (NDIRECT + NINDIRECT + BIG_DOUBLE)

static void t_bigfile(void) {
  unlink("bigf");
  int fd = OPEN("bigf", O_CREATE | O_RDWR);
  int b = 0;
  for (; b < NDIRECT; b++) {
    fill_block(buf, b);
    EXPECT(write(fd, buf, BSIZE), BSIZE);
  }
  while (b < BIG_BLOCKS) {
    int n = BIG_BLOCKS - b < 8 ? BIG_BLOCKS - b : 8;
    for (int i = 0; i < n; i++)
      fill_block(buf + i * BSIZE, b + i);
    EXPECT(write(fd, buf, n * BSIZE), n * BSIZE);
    b += n;
  }
  struct stat st;
  EXPECT(fstat(fd, &st), 0);
  EXPECT(st.size, BIG_BLOCKS * BSIZE);
  EXPECT(close(fd), 0);

  fd = OPEN("bigf", O_RDONLY);
  for (b = 0; b < BIG_BLOCKS; b++) {
    EXPECT(read(fd, buf, BSIZE), BSIZE);
    check_block(buf, b);
  }
  EXPECT(read(fd, buf, BSIZE), 0);
  EXPECT(close(fd), 0);
  EXPECT(unlink("bigf"), 0);
}

static void t_truncate(void) {
  put_file("tr", "1234", 4);
  int r = OPEN("tr", O_RDONLY);
  int w = OPEN("tr", O_WRONLY | O_TRUNC);
  struct stat st;
  EXPECT(fstat(w, &st), 0);
  EXPECT(st.size, 0);
  EXPECT(read(r, buf, 4), 0); // the reader sees the file empty at once
  EXPECT(write(w, "ab", 2), 2);
  EXPECT(read(r, buf, 4), 2);
  CHECK(memcmp(buf, "ab", 2) == 0);
  EXPECT(close(r), 0);
  EXPECT(close(w), 0);

  // O_CREATE on an existing file keeps its contents.
  int fd = OPEN("tr", O_CREATE | O_RDWR);
  EXPECT(read(fd, buf, 4), 2);
  EXPECT(close(fd), 0);

  EXPECT(unlink("tr"), 0);
  EXPECT(open("tr", O_WRONLY | O_TRUNC), -1); // O_TRUNC does not create
}

// Many files in one directory, which must grow past one block.
static void t_manyfiles(void) {
  char name[8];
  enum { N = 80 };
  mkdir("mfdir");
  EXPECT(chdir("mfdir"), 0);
  for (int i = 0; i < N; i++)
    put_file(numname(name, "f", i), name, 3);
  for (int i = 0; i < N; i++) {
    numname(name, "f", i);
    EXPECT(get_file(name, buf, sizeof(buf)), 3);
    CHECK(memcmp(buf, name, 3) == 0);
  }
  CHECK(stat_of(".").size >= N * sizeof(struct dirent));
  for (int i = 0; i < N; i++)
    EXPECT(unlink(numname(name, "f", i)), 0);
  for (int i = 0; i < N; i++)
    EXPECT(open(numname(name, "f", i), O_RDONLY), -1);
  EXPECT(chdir(".."), 0);
  EXPECT(unlink("mfdir"), 0);
}

// An open file outlives its last name.
static void t_unlinkopen(void) {
  put_file("uo", "hello", 5);
  int fd = OPEN("uo", O_RDWR);
  EXPECT(unlink("uo"), 0);
  EXPECT(open("uo", O_RDONLY), -1);
  struct stat st;
  EXPECT(fstat(fd, &st), 0);
  EXPECT(st.nlink, 0);

  put_file("uo", "yyy", 3); // a new file under the old name
  EXPECT(read(fd, buf, 10), 5);
  CHECK(memcmp(buf, "hello", 5) == 0);
  EXPECT(write(fd, "!", 1), 1);
  EXPECT(close(fd), 0);

  EXPECT(get_file("uo", buf, sizeof(buf)), 3);
  CHECK(memcmp(buf, "yyy", 3) == 0);
  EXPECT(unlink("uo"), 0);
}

static void t_link(void) {
  unlink("lf1");
  unlink("lf2");
  put_file("lf1", "hello", 5);
  EXPECT(link("lf1", "lf2"), 0);
  struct stat s1 = stat_of("lf1"), s2 = stat_of("lf2");
  EXPECT(s1.ino, s2.ino);
  EXPECT(s2.nlink, 2);

  EXPECT(unlink("lf1"), 0);
  EXPECT(open("lf1", O_RDONLY), -1);
  EXPECT(stat_of("lf2").nlink, 1);
  EXPECT(get_file("lf2", buf, sizeof(buf)), 5);
  CHECK(memcmp(buf, "hello", 5) == 0);

  EXPECT(link("lf2", "lf2"), -1); // the name is taken
  EXPECT(stat_of("lf2").nlink, 1); // and the failure left no trace
  EXPECT(link("lf2", "nodir/lf3"), -1);
  EXPECT(link("nosuch", "lf3"), -1);
  EXPECT(link(".", "lf3"), -1); // no links to directories
  EXPECT(open("lf3", O_RDONLY), -1);

  EXPECT(link("lf2", "lf1"), 0);
  EXPECT(unlink("lf2"), 0);
  EXPECT(stat_of("lf1").nlink, 1);
  EXPECT(unlink("lf1"), 0);
}

// Reading a directory: entries are struct dirent; a new one holds just
// "." and "..".
static void t_dir(void) {
  unlink("dd/ff");
  unlink("dd");
  unlink("pf");
  EXPECT(mkdir("dd"), 0);
  EXPECT(mkdir("dd"), -1);
  struct stat sd = stat_of("dd"), sc = stat_of(".");
  EXPECT(sd.type, T_DIR);

  int fd = OPEN("dd", O_RDONLY);
  struct dirent de;
  EXPECT(read(fd, &de, sizeof(de)), sizeof(de));
  CHECK(strcmp(de.name, ".") == 0);
  EXPECT(de.inum, sd.ino);
  EXPECT(read(fd, &de, sizeof(de)), sizeof(de));
  CHECK(strcmp(de.name, "..") == 0);
  EXPECT(de.inum, sc.ino);
  while (read(fd, &de, sizeof(de)) == sizeof(de))
    EXPECT(de.inum, 0);
  EXPECT(close(fd), 0);
  EXPECT(open("dd", O_WRONLY), -1);
  EXPECT(open("dd", O_RDWR), -1);

  EXPECT(chdir("dd"), 0);
  put_file("ff", "x", 1);
  EXPECT(chdir(".."), 0);
  EXPECT(stat_of("dd/ff").size, 1);
  EXPECT(stat_of("dd/.././dd//ff").size, 1);

  EXPECT(unlink("dd"), -1); // not empty
  EXPECT(mkdir("dd/ff"), -1);
  EXPECT(unlink("dd/."), -1);
  EXPECT(unlink("dd/.."), -1);
  EXPECT(unlink("dd/ff"), 0);
  EXPECT(unlink("dd"), 0);
  EXPECT(chdir("dd"), -1);
  EXPECT(open("dd", O_RDONLY), -1);
  EXPECT(mkdir("dd/x"), -1);

  // A plain file in the middle of a path is no directory.
  put_file("pf", "x", 1);
  EXPECT(open("pf/x", O_CREATE | O_RDWR), -1);
  EXPECT(mkdir("pf/x"), -1);
  EXPECT(mknod("pf/x", CONSOLE, 0), -1);
  EXPECT(link("pf", "pf/x"), -1);
  EXPECT(unlink("pf/x"), -1);
  EXPECT(chdir("pf"), -1);
  EXPECT(chdir("pf/x"), -1);
  EXPECT(unlink("pf"), 0);
}

static void t_nested(void) {
  unlink("n1/n2/n3/f");
  unlink("n1/n2/n3");
  unlink("n1/n2");
  unlink("n1");
  EXPECT(mkdir("n1"), 0);
  EXPECT(mkdir("n1/n2"), 0);
  EXPECT(mkdir("n1/n2/n3"), 0);
  put_file("n1/n2/n3/f", "deep", 4);
  uint top = stat_of(".").ino;

  EXPECT(chdir("n1/n2/n3"), 0);
  EXPECT(get_file("f", buf, sizeof(buf)), 4);
  EXPECT(stat_of("../../..").ino, top);
  EXPECT(unlink("../../../n1"), -1);
  EXPECT(chdir("../.."), 0);
  EXPECT(stat_of("n2/n3/f").size, 4);
  EXPECT(chdir(".."), 0);
  EXPECT(stat_of(".").ino, top);

  EXPECT(unlink("n1/n2"), -1);
  EXPECT(unlink("n1/n2/n3/f"), 0);
  EXPECT(unlink("n1/n2/n3"), 0);
  EXPECT(unlink("n1/n2"), 0);
  EXPECT(unlink("n1"), 0);
}

// The root is its own parent.
static void t_dotdot(void) {
  struct stat root = stat_of("/");
  EXPECT(root.ino, ROOTINO);
  EXPECT(root.type, T_DIR);
  EXPECT(stat_of("/..").ino, ROOTINO);
  EXPECT(stat_of("/.").ino, ROOTINO);
  EXPECT(stat_of("/../.././..").ino, ROOTINO);
  EXPECT(chdir("/"), 0);
  EXPECT(chdir(".."), 0);
  EXPECT(stat_of(".").ino, ROOTINO);
  EXPECT(unlink("/"), -1);
  EXPECT(unlink("/."), -1);
  EXPECT(unlink("/.."), -1);
  EXPECT(mkdir("/"), -1);
  EXPECT(link("/", "rootlink"), -1);
}

// Paths longer than MAXPATH are refused by every call that takes one.
static void t_longpath(void) {
  char *argv[] = {"x", 0};
  memset(buf, 'a', 2 * MAXPATH);
  buf[2 * MAXPATH] = 0;
  put_file("lp", "x", 1);
  EXPECT(open(buf, O_CREATE | O_RDWR), -1);
  EXPECT(open(buf, O_RDONLY), -1);
  EXPECT(mkdir(buf), -1);
  EXPECT(mknod(buf, CONSOLE, 0), -1);
  EXPECT(chdir(buf), -1);
  EXPECT(unlink(buf), -1);
  EXPECT(link("lp", buf), -1);
  EXPECT(link(buf, "lp2"), -1);
  EXPECT(exec(buf, argv), -1);
  EXPECT(unlink("lp"), 0);
}

// Names of exactly DIRSIZ characters have no room for a NUL in the
// directory entry, and must still work.
static void t_dirsiz(void) {
  const char *n14 = "abcdefghijklmn", *n13 = "abcdefghijklm";
  EXPECT(strlen(n14), DIRSIZ);
  unlink(n14);
  unlink(n13);
  put_file(n14, "14", 2);
  put_file(n13, "13", 2);
  EXPECT(get_file(n14, buf, sizeof(buf)), 2);
  CHECK(memcmp(buf, "14", 2) == 0);
  EXPECT(get_file(n13, buf, sizeof(buf)), 2);
  CHECK(memcmp(buf, "13", 2) == 0);

  int found = 0;
  int fd = OPEN(".", O_RDONLY);
  struct dirent de;
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    if (memcmp(de.name, n14, DIRSIZ) == 0)
      found |= 1;
    if (memcmp(de.name, n13, DIRSIZ - 1) == 0 && de.name[DIRSIZ - 1] == 0)
      found |= 2;
  }
  EXPECT(close(fd), 0);
  EXPECT(found, 3);

  EXPECT(unlink(n14), 0);
  EXPECT(open(n14, O_RDONLY), -1);
  EXPECT(get_file(n13, buf, sizeof(buf)), 2);
  EXPECT(unlink(n13), 0);

  EXPECT(mkdir(n14), 0);
  EXPECT(chdir(n14), 0);
  put_file("x", "x", 1);
  EXPECT(chdir(".."), 0);
  EXPECT(stat_of("abcdefghijklmn/x").size, 1);
  EXPECT(unlink("abcdefghijklmn/x"), 0);
  EXPECT(unlink(n14), 0);
}

// A process has NOFILE descriptors; the lowest free one is always next.
static void t_fdlimit(void) {
  int p[2];
  for (int fd = 3; fd < NOFILE; fd++)
    close(fd);
  put_file("fdl", "x", 1);
  for (int fd = 3; fd < NOFILE; fd++)
    EXPECT(open("fdl", O_RDONLY), fd);
  EXPECT(open("fdl", O_RDONLY), -1);
  EXPECT(dup(0), -1);
  EXPECT(pipe(p), -1);

  EXPECT(close(7), 0);
  EXPECT(pipe(p), -1); // needs two
  EXPECT(dup(0), 7);   // the failed pipe gave its one descriptor back
  EXPECT(close(7), 0);
  EXPECT(close(11), 0);
  EXPECT(pipe(p), 0);
  EXPECT(p[0], 7);
  EXPECT(p[1], 11);
  EXPECT(unlink("fdl"), 0);
}

// exit() closes every descriptor: ten processes in turn each open as many
// files as they can and exit without closing them, more in all than the
// kernel's NFILE open files.
static void t_exitclose(void) {
  put_file("ec", "x", 1);
  for (int round = 0; round < 10; round++) {
    int pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
      for (int fd = 3; fd < NOFILE; fd++)
        close(fd);
      for (int fd = 3; fd < NOFILE; fd++)
        EXPECT(open("ec", O_RDONLY), fd);
      exit(0);
    }
    EXPECT(reap(pid), 0);
  }
  EXPECT(close(OPEN("ec", O_RDONLY)), 0);
  EXPECT(unlink("ec"), 0);
}

static void t_badfd(void) {
  int bad[] = {-1, -1000, NOFILE, NOFILE + 1, 1000, NOFILE - 1};
  struct stat st;
  close(NOFILE - 1);
  for (int i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    int fd = bad[i];
    EXPECT(read(fd, buf, 1), -1);
    EXPECT(write(fd, buf, 1), -1);
    EXPECT(fstat(fd, &st), -1);
    EXPECT(dup(fd), -1);
    EXPECT(close(fd), -1);
  }

  // The wrong direction.
  put_file("bfd", "x", 1);
  int r = OPEN("bfd", O_RDONLY), w = OPEN("bfd", O_WRONLY);
  EXPECT(write(r, "y", 1), -1);
  EXPECT(read(w, buf, 1), -1);
  int p[2];
  EXPECT(pipe(p), 0);
  EXPECT(write(p[0], "y", 1), -1);
  EXPECT(read(p[1], buf, 1), -1);

  EXPECT(close(r), 0);
  EXPECT(close(r), -1); // twice
  EXPECT(close(w), 0);
  EXPECT(close(p[0]), 0);
  EXPECT(close(p[1]), 0);
  EXPECT(unlink("bfd"), 0);
}

// A dup shares the file offset.
static void t_dup(void) {
  unlink("dupf");
  int fd = OPEN("dupf", O_CREATE | O_RDWR);
  int fd2 = dup(fd);
  EXPECT(fd2, fd + 1);
  EXPECT(write(fd, "ab", 2), 2);
  EXPECT(write(fd2, "cd", 2), 2);
  EXPECT(close(fd), 0);
  EXPECT(write(fd2, "ef", 2), 2);
  EXPECT(close(fd2), 0);
  EXPECT(get_file("dupf", buf, sizeof(buf)), 6);
  CHECK(memcmp(buf, "abcdef", 6) == 0);
  EXPECT(unlink("dupf"), 0);
}

// Parent and child write through one shared descriptor at the same time:
// the shared offset means neither overwrites the other.
static void t_sharedfd(void) {
  unlink("shf");
  int fd = OPEN("shf", O_CREATE | O_RDWR);
  int pid = fork();
  CHECK(pid >= 0);
  char chunk[10];
  memset(chunk, pid == 0 ? 'c' : 'p', sizeof(chunk));
  for (int i = 0; i < 100; i++)
    EXPECT(write(fd, chunk, sizeof(chunk)), sizeof(chunk));
  if (pid == 0)
    exit(0);
  EXPECT(reap(pid), 0);
  EXPECT(close(fd), 0);

  int nc = 0, np = 0, n;
  fd = OPEN("shf", O_RDONLY);
  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    for (int i = 0; i < n; i++) {
      nc += buf[i] == 'c';
      np += buf[i] == 'p';
    }
  }
  EXPECT(n, 0);
  EXPECT(nc, 1000);
  EXPECT(np, 1000);
  EXPECT(close(fd), 0);
  EXPECT(unlink("shf"), 0);
}

// Four processes each write a file of their own at the same time.
static void t_concfiles(void) {
  enum { NCHILD = 4, CHUNKS = 20, CHUNK = 100 };
  char name[8];
  for (int k = 0; k < NCHILD; k++) {
    numname(name, "cf", k);
    unlink(name);
    int pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
      int fd = OPEN(name, O_CREATE | O_RDWR);
      memset(buf, '0' + k, CHUNK);
      for (int i = 0; i < CHUNKS; i++)
        EXPECT(write(fd, buf, CHUNK), CHUNK);
      exit(0);
    }
  }
  reap_all_ok(NCHILD);
  for (int k = 0; k < NCHILD; k++) {
    numname(name, "cf", k);
    EXPECT(get_file(name, buf, sizeof(buf)), CHUNKS * CHUNK);
    for (int i = 0; i < CHUNKS * CHUNK; i++)
      EXPECT(buf[i], '0' + k);
    EXPECT(unlink(name), 0);
  }
}

// Several processes race to do the same thing to one name: exactly one
// mkdir, unlink or link may win; every create wins (it opens the file
// if it exists). race() returns how many succeeded.
enum { RACERS = 4 };

static int race(int (*op)(void)) {
  gate_open();
  for (int i = 0; i < RACERS; i++) {
    int pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
      gate_wait();
      exit(op() < 0);
    }
  }
  gate_release(RACERS);
  int wins = 0;
  for (int i = 0; i < RACERS; i++) {
    int status;
    CHECK(wait(&status) > 0);
    wins += status == 0;
  }
  return wins;
}

static int op_mkdir(void) { return mkdir("rdir"); }
static int op_unlinkdir(void) { return unlink("rdir"); }
static int op_link(void) { return link("rfile", "rlink"); }
static int op_unlinklink(void) { return unlink("rlink"); }
static int op_create(void) {
  int fd = open("rnew", O_CREATE | O_RDWR);
  return fd < 0 ? -1 : close(fd);
}

static void t_fsrace(void) {
  unlink("rdir");
  unlink("rlink");
  unlink("rnew");
  put_file("rfile", "x", 1);
  EXPECT(race(op_mkdir), 1);
  EXPECT(stat_of("rdir").type, T_DIR);
  EXPECT(race(op_unlinkdir), 1);
  EXPECT(open("rdir", O_RDONLY), -1);
  EXPECT(race(op_link), 1);
  EXPECT(stat_of("rfile").nlink, 2);
  EXPECT(race(op_unlinklink), 1);
  EXPECT(stat_of("rfile").nlink, 1);
  EXPECT(race(op_create), RACERS);
  EXPECT(stat_of("rnew").nlink, 1);
  EXPECT(unlink("rnew"), 0);
  EXPECT(unlink("rfile"), 0);
}

// Processes create and remove the same few names over and over; whatever
// interleaving happens, the directory must stay consistent.
static void t_churn(void) {
  enum { NCHILD = 4, OPS = 30, NAMES = 8 };
  char name[8];
  for (int k = 0; k < NCHILD; k++) {
    int pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
      for (int i = 0; i < OPS; i++) {
        numname(name, "cc", (i * (k + 1)) % NAMES);
        if ((i + k) % 3 == 0) {
          unlink(name);
        } else {
          int fd = open(name, O_CREATE | O_RDWR);
          CHECK(fd >= 0);
          EXPECT(write(fd, "x", 1), 1);
          EXPECT(close(fd), 0);
        }
      }
      exit(0);
    }
  }
  reap_all_ok(NCHILD);
  for (int i = 0; i < NAMES; i++) {
    numname(name, "cc", i);
    int fd = open(name, O_RDONLY);
    if (fd >= 0) {
      struct stat st;
      EXPECT(fstat(fd, &st), 0);
      EXPECT(st.type, T_FILE);
      EXPECT(st.nlink, 1);
      EXPECT(close(fd), 0);
      EXPECT(unlink(name), 0);
    }
    EXPECT(open(name, O_RDONLY), -1);
  }
}

// One file, many names, in a directory that needs several blocks.
static void t_bigdir(void) {
  enum { N = 100 };
  char name[8];
  mkdir("bigd");
  EXPECT(chdir("bigd"), 0);
  put_file("f", "x", 1);
  for (int i = 0; i < N; i++)
    EXPECT(link("f", numname(name, "l", i)), 0);
  EXPECT(stat_of("f").nlink, N + 1);
  for (int i = 0; i < N; i++)
    EXPECT(stat_of(numname(name, "l", i)).ino, stat_of("f").ino);
  for (int i = 0; i < N; i++)
    EXPECT(unlink(numname(name, "l", i)), 0);
  EXPECT(stat_of("f").nlink, 1);
  EXPECT(unlink("f"), 0);
  EXPECT(chdir(".."), 0);
  EXPECT(unlink("bigd"), 0);
}

// Device nodes. A major number without a driver may be refused by mknod
// or by open, or (if in range) by read and write -- but never crash.
static void t_mknod(void) {
  unlink("mkn");
  EXPECT(mknod("mkn", CONSOLE, 0), 0);
  EXPECT(mknod("mkn", CONSOLE, 0), -1);
  int fd = OPEN("mkn", O_RDWR);
  struct stat st;
  EXPECT(fstat(fd, &st), 0);
  EXPECT(st.type, T_DEVICE);
  EXPECT(close(fd), 0);
  EXPECT(unlink("mkn"), 0);
  EXPECT(mknod("nodir/mkn", CONSOLE, 0), -1);

  short majors[] = {-1, NDEV, NDEV + 5, 1000, NDEV - 1};
  for (int i = 0; i < sizeof(majors) / sizeof(majors[0]); i++) {
    if (mknod("mkb", majors[i], 0) < 0) {
      EXPECT(open("mkb", O_RDWR), -1);
      continue;
    }
    fd = open("mkb", O_RDWR);
    if (majors[i] != NDEV - 1)
      EXPECT(fd, -1);
    if (fd >= 0) {
      EXPECT(read(fd, buf, 1), -1);
      EXPECT(write(fd, buf, 1), -1);
      EXPECT(close(fd), 0);
    }
    EXPECT(unlink("mkb"), 0);
  }
}

static void t_openmodes(void) {
  EXPECT(open("/", O_WRONLY), -1);
  EXPECT(open("/", O_RDWR), -1);
  EXPECT(open(".", O_CREATE | O_RDWR), -1);
  EXPECT(open(".", O_CREATE), -1);
  EXPECT(open("nosuchfile", O_RDONLY), -1);
  int fd = OPEN("/", O_RDONLY);
  struct dirent de;
  EXPECT(read(fd, &de, sizeof(de)), sizeof(de));
  EXPECT(de.inum, ROOTINO); // "."
  EXPECT(close(fd), 0);
}

// A directory may be removed while it is some process's working directory.
static void t_iputcwd(void) {
  unlink("iputdir");
  EXPECT(mkdir("iputdir"), 0);
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    EXPECT(chdir("iputdir"), 0);
    EXPECT(unlink("../iputdir"), 0);
    exit(0); // exit drops the last reference to it
  }
  EXPECT(reap(pid), 0);
  EXPECT(open("iputdir", O_RDONLY), -1);

  EXPECT(mkdir("iputdir"), 0);
  EXPECT(chdir("iputdir"), 0);
  EXPECT(unlink("../iputdir"), 0);
  EXPECT(chdir("/"), 0);
}

// ------------------------------------------------------------ pipe tests

// One writer, one reader: every byte arrives, in order, however the
// reads and writes are sized.
static void t_pipedata(void) {
  enum { WRITES = 5, SIZE = 1033 };
  int p[2];
  EXPECT(pipe(p), 0);
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    close(p[0]);
    int seq = 0;
    for (int w = 0; w < WRITES; w++) {
      for (int i = 0; i < SIZE; i++)
        buf[i] = seq++ % 251;
      EXPECT(write(p[1], buf, SIZE), SIZE);
    }
    exit(0);
  }
  EXPECT(close(p[1]), 0);
  int total = 0, want = 1, n;
  while ((n = read(p[0], buf, want)) > 0) {
    for (int i = 0; i < n; i++)
      EXPECT((uchar)buf[i], (total + i) % 251);
    total += n;
    want = want * 2 > sizeof(buf) ? sizeof(buf) : want * 2;
  }
  EXPECT(n, 0);
  EXPECT(total, WRITES * SIZE);
  EXPECT(close(p[0]), 0);
  EXPECT(reap(pid), 0);
}

// Three writers and two readers share one pipe. Each writer sends its
// own byte; between them the readers must receive each one's bytes
// exactly, no more and no fewer.
static void t_pipemany(void) {
  enum { NW = 3, NR = 2, PER = 3000, CHUNK = 100 };
  int p[2], res[NR][2];
  EXPECT(pipe(p), 0);
  for (int r = 0; r < NR; r++) {
    EXPECT(pipe(res[r]), 0);
    int pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
      int count[NW] = {0};
      char chunk[64];
      int n;
      close(p[1]);
      while ((n = read(p[0], chunk, sizeof(chunk))) > 0) {
        for (int i = 0; i < n; i++) {
          int w = chunk[i] - 'A';
          CHECK(w >= 0 && w < NW);
          count[w]++;
        }
      }
      EXPECT(n, 0);
      EXPECT(write(res[r][1], count, sizeof(count)), sizeof(count));
      exit(0);
    }
    close(res[r][1]);
  }
  for (int w = 0; w < NW; w++) {
    int pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
      close(p[0]);
      char chunk[CHUNK];
      memset(chunk, 'A' + w, CHUNK);
      for (int i = 0; i < PER / CHUNK; i++)
        EXPECT(write(p[1], chunk, CHUNK), CHUNK);
      exit(0);
    }
  }
  close(p[0]);
  close(p[1]);

  int sum[NW] = {0};
  for (int r = 0; r < NR; r++) {
    int count[NW];
    EXPECT(read(res[r][0], count, sizeof(count)), sizeof(count));
    for (int w = 0; w < NW; w++)
      sum[w] += count[w];
    close(res[r][0]);
  }
  for (int w = 0; w < NW; w++)
    EXPECT(sum[w], PER);
  reap_all_ok(NR + NW);
}

static void t_pipeclosed(void) {
  int p[2];

  // No writer left: the data, then end of file.
  EXPECT(pipe(p), 0);
  EXPECT(write(p[1], "ab", 2), 2);
  EXPECT(close(p[1]), 0);
  EXPECT(read(p[0], buf, 10), 2);
  EXPECT(read(p[0], buf, 10), 0);
  EXPECT(close(p[0]), 0);

  // No reader left: writing fails.
  EXPECT(pipe(p), 0);
  EXPECT(close(p[0]), 0);
  EXPECT(write(p[1], "x", 1), -1);
  EXPECT(close(p[1]), 0);

  // A writer blocked on a full pipe fails when the last reader goes.
  EXPECT(pipe(p), 0);
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    close(p[0]);
    EXPECT(write(p[1], buf, 4096), -1);
    exit(0);
  }
  EXPECT(close(p[1]), 0);
  EXPECT(pause(3), 0);
  EXPECT(close(p[0]), 0);
  EXPECT(reap(pid), 0);

  // A reader blocked on an empty pipe sees end of file when the last
  // writer goes.
  EXPECT(pipe(p), 0);
  pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    close(p[1]);
    EXPECT(read(p[0], buf, 1), 0);
    exit(0);
  }
  EXPECT(close(p[0]), 0);
  EXPECT(pause(3), 0);
  EXPECT(close(p[1]), 0);
  EXPECT(reap(pid), 0);

  // A reader blocked on a pipe that stays open can still be killed.
  EXPECT(pipe(p), 0);
  pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    read(p[0], buf, 1);
    exit(0);
  }
  EXPECT(pause(2), 0);
  EXPECT(kill(pid), 0);
  EXPECT(reap(pid), -1);
  EXPECT(close(p[0]), 0);
  EXPECT(close(p[1]), 0);
}

// pipe() into memory it may not write fails, and leaks no descriptor.
static void t_pipebad(void) {
  char *end = heap_end();
  uint64 addrs[] = {
      0xffffffff00UL, KERNBASE, TRAPFRAME, (uint64)t_pipebad, // text: read-only
      (uint64)end, (uint64)end - 4, // the second int would not fit
  };
  int lowest = dup(0);
  CHECK(lowest > 2);
  EXPECT(close(lowest), 0);
  for (int i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
    EXPECT(pipe((int *)addrs[i]), -1);
    EXPECT(dup(0), lowest);
    EXPECT(close(lowest), 0);
  }
}

// ---------------------------------------------------------- process tests

static void t_forkexit(void) {
  for (int i = 0; i < 50; i++) {
    int pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
      exit(i);
    EXPECT(reap(pid), i);
  }
  // The whole int arrives, sign and all.
  int statuses[] = {255, 256, -5, 1000000, -2147483647};
  for (int i = 0; i < sizeof(statuses) / sizeof(statuses[0]); i++) {
    int pid = fork();
    CHECK(pid >= 0);
    if (pid == 0)
      exit(statuses[i]);
    EXPECT(reap(pid), statuses[i]);
  }
}

// Fork until the process table is full: fork must then fail cleanly, and
// every child must still be collected.
static void t_forkmany(void) {
  int pids[NPROC];
  int n = 0;
  for (;;) {
    int pid = fork();
    if (pid < 0) {
      EXPECT(pid, -1);
      break;
    }
    if (pid == 0)
      exit(0);
    CHECK(n < NPROC - 1);
    pids[n++] = pid;
  }
  CHECK(n > 0);
  for (int i = 0; i < n; i++) {
    int status = 1;
    int pid = wait(&status);
    EXPECT(status, 0);
    int known = 0;
    for (int j = 0; j < n; j++)
      known |= pids[j] == pid;
    EXPECT(known, 1);
  }
  EXPECT(wait(0), -1);
}

static void t_wait(void) {
  EXPECT(wait(0), -1);
  int status = 77;
  EXPECT(wait(&status), -1);
  EXPECT(status, 77); // untouched
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0)
    exit(3);
  EXPECT(reap(pid), 3);
  EXPECT(wait(0), -1);
}

// wait() with a pointer it may not write fails, and the child's status
// is still there for a proper wait.
static void t_waitbad(void) {
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0)
    exit(7);
  EXPECT(wait((int *)0xffffffff00UL), -1);
  EXPECT(wait((int *)KERNBASE), -1);
  EXPECT(wait((int *)(uint64)t_waitbad), -1); // text: read-only
  EXPECT(reap(pid), 7);
}

static void t_getpid(void) {
  int me = getpid();
  CHECK(me > 0);
  int p[2];
  EXPECT(pipe(p), 0);
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    int x = getpid();
    EXPECT(write(p[1], &x, sizeof(x)), sizeof(x));
    exit(0);
  }
  int child = 0;
  EXPECT(read(p[0], &child, sizeof(child)), sizeof(child));
  EXPECT(child, pid);
  CHECK(child != me);
  EXPECT(getpid(), me);
  EXPECT(reap(pid), 0);
  close(p[0]);
  close(p[1]);
}

static void spin_forever(void) {
  for (;;)
    ;
}

static void sleep_forever(void) {
  pause(1000000000);
}

static void t_kill(void) {
  int pid = run_child(spin_forever);
  EXPECT(kill(pid), 0);
  EXPECT(reap(pid), -1);
  EXPECT(kill(pid), -1); // gone
  EXPECT(kill(-1), -1);
  EXPECT(kill(0), -1);
  EXPECT(kill(1 << 30), -1);

  pid = run_child(sleep_forever);
  EXPECT(pause(2), 0);
  EXPECT(kill(pid), 0);
  EXPECT(reap(pid), -1);
}

// A child whose parent exits goes on running, and goes to init, not to
// its grandparent.
static void t_orphan(void) {
  int p[2];
  EXPECT(pipe(p), 0);
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    if (fork() == 0) {
      close(p[0]);
      pause(5);
      EXPECT(write(p[1], "x", 1), 1);
      exit(0);
    }
    exit(0);
  }
  EXPECT(close(p[1]), 0);
  EXPECT(reap(pid), 0);
  EXPECT(read(p[0], buf, 1), 1); // the orphan lives on
  EXPECT(buf[0], 'x');
  EXPECT(read(p[0], buf, 1), 0); // and is gone
  EXPECT(wait(0), -1);           // but was never ours to wait for
  EXPECT(close(p[0]), 0);
}

// Three processes each fork ten children at the same time.
static void t_forkfork(void) {
  enum { NCHILD = 3, NGRAND = 10 };
  for (int k = 0; k < NCHILD; k++) {
    int pid = fork();
    CHECK(pid >= 0);
    if (pid)
      continue;
    for (int j = 0; j < NGRAND; j++) {
      int g = fork();
      CHECK(g >= 0);
      if (g == 0)
        exit(j);
    }
    int seen = 0;
    for (int j = 0; j < NGRAND; j++) {
      int status;
      CHECK(wait(&status) > 0);
      CHECK(status >= 0 && status < NGRAND);
      seen |= 1 << status;
    }
    EXPECT(seen, (1 << NGRAND) - 1);
    EXPECT(wait(0), -1);
    exit(0);
  }
  reap_all_ok(NCHILD);
}

// ----------------------------------------------------------- memory tests

static void t_sbrkbasic(void) {
  align_heap();
  char *a = sbrk(0);
  for (int i = 0; i < 5; i++) {
    EXPECT(sbrk(1), a + i);
    a[i] = i;
  }
  EXPECT(sbrk(0), a + 5);
  EXPECT(sbrk(-5), a + 5);
  EXPECT(sbrk(0), a);

  enum { SIZE = 10 * PGSIZE };
  char *p = sbrk(SIZE);
  EXPECT(p, a);
  EXPECT(sbrk(0), a + SIZE);
  for (int i = 0; i < SIZE; i++)
    p[i] = i % 97;

  // fork copies the heap, and the copies are independent.
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    for (int i = 0; i < SIZE; i++)
      EXPECT(p[i], i % 97);
    memset(p, 0, SIZE);
    exit(0);
  }
  EXPECT(reap(pid), 0);
  for (int i = 0; i < SIZE; i++)
    EXPECT(p[i], i % 97);

  // New heap memory works as a system call buffer.
  unlink("sbf");
  int fd = OPEN("sbf", O_CREATE | O_RDWR);
  EXPECT(write(fd, p, PGSIZE), PGSIZE);
  EXPECT(close(fd), 0);
  EXPECT(unlink("sbf"), 0);
  EXPECT(pipe((int *)(p + SIZE - 8)), 0);
  close(((int *)(p + SIZE - 8))[0]);
  close(((int *)(p + SIZE - 8))[1]);

  EXPECT(sbrk(-SIZE), a + SIZE);
  EXPECT(sbrk(0), a);
}

// Memory given back with a negative sbrk is gone: touching it is fatal.
static void t_sbrkfreed(void) {
  align_heap();
  char *a = sbrk(2 * PGSIZE);
  CHECK(a != SBRK_FAIL);
  a[0] = 1;
  a[PGSIZE] = 2;
  EXPECT(sbrk(-2 * PGSIZE), a + 2 * PGSIZE);
  fault_addr = a;
  EXPECT(child_status(read_fault_addr), -1);
  fault_addr = a + PGSIZE;
  EXPECT(child_status(write_fault_addr), -1);
}

// Impossible growth fails and changes nothing. A shrink below address 0
// changes nothing too, but is not an error: it returns the old break, as
// xv6's sbrk does (sbrkbelow0 below).
static void t_sbrkhuge(void) {
  align_heap();
  char *old = sbrk(0);
  EXPECT(sbrk(0x7fffffff), SBRK_FAIL);
  EXPECT(sbrk(0), old);
  EXPECT(sbrk(1 << 30), SBRK_FAIL);
  EXPECT(sbrk(0), old);
  EXPECT(sbrk(-0x7fffffff), old); // below address 0
  EXPECT(sbrk(0), old);
  EXPECT(sbrk(-(int)((uint64)old + PGSIZE)), old); // below address 0
  EXPECT(sbrk(0), old);

  char *p = sbrk(PGSIZE); // and the heap still works
  EXPECT(p, old);
  p[PGSIZE - 1] = 1;
  EXPECT(sbrk(-PGSIZE), old + PGSIZE);
}

// sbrk(-(sbrk(0) + 1)) asks to shrink to one byte below address 0. xv6
// returns the old break and keeps every page (its new size, sz + n in
// unsigned arithmetic, wraps to above sz), and xv6's usertests (lazy_copy)
// checks exactly that; calf gives the same answer. Shrinking to exactly 0
// is a real shrink, tested by the child (it can touch nothing afterwards).
static char *below0_heap;

static void shrink_to_zero(void) {
  sbrk(-(int)(uint64)sbrk(0)); // frees the code too: the return from it faults
  exit(0);                     // not reached
}

// A removed directory names nothing, not even "..": a process whose cwd
// was removed, with its parent, must get -1 from "../" (the parent's inode
// is free, maybe reused) and cannot create a file there (it would be an
// inode no directory names). xv6 2025's usertests unlinkcwd found the
// kernel panicking here.
static void t_rmcwd(void) {
  CHECK(mkdir("/rma") == 0 && mkdir("/rma/rmb") == 0);
  CHECK(chdir("/rma/rmb") == 0);
  EXPECT(unlink("/rma/rmb"), 0);
  EXPECT(unlink("/rma"), 0);
  EXPECT(open("../", O_RDONLY), -1);
  EXPECT(open("..", O_RDONLY), -1);
  EXPECT(open("../c", O_CREATE | O_RDWR), -1);
  EXPECT(open("c", O_CREATE | O_RDWR), -1);
  EXPECT(mkdir("d"), -1);
  EXPECT(chdir(".."), -1);
  EXPECT(chdir("/"), 0);
}

static void t_sbrkbelow0(void) {
  align_heap();
  below0_heap = sbrk(PGSIZE);
  CHECK(below0_heap != SBRK_FAIL);
  below0_heap[0] = 'h';
  char *old = sbrk(0);
  EXPECT(sbrk(-(int)((uint64)old + 1)), old);
  EXPECT(sbrk(0), old);
  EXPECT(below0_heap[0], 'h'); // the page is still there
  EXPECT(sbrklazy(-(int)((uint64)old + 1)), old);
  EXPECT(sbrk(0), old);
  EXPECT(below0_heap[0], 'h');
  EXPECT(child_status(shrink_to_zero), -1);
  EXPECT(sbrk(-PGSIZE), old);
}

// Run the machine out of memory: sbrk and then fork must fail cleanly,
// and everything must come back (the final page count checks that).
static void use_all_memory(void) {
  int pages = grab_all_pages();
  CHECK(pages > 0);
  EXPECT(fork(), -1);
  release_pages(pages);
}

static void t_sbrkfail(void) {
  EXPECT(child_status(use_all_memory), 0);
}

// The page below the stack is a guard: touching it is fatal, and the
// kernel will not use it as a buffer either.
static void touch_guard(void) {
  uint64 top = PGROUNDUP(r_sp());
  fault_addr = (char *)(top - USERSTACK * PGSIZE - 1);
  read_fault_addr();
}

static void t_stackguard(void) {
  EXPECT(child_status(touch_guard), -1);
  uint64 top = PGROUNDUP(r_sp());
  char *guard = (char *)(top - (USERSTACK + 1) * PGSIZE);
  put_file("sg", "0123456789", 10);
  int fd = OPEN("sg", O_RDWR);
  EXPECT(read(fd, guard, 10), -1);
  EXPECT(write(fd, guard, 10), -1);
  EXPECT(close(fd), 0);
  EXPECT(unlink("sg"), 0);
}

// Code and constants are read-only; heap memory is not executable.
static void t_textwrite(void) {
  fault_addr = (char *)(uint64)t_textwrite;
  EXPECT(child_status(read_fault_addr), 0);
  EXPECT(child_status(write_fault_addr), -1);
  fault_addr = (char *)"a string constant";
  EXPECT(child_status(write_fault_addr), -1);

  char *h = sbrk(PGSIZE);
  CHECK(h != SBRK_FAIL);
  h[0] = 0x82; // c.ret
  h[1] = 0x80;
  fault_addr = h;
  EXPECT(child_status(call_fault_addr), -1);
}

// Kernel memory, the trampoline and trap frame, and addresses beyond the
// user address space are all out of reach.
static void t_kernmem(void) {
  uint64 addrs[] = {
      KERNBASE,   KERNLOAD,  PHYSTOP - 1,           TRAPFRAME,
      TRAMPOLINE, MAXVA,     MAXVA + 0x10000000UL, 0xffffffffffff0000UL,
  };
  for (int i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
    fault_addr = (char *)addrs[i];
    EXPECT(child_status(read_fault_addr), -1);
    EXPECT(child_status(write_fault_addr), -1);
  }
}

// ------------------------------------------------- bad system-call arguments

// Every call that takes a pointer must refuse address a with -1. The
// file "bp" holds 16 bytes to read.
static void check_bad_pointer(uint64 a) {
  void *p = (void *)a;
  char *s = (char *)a;
  char *argv[] = {"echo", s, 0};

  int fd = OPEN("bp", O_RDWR);
  EXPECT(read(fd, p, 16), -1);
  EXPECT(read(fd, p, 1), -1);
  EXPECT(write(fd, p, 16), -1);
  EXPECT(write(fd, p, 1), -1);
  EXPECT(fstat(fd, (struct stat *)p), -1);
  EXPECT(close(fd), 0);
  EXPECT(stat_of("bp").size, 16); // the failed writes wrote nothing

  int fds[2];
  EXPECT(pipe(fds), 0);
  EXPECT(write(fds[1], "abc", 3), 3);
  EXPECT(read(fds[0], p, 3), -1);
  EXPECT(write(fds[1], p, 3), -1);
  EXPECT(read(fds[0], buf, 10), 3); // the failed read took nothing
  EXPECT(close(fds[0]), 0);
  EXPECT(close(fds[1]), 0);
  EXPECT(pipe((int *)p), -1);
  EXPECT(wait((int *)p), -1);

  EXPECT(open(s, O_RDONLY), -1);
  EXPECT(open(s, O_CREATE | O_RDWR), -1);
  EXPECT(mknod(s, CONSOLE, 0), -1);
  EXPECT(unlink(s), -1);
  EXPECT(link(s, "bp2"), -1);
  EXPECT(link("bp", s), -1);
  EXPECT(mkdir(s), -1);
  EXPECT(chdir(s), -1);
  EXPECT(exec(s, argv), -1);
  EXPECT(exec(ECHO, (char **)p), -1);
  EXPECT(exec(ECHO, argv), -1); // argv[1] is the bad pointer
  EXPECT(open("bp2", O_RDONLY), -1);
}

// Pointers into the kernel, into the trampoline and trap-frame pages
// (mapped, but not for user access), past the end of the address space,
// and ones whose range wraps around 2^64.
static void t_copyinout(void) {
  uint64 addrs[] = {
      KERNBASE, KERNLOAD, TRAPFRAME, TRAMPOLINE, MAXVA,
      0xffffffff00UL, 0xfffffffffffff000UL, 0xfffffffffffffff8UL,
  };
  put_file("bp", "0123456789abcdef", 16);
  for (int i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++)
    check_bad_pointer(addrs[i]);
  EXPECT(unlink("bp"), 0);
}

// The first address past the heap, ranges that start in the heap and run
// past its end, and strings and argv arrays with no terminator before it.
static void t_endofmem(void) {
  char *end = heap_end();
  put_file("bp", "0123456789abcdef", 16);
  check_bad_pointer((uint64)end);
  check_bad_pointer((uint64)end + PGSIZE);

  int fd = OPEN("bp", O_RDWR);
  EXPECT(read(fd, end - 8, 16), -1);
  EXPECT(write(fd, end - 8, 16), -1);
  EXPECT(close(fd), 0);
  EXPECT(stat_of("bp").size, 16);

  char *s = end - 16; // sixteen 'a's, then the end of memory
  memset(s, 'a', 16);
  char *argv[] = {"echo", 0};
  EXPECT(open(s, O_CREATE | O_RDWR), -1);
  EXPECT(mkdir(s), -1);
  EXPECT(unlink(s), -1);
  EXPECT(chdir(s), -1);
  EXPECT(link("bp", s), -1);
  EXPECT(exec(s, argv), -1);

  char **av = (char **)(end - 2 * sizeof(char *)); // two args, no 0 after
  av[0] = "echo";
  av[1] = "x";
  EXPECT(exec(ECHO, av), -1);
  EXPECT(unlink("bp"), 0);
}

// Negative and oversized lengths.
static void t_badlen(void) {
  put_file("bl", "0123456789", 10);
  int fd = OPEN("bl", O_RDWR);
  EXPECT(read(fd, buf, -1), -1);
  EXPECT(write(fd, buf, -1), -1);
  EXPECT(read(fd, buf, -100000), -1);
  EXPECT(write(fd, buf, -0x7fffffff - 1), -1);
  EXPECT(read(fd, sbrk(0) - 1, -1), -1);
  EXPECT(read(fd, buf, 1 << 30), 10); // fine: only 10 bytes are copied
  EXPECT(close(fd), 0);
  EXPECT(stat_of("bl").size, 10);
  EXPECT(unlink("bl"), 0);

  int p[2];
  EXPECT(pipe(p), 0);
  EXPECT(write(p[1], buf, -1), -1);
  EXPECT(read(p[0], buf, -1), -1);
  EXPECT(close(p[0]), 0);
  EXPECT(close(p[1]), 0);
}

// System call numbers that do not exist fail with -1.
static long raw_syscall(long num) {
  register long a0 __asm__("a0") = 0;
  register long a7 __asm__("a7") = num;
  __asm__ volatile("ecall" : "+r"(a0) : "r"(a7) : "memory");
  return a0;
}

static void t_badsyscall(void) {
  EXPECT(raw_syscall(0), -1);
  EXPECT(raw_syscall(-1), -1);
  EXPECT(raw_syscall(1000), -1);
  EXPECT(raw_syscall(0x7fffffff), -1);
}

// ------------------------------------------------------------ exec tests

// Run echo with argv, its output going to buf (NUL-terminated). Returns
// the output's length; *status gets echo's exit status.
static int run_echo(char **argv, int *status) {
  int p[2];
  EXPECT(pipe(p), 0);
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    close(1);
    dup(p[1]);
    close(p[0]);
    close(p[1]);
    exec(ECHO, argv);
    fprintf(2, "%s: exec %s failed\n", test_name, ECHO);
    exit(99);
  }
  close(p[1]);
  int n = 0, r;
  while ((r = read(p[0], buf + n, sizeof(buf) - 1 - n)) > 0)
    n += r;
  buf[n] = 0;
  close(p[0]);
  *status = reap(pid);
  return n;
}

static char argspace[MAXARG + 1][256];
static char *bigargv[MAXARG + 2];

// Fill bigargv with "echo" and n-1 arguments of len characters each.
static void make_args(int n, int len) {
  bigargv[0] = "echo";
  for (int i = 1; i < n; i++) {
    memset(argspace[i], 'a' + i % 26, len);
    argspace[i][len] = 0;
    bigargv[i] = argspace[i];
  }
  bigargv[n] = 0;
}

static void t_exec(void) {
  int status;
  char *args[] = {"echo", "hello", "world", 0};
  EXPECT(run_echo(args, &status), 12);
  EXPECT(status, 0);
  CHECK(strcmp(buf, "hello world\n") == 0);

  // The most arguments there may be: MAXARG - 1 and the 0.
  make_args(MAXARG - 1, 3);
  EXPECT(run_echo(bigargv, &status), (MAXARG - 2) * 4);
  EXPECT(status, 0);
  for (int i = 1; i < MAXARG - 1; i++)
    CHECK(memcmp(buf + (i - 1) * 4, argspace[i], 3) == 0);

  // One more is too many.
  make_args(MAXARG, 3);
  EXPECT(exec(ECHO, bigargv), -1);
  // Arguments too big for the stack.
  make_args(MAXARG - 1, 200);
  EXPECT(exec(ECHO, bigargv), -1);

  EXPECT(exec("nosuchprogram", args), -1);
  EXPECT(exec("/", args), -1);
  put_file("notelf", "#!/bin/echo\nnot a program\n", 26);
  EXPECT(exec("notelf", args), -1);
  EXPECT(unlink("notelf"), 0);

  // Truncated programs: the ELF header alone, and the headers without
  // the segments they describe.
  int sizes[] = {64, 1000};
  for (int i = 0; i < 2; i++) {
    CHECK(get_file(ECHO, buf, sizes[i]) == sizes[i]);
    put_file("halfelf", buf, sizes[i]);
    EXPECT(exec("halfelf", args), -1);
  }
  EXPECT(unlink("halfelf"), 0);
}

// Several processes exec at once.
static void t_execconc(void) {
  enum { NCHILD = 4 };
  for (int k = 0; k < NCHILD; k++) {
    int pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
      char word[8];
      char *args[] = {"echo", "concurrent", numname(word, "e", k), 0};
      int status;
      EXPECT(run_echo(args, &status), 15); // "concurrent eNN\n"
      EXPECT(status, 0);
      CHECK(memcmp(buf, "concurrent ", 11) == 0);
      CHECK(memcmp(buf + 11, word, 3) == 0);
      EXPECT(buf[14], '\n');
      exit(0);
    }
  }
  reap_all_ok(NCHILD);
}

static void t_pause(void) {
  int t0 = uptime();
  CHECK(t0 >= 0);
  EXPECT(pause(0), 0);
  EXPECT(pause(3), 0);
  int t1 = uptime();
  CHECK(t1 - t0 >= 3);
  EXPECT(sleep(1), 0);
  CHECK(uptime() - t1 >= 1);
}

// User mode may read the time, cycle and instret counters (the kernel
// sets scounteren), and each of them moves forward.
static void t_counters(void) {
  uint64 t0 = rdtime(), c0 = rdcycle(), i0 = rdinstret();
  for (volatile int i = 0; i < 10000; i++)
    ;
  CHECK(rdtime() > t0);
  CHECK(rdcycle() > c0);
  CHECK(rdinstret() > i0 + 10000);
}

// ----------------------------------------------------------------- driver

static struct test tests[] = {
    {"smallfile", t_smallfile},
    {"bigfile", t_bigfile},
    {"truncate", t_truncate},
    {"manyfiles", t_manyfiles},
    {"unlinkopen", t_unlinkopen},
    {"link", t_link},
    {"dir", t_dir},
    {"nested", t_nested},
    {"dotdot", t_dotdot},
    {"longpath", t_longpath},
    {"dirsiz", t_dirsiz},
    {"fdlimit", t_fdlimit},
    {"exitclose", t_exitclose},
    {"badfd", t_badfd},
    {"dup", t_dup},
    {"sharedfd", t_sharedfd},
    {"concfiles", t_concfiles},
    {"fsrace", t_fsrace},
    {"churn", t_churn},
    {"bigdir", t_bigdir},
    {"mknod", t_mknod},
    {"openmodes", t_openmodes},
    {"iputcwd", t_iputcwd},
    {"pipedata", t_pipedata},
    {"pipemany", t_pipemany},
    {"pipeclosed", t_pipeclosed},
    {"pipebad", t_pipebad},
    {"forkexit", t_forkexit},
    {"forkmany", t_forkmany},
    {"wait", t_wait},
    {"waitbad", t_waitbad},
    {"getpid", t_getpid},
    {"kill", t_kill},
    {"orphan", t_orphan},
    {"forkfork", t_forkfork},
    {"sbrkbasic", t_sbrkbasic},
    {"sbrkfreed", t_sbrkfreed},
    {"sbrkhuge", t_sbrkhuge},
    {"sbrkbelow0", t_sbrkbelow0},
    {"rmcwd", t_rmcwd},
    {"sbrkfail", t_sbrkfail},
    {"stackguard", t_stackguard},
    {"textwrite", t_textwrite},
    {"kernmem", t_kernmem},
    {"copyinout", t_copyinout},
    {"endofmem", t_endofmem},
    {"badlen", t_badlen},
    {"badsyscall", t_badsyscall},
    {"exec", t_exec},
    {"execconc", t_execconc},
    {"pause", t_pause},
    {"counters", t_counters},
};

#define NTESTS (sizeof(tests) / sizeof(tests[0]))

// Run one test in a child; print its result line; 1 if it passed.
static int run(struct test *t) {
  int pid = fork();
  if (pid < 0) {
    printf("usertests: fork failed\n");
    exit(1);
  }
  if (pid == 0) {
    test_name = t->name;
    t->f();
    exit(0);
  }
  int status = 1;
  while (wait(&status) != pid)
    ;
  printf("test %s: %s\n", t->name, status == 0 ? "OK" : "FAILED");
  return status == 0;
}

// How many pages can a process still get? A child takes all it can and
// reports the count as its exit status.
static int countfree(void) {
  int pid = fork();
  if (pid < 0) {
    printf("usertests: fork failed\n");
    exit(1);
  }
  if (pid == 0) {
    int n = grab_all_pages();
    release_pages(n);
    exit(n);
  }
  int n = -1;
  while (wait(&n) != pid)
    ;
  return n;
}

// Orphans left by tests belong to init, which frees them a moment after
// they exit; give it a few chances before calling pages lost.
static int free_pages_returned(int before) {
  int after = countfree();
  for (int tries = 0; after != before && tries < 5; tries++) {
    pause(5);
    after = countfree();
  }
  if (after != before)
    printf("test freepages: FAILED -- lost some free pages (%d before, %d after)\n",
           before, after);
  return after == before;
}

int main(int argc, char *argv[]) {
  test_prog = "usertests";
  const char *only = argc > 1 ? argv[1] : 0;
  if (only) {
    int known = 0;
    for (int i = 0; i < NTESTS; i++)
      known |= strcmp(tests[i].name, only) == 0;
    if (!known) {
      fprintf(2, "usertests: no test called %s\n", only);
      return 1;
    }
  }

  printf("usertests starting\n");
  int free0 = countfree();
  int ok = 1;
  for (int i = 0; i < NTESTS; i++)
    if (only == 0 || strcmp(tests[i].name, only) == 0)
      ok &= run(&tests[i]);
  ok &= free_pages_returned(free0);

  printf("%s\n", ok ? "ALL TESTS PASSED" : "SOME TESTS FAILED");
  return ok ? 0 : 1;
}
