// usertests: the file-system tests (user/usertests/usertests.h
// says what the program does and how its files divide).
#include "user/usertests/usertests.h"

// ------------------------------------------------------------ file tests

void t_smallfile(void) {
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

void t_bigfile(void) {
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

void t_truncate(void) {
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
void t_manyfiles(void) {
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
void t_unlinkopen(void) {
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

void t_link(void) {
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
void t_dir(void) {
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

void t_nested(void) {
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
void t_dotdot(void) {
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
void t_longpath(void) {
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
void t_dirsiz(void) {
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
void t_fdlimit(void) {
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
void t_exitclose(void) {
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

void t_badfd(void) {
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
void t_dup(void) {
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
void t_sharedfd(void) {
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
void t_concfiles(void) {
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

void t_fsrace(void) {
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
void t_churn(void) {
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
void t_bigdir(void) {
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
void t_mknod(void) {
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

void t_openmodes(void) {
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
void t_iputcwd(void) {
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
