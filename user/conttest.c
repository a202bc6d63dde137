// conttest: directory snapshots (clonetree), chroot and containers
// (docs/containers.md).
//
// Each test runs in its own child (user/testlib.c) under /ctt, which it
// removes at its end, and must leave as many free frames, free disk
// blocks and free inodes as it found (the runner's watch). At the end the
// machine-wide counts (frames, creds, files, cached inodes, blocks,
// inodes) must be back where they were before the first test.
//
// The image the tests run containers from is built by build_image: a
// directory with reflinks of the programs a container needs (conttest
// itself, echo, cat), a data directory with a small file the container
// user may write (mode 0666) and a file of BIG_BLOCKS blocks (it has an
// index block). Inside a container conttest runs in one of its "in-"
// modes, which check the view from inside and exit 0 or 1.
//
// The escape tests chroot a child of the test into the image and try
// every way out calf has: "..", repeated and at every place in a path,
// absolute paths, a cwd and fds held from before the chroot, a removed
// directory's stale "..", a second chroot, fork, spawn and exec. The
// marker of the outside world is /README: it is in calf's root and in no
// image.
//
// usage: conttest [name]   (no name: run them all)
//        conttest costs     (clonetree's cost by files and bytes)
//        conttest in-check | in-write TEXT | in-fill | in-probe | in-fds
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/stat.h"
#include "kernel/fs.h"
#include "kernel/param.h"
#include "user/user.h"
#include "user/testlib.h"
#include "user/tree.h"

#define TOP "/ctt"
#define IMG TOP "/img"
#define CUID 100          // the container tool's default user
#define BIG_BLOCKS 20     // the image's big file: 11 direct blocks and more
#define OUTSIDE "/README" // outside every image
#define FILL_MAX_FREE 50000 // the fill test needs a small disk (harness: fssize)

// ------------------------------------------------------------ helpers

static struct fsstat fs(void) {
  struct fsstat s;
  CHECK(fsstat(&s) == 0);
  return s;
}

static uint ino_of(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    printf("%s %s: FAILED: cannot stat %s\n", test_prog, test_name, path);
    exit(1);
  }
  return st.ino;
}

static int exists(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd >= 0)
    close(fd);
  return fd >= 0;
}

static void put(const char *path, const char *text) {
  int fd = open(path, O_CREATE | O_WRONLY | O_TRUNC);
  CHECK(fd >= 0);
  EXPECT(write(fd, text, strlen(text)), strlen(text));
  EXPECT(close(fd), 0);
}

// Does the file hold exactly text?
static int holds(const char *path, const char *text) {
  static char buf[512];
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return 0;
  int n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n < 0)
    return 0;
  buf[n] = 0;
  return strcmp(buf, text) == 0;
}

static char pat(uint i) { return (char)(i * 7 + i / BSIZE * 13); }

static void make_blocks(const char *path, int nblocks) {
  static char buf[BSIZE];
  int fd = open(path, O_CREATE | O_WRONLY);
  CHECK(fd >= 0);
  for (int b = 0; b < nblocks; b++) {
    for (int i = 0; i < BSIZE; i++)
      buf[i] = pat(b * BSIZE + i);
    EXPECT(write(fd, buf, BSIZE), BSIZE);
  }
  EXPECT(close(fd), 0);
}

static int blocks_intact(const char *path, int nblocks) {
  static char buf[BSIZE];
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return 0;
  int ok = 1;
  for (int b = 0; ok && b < nblocks; b++) {
    ok = read(fd, buf, BSIZE) == BSIZE;
    for (int i = 0; ok && i < BSIZE; i++)
      ok = buf[i] == pat(b * BSIZE + i);
  }
  ok = ok && read(fd, buf, 1) == 0;
  close(fd);
  return ok;
}

static const char *image_progs[] = {"conttest", "echo", "cat"};

// A fresh TOP. A test that failed (under fault injection, say) may have
// left its tree behind: the test after it starts clean all the same.
static void fresh(void) {
  tree_remove(TOP);
  CHECK(mkdir(TOP) == 0);
}

// The image: programs, data/motd (0666), data/big (BIG_BLOCKS blocks).
static void build_image(void) {
  fresh();
  CHECK(mkdir(IMG) == 0);
  CHECK(mkdir(IMG "/data") == 0);
  char src[32], dst[64];
  for (int i = 0; i < NELEM(image_progs); i++) {
    strcpy(src, "/");
    strcpy(src + 1, image_progs[i]);
    strcpy(dst, IMG "/");
    strcpy(dst + strlen(dst), image_progs[i]);
    CHECK(clonefile(src, dst) == 0);
  }
  put(IMG "/data/motd", "image motd\n");
  CHECK(chmod(IMG "/data/motd", 0666) == 0);
  make_blocks(IMG "/data/big", BIG_BLOCKS);
}

// The blocks a clone of the image costs: one per directory, and one
// index block per file too big for the direct entries.
static int image_clone_blocks(void) {
  int n = 2; // the top and data/
  char path[64];
  for (int i = 0; i < NELEM(image_progs); i++) {
    strcpy(path, IMG "/");
    strcpy(path + strlen(path), image_progs[i]);
    struct stat st;
    CHECK(stat(path, &st) == 0);
    n += st.size > NDIRECT * BSIZE;
  }
  return n + (BIG_BLOCKS > NDIRECT);
}

// Remove the clone a container kept (-k TOP/c1): the disk's figures are
// back to a, taken before it.
static void kept_clone_gone(struct fsstat a) {
  CHECK(tree_remove(TOP "/c1") == 0);
  struct fsstat c = fs();
  EXPECT(c.free, a.free);
  EXPECT(c.shared, a.shared);
  EXPECT(c.ifree, a.ifree);
}

static void image_intact(void) {
  CHECK(holds(IMG "/data/motd", "image motd\n"));
  CHECK(blocks_intact(IMG "/data/big", BIG_BLOCKS));
  CHECK(!exists(IMG "/written"));
  CHECK(!exists(IMG "/fill"));
}

static void done(void) { CHECK(tree_remove(TOP) == 0); }

// Run `container ARGS...` (argv without the program name) and return its
// exit status.
static int container(char **args) {
  char *argv[MAXARG];
  argv[0] = "container";
  int n = 1;
  for (; args[n - 1]; n++)
    argv[n] = args[n - 1];
  argv[n] = 0;
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    exec("/container", argv);
    printf("%s %s: FAILED: cannot exec /container\n", test_prog, test_name);
    exit(99);
  }
  int st;
  EXPECT(wait(&st), pid);
  return st;
}

// Fork a child that chroots to dir and runs f; its exit status.
static int chrooted(const char *dir, void (*f)(void)) {
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    if (chroot(dir) != 0) {
      printf("%s %s: FAILED: chroot(%s)\n", test_prog, test_name, dir);
      exit(1);
    }
    f();
    exit(0);
  }
  int st;
  EXPECT(wait(&st), pid);
  return st;
}

// The image's inode, as seen from outside, for the chrooted children.
static uint img_ino;

// ------------------------------------------------------------ clonetree

// A tree of n files of b blocks each under dir.
static void make_tree(const char *dir, int n, int b) {
  CHECK(mkdir(dir) == 0);
  char path[64];
  for (int i = 0; i < n; i++) {
    strcpy(path, dir);
    int len = strlen(path);
    path[len] = '/';
    path[len + 1] = 'a' + i;
    path[len + 2] = 0;
    make_blocks(path, b);
  }
}

struct cost {
  int blocks, inodes, shared;
  uint64 ticks, writes; // writes: blocks the disk driver wrote, log included
};

static struct cost clone_cost(const char *src, const char *dst) {
  struct fsstat a = fs();
  uint64 t0 = rdtime();
  struct tree_stats ts;
  CHECK(tree_clone(src, dst, &ts) == 0);
  uint64 t1 = rdtime();
  struct fsstat b = fs();
  struct cost c = {a.free - b.free, a.ifree - b.ifree, b.shared - a.shared, t1 - t0,
                   b.writes - a.writes};
  return c;
}

// The cost of a clonetree grows with the files, not their bytes: 16 files
// of 1 block and 16 of 64 blocks cost the same inodes, and the big ones
// one index block more each; no data block is copied.
static void t_cost(void) {
  fresh();
  make_tree(TOP "/small", 16, 1);
  make_tree(TOP "/big", 16, 64);
  struct cost s = clone_cost(TOP "/small", TOP "/small2");
  struct cost b = clone_cost(TOP "/big", TOP "/big2");
  printf("%s %s: 16 files x 1 block: %d blocks, %d inodes, %d shared, %ld ticks; "
         "16 files x 64 blocks: %d blocks, %d inodes, %d shared, %ld ticks\n",
         test_prog, test_name, s.blocks, s.inodes, s.shared, s.ticks, b.blocks, b.inodes,
         b.shared, b.ticks);
  EXPECT(s.inodes, 17);
  EXPECT(b.inodes, 17);
  EXPECT(s.blocks, 1);       // the new directory's entries
  EXPECT(b.blocks, 1 + 16);  // ... and a copy of each file's index block
  EXPECT(s.shared, 16);
  EXPECT(b.shared, 16 * 64);
  CHECK(blocks_intact(TOP "/big2/p", 64));
  done();
}

// Contents, modes and owners come across; a write to the copy stays in
// the copy; a failed clonetree leaves nothing; a copy inside its source
// is not copied into itself.
static void t_clonetree(void) {
  build_image();
  CHECK(mkdir(IMG "/data/deep") == 0);
  CHECK(mkdir(IMG "/data/deep/er") == 0);
  put(IMG "/data/deep/er/f", "deep\n");
  CHECK(chmod(IMG "/data/deep/er", 0700) == 0);
  CHECK(chown(IMG "/data/deep/er/f", 7, 8) == 0);
  CHECK(chmod(IMG "/data/deep/er/f", 0640) == 0);

  CHECK(tree_clone(IMG, TOP "/copy", 0) == 0);
  CHECK(holds(TOP "/copy/data/deep/er/f", "deep\n"));
  CHECK(blocks_intact(TOP "/copy/data/big", BIG_BLOCKS));
  struct stat st;
  CHECK(stat(TOP "/copy/data/deep/er", &st) == 0);
  EXPECT(st.mode & 07777, 0700);
  CHECK(stat(TOP "/copy/data/deep/er/f", &st) == 0);
  EXPECT(st.mode & 07777, 0640);
  EXPECT(st.uid, 7);
  EXPECT(st.gid, 8);
  CHECK(stat(TOP "/copy/conttest", &st) == 0);
  EXPECT(st.mode & 07777, 0755);

  put(TOP "/copy/data/motd", "changed\n");
  image_intact();

  struct fsstat a = fs();
  CHECK(tree_clone(IMG, TOP "/copy", 0) < 0);       // dst exists
  CHECK(tree_clone(TOP "/none", TOP "/c2", 0) < 0); // no source
  CHECK(tree_clone(IMG "/conttest", TOP "/c2", 0) < 0); // not a directory
  struct fsstat b = fs();
  EXPECT(b.free, a.free);
  EXPECT(b.ifree, a.ifree);

  CHECK(tree_clone(IMG, IMG "/data/self", 0) == 0); // inside itself
  CHECK(exists(IMG "/data/self/data/big"));
  CHECK(!exists(IMG "/data/self/data/self"));
  done();
}

// ------------------------------------------------------------ chroot

static void nonroot_child(void) {
  CHECK(setuid(5) == 0);
  CHECK(chroot(IMG) < 0);
  CHECK(chroot("/") < 0);
  CHECK(exists(OUTSIDE)); // nothing changed
}

// Only root may chroot, only to a directory it can search; a refused
// chroot changes nothing.
static void t_nonroot(void) {
  build_image();
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    nonroot_child();
    exit(0);
  }
  int st;
  EXPECT(wait(&st), pid);
  EXPECT(st, 0);
  CHECK(chroot(TOP "/none") < 0);
  CHECK(chroot(IMG "/conttest") < 0); // a file
  CHECK(chroot((char *)0x80200000UL) < 0);
  CHECK(exists(OUTSIDE));
  done();
}

static void dotdot_child(void) {
  static const char *up[] = {
      "/",          "..",     "../..",        "/..",         "/../../..",      "./..",
      "data/../..", "data/..", "/data/../../..", "//..//..//", "data/../../data/../..",
  };
  for (int i = 0; i < NELEM(up); i++) {
    if (ino_of(up[i]) != img_ino) {
      printf("%s %s: FAILED: %s is not the new root\n", test_prog, test_name, up[i]);
      exit(1);
    }
  }
  CHECK(!exists(OUTSIDE));
  CHECK(!exists("/.." OUTSIDE));
  CHECK(!exists("../../.." OUTSIDE));
  CHECK(!exists("data/../../.." OUTSIDE));
  CHECK(exists("/data/motd"));
  CHECK(exists("../../data/motd"));
  // chdir up and up: still at the root.
  for (int i = 0; i < 8; i++)
    CHECK(chdir("..") == 0);
  EXPECT(ino_of("."), img_ino);
  CHECK(chdir("/data") == 0);
  CHECK(chdir("../../../..") == 0);
  EXPECT(ino_of("."), img_ino);
  // New names through "..": made inside.
  CHECK(mkdir("/../../made") == 0);
  put("../made/f", "inside\n");
  // ".." itself is no name to make or remove.
  CHECK(mkdir("/..") < 0);
  CHECK(unlink("/..") < 0);
  CHECK(link("/data/motd", "/..") < 0);
}

// ".." at the new root stays there, however it is reached.
static void t_dotdot(void) {
  build_image();
  img_ino = ino_of(IMG);
  EXPECT(chrooted(IMG, dotdot_child), 0);
  CHECK(holds(IMG "/made/f", "inside\n"));
  CHECK(!exists("/made"));
  CHECK(!exists(TOP "/made"));
  done();
}

static void abspath_child(void) {
  EXPECT(ino_of("/"), img_ino);
  CHECK(!exists(OUTSIDE));
  CHECK(holds("/data/motd", "image motd\n"));
  // Programs come from the image: /rm exists only outside.
  char *argv[] = {"rm", "/data/motd", 0};
  EXPECT(exec("/rm", argv), -1);
  CHECK(holds("/data/motd", "image motd\n"));
  CHECK(open("/ctt", O_RDONLY) < 0);
  CHECK(open(IMG, O_RDONLY) < 0);
}

// Absolute paths start at the new root.
static void t_abspath(void) {
  build_image();
  img_ino = ino_of(IMG);
  EXPECT(chrooted(IMG, abspath_child), 0);
  done();
}

static void cwd_child(void) {
  // The cwd was TOP/outside, beside the image, not in it: chroot moved it.
  EXPECT(ino_of("."), img_ino);
  CHECK(!exists("../outside/mark"));
  CHECK(!exists("mark"));
  CHECK(chdir("..") == 0);
  EXPECT(ino_of("."), img_ino);
}

// A cwd held from before the chroot is moved to the new root: the
// classic escape (chroot without chdir, then ".." out of the old cwd)
// has nothing to start from.
static void t_cwd(void) {
  build_image();
  img_ino = ino_of(IMG);
  CHECK(mkdir(TOP "/outside") == 0);
  put(TOP "/outside/mark", "outside\n");
  CHECK(chdir(TOP "/outside") == 0);
  EXPECT(chrooted(IMG, cwd_child), 0);
  CHECK(chdir("/") == 0);
  done();
}

static int outside_dirfd, outside_filefd;

static void fd_child(void) {
  // What was open stays open, as on every Unix: its one file.
  char buf[16];
  EXPECT(read(outside_filefd, buf, 4), 4);
  struct stat st;
  CHECK(fstat(outside_dirfd, &st) == 0);
  CHECK(st.ino != img_ino);
  struct dirent de;
  EXPECT(read(outside_dirfd, &de, sizeof(de)), sizeof(de));
  // But no lookup starts from it: calf has no fchdir and no openat, and
  // the tool closes every fd above 2 (in-fds checks it in a container).
  CHECK(!exists(OUTSIDE));
  EXPECT(ino_of("/.."), img_ino);
}

// fds opened before the chroot: they reach their own file and nothing else.
static void t_fd(void) {
  build_image();
  img_ino = ino_of(IMG);
  outside_dirfd = open("/", O_RDONLY);
  outside_filefd = open(OUTSIDE, O_RDONLY);
  CHECK(outside_dirfd >= 0 && outside_filefd >= 0);
  EXPECT(chrooted(IMG, fd_child), 0);
  char *args[] = {IMG, "/conttest", "in-fds", 0};
  EXPECT(container(args), 0);
  close(outside_dirfd);
  close(outside_filefd);
  done();
}

static void removed_child(void) {
  CHECK(mkdir("/a") == 0);
  CHECK(mkdir("/a/b") == 0);
  CHECK(chdir("/a/b") == 0);
  CHECK(unlink("/a/b") == 0);
  CHECK(unlink("/a") == 0); // a's inode is free now
  CHECK(mkdir("/c") == 0);  // and maybe taken again
  // b's ".." entry still names a's old inode: a lookup must not follow it.
  CHECK(chdir("..") < 0);
  CHECK(open("..", O_RDONLY) < 0);
  CHECK(!exists("../data/motd"));
  CHECK(mkdir("../x") < 0);
  CHECK(chdir("/") == 0);
  CHECK(unlink("/c") == 0);
}

// A removed directory's ".." entry names its parent of old, which may be
// freed and reused anywhere, outside the root too: it must find nothing
// (a removed directory names nothing, kernel/fs/dir.c's dirlookup).
static void t_removed(void) {
  build_image();
  img_ino = ino_of(IMG);
  EXPECT(chrooted(IMG, removed_child), 0);
  done();
}

static uint data_ino;

static void nested_child(void) {
  CHECK(chroot("/data") == 0); // relative to the first root
  EXPECT(ino_of("/"), data_ino);
  EXPECT(ino_of("/.."), data_ino);
  EXPECT(ino_of("."), data_ino);
  CHECK(exists("/motd"));
  CHECK(!exists("/conttest"));
  CHECK(chroot("/..") == 0); // stays
  EXPECT(ino_of("/"), data_ino);
  CHECK(chroot("/") == 0);
  EXPECT(ino_of("/"), data_ino);
  CHECK(setuid(CUID) == 0);
  CHECK(chroot("/") < 0); // no longer root
}

// A second chroot is relative to the first: a root process can go further
// in, never out.
static void t_nested(void) {
  build_image();
  data_ino = ino_of(IMG "/data");
  EXPECT(chrooted(IMG, nested_child), 0);
  done();
}

static void inherit_child(void) {
  // fork: the child shares the root.
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    if (ino_of("/") != img_ino || exists(OUTSIDE))
      exit(1);
    exit(0);
  }
  int st;
  EXPECT(wait(&st), pid);
  EXPECT(st, 0);
  // spawn and exec: the new program runs in the same root (in-probe checks).
  char *argv[] = {"conttest", "in-probe", 0};
  pid = spawn("/conttest", argv, 0);
  CHECK(pid > 0);
  EXPECT(wait(&st), pid);
  EXPECT(st, 0);
  pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    exec("conttest", argv); // relative to the cwd, the root
    exit(2);
  }
  EXPECT(wait(&st), pid);
  EXPECT(st, 0);
}

// fork, spawn and exec keep the root.
static void t_inherit(void) {
  build_image();
  img_ino = ino_of(IMG);
  EXPECT(chrooted(IMG, inherit_child), 0);
  done();
}

// ------------------------------------------------------------ containers

// One container: it runs as CUID in its clone, its writes stay there, the
// image is untouched, and the clone costs exactly its directories, the big
// files' index blocks and what the container wrote (df's view). Without
// -k the clone is gone after.
static void t_container(void) {
  build_image();
  int clone_blocks = image_clone_blocks();
  struct fsstat a = fs();
  char *args[] = {"-k", TOP "/c1", IMG, "/conttest", "in-check", 0};
  EXPECT(container(args), 0);
  struct fsstat b = fs();
  image_intact();
  CHECK(holds(TOP "/c1/written", "container was here\n"));
  CHECK(holds(TOP "/c1/data/motd", "changed inside\n"));
  struct stat st;
  CHECK(stat(TOP "/c1/written", &st) == 0);
  EXPECT(st.uid, CUID);
  // Used: the clone's own blocks, /written, and the one motd block the
  // container wrote (a copy of a shared block: one fewer shared).
  EXPECT(a.free - b.free, clone_blocks + 2);
  printf("%s %s: clone and container took %d blocks (%d for the clone's directories and "
         "index blocks, 2 written), shared %d more\n",
         test_prog, test_name, a.free - b.free, clone_blocks, b.shared - a.shared);
  kept_clone_gone(a);

  // The default: a clone of its own, removed after.
  char *args2[] = {IMG, "/conttest", "in-check", 0};
  EXPECT(container(args2), 0);
  struct fsstat c = fs();
  EXPECT(c.free, a.free);
  EXPECT(c.ifree, a.ifree);
  image_intact();
  // A command that cannot start: 127, nothing left.
  char *args3[] = {IMG, "/nosuch", 0};
  EXPECT(container(args3), 127);
  c = fs();
  EXPECT(c.free, a.free);
  done();
}

// Two containers from one image at once: each sees its own writes only.
static void t_two(void) {
  build_image();
  struct fsstat a = fs();
  int pids[2];
  char *dirs[] = {TOP "/c1", TOP "/c2"}, *texts[] = {"one", "two"};
  for (int i = 0; i < 2; i++) {
    pids[i] = fork();
    CHECK(pids[i] >= 0);
    if (pids[i] == 0) {
      char *args[] = {"-k", dirs[i], IMG, "/conttest", "in-write", texts[i], 0};
      exit(container(args));
    }
  }
  for (int i = 0; i < 2; i++) {
    int st;
    int pid = wait(&st);
    CHECK(pid == pids[0] || pid == pids[1]);
    EXPECT(st, 0);
  }
  CHECK(holds(TOP "/c1/data/motd", "one\n"));
  CHECK(holds(TOP "/c2/data/motd", "two\n"));
  CHECK(exists(TOP "/c1/one") && !exists(TOP "/c1/two"));
  CHECK(exists(TOP "/c2/two") && !exists(TOP "/c2/one"));
  image_intact();
  CHECK(tree_remove(TOP "/c1") == 0 && tree_remove(TOP "/c2") == 0);
  struct fsstat b = fs();
  EXPECT(b.free, a.free);
  EXPECT(b.shared, a.shared);
  EXPECT(b.ifree, a.ifree);
  done();
}

// A container fills the disk: its writes fail, the image is intact, and
// once the container is removed the disk is whole again.
static void t_fill(void) {
  struct fsstat a = fs();
  if (a.free > FILL_MAX_FREE) {
    printf("%s %s: skipped: %d free blocks (the harness boots a small disk)\n", test_prog,
           test_name, a.free);
    return;
  }
  build_image();
  a = fs();
  char *args[] = {"-k", TOP "/c1", IMG, "/conttest", "in-fill", 0};
  EXPECT(container(args), 0);
  struct fsstat b = fs();
  printf("%s %s: the container filled the disk: %d blocks free of %d\n", test_prog,
         test_name, b.free, a.free);
  CHECK(b.free < 16);
  image_intact();
  // The full disk still reads, and a second container still starts once
  // the first is gone.
  kept_clone_gone(a);
  char *args2[] = {IMG, "/conttest", "in-check", 0};
  EXPECT(container(args2), 0);
  done();
}

// ------------------------------------------------------------ inside

// Every "in-" mode prints why it failed and exits 1.
static void in_fail(const char *mode, const char *why) {
  printf("conttest %s: FAILED: %s\n", mode, why);
  exit(1);
}

static int in_root_is_root(void) {
  struct stat a, b;
  return stat("/", &a) == 0 && stat("/..", &b) == 0 && a.ino == b.ino;
}

static int in_fds_closed(void) {
  struct stat st;
  for (int fd = 3; fd < NOFILE; fd++)
    if (fstat(fd, &st) == 0)
      return 0;
  return 1;
}

static int in_check(void) {
  const char *m = "in-check";
  if (getuid() != CUID || geteuid() != CUID || getgid() != CUID || getegid() != CUID)
    in_fail(m, "not the container's user");
  if (getgroups(0, 0) != 0)
    in_fail(m, "has supplementary groups");
  if (chroot("/") != -1)
    in_fail(m, "may chroot");
  if (exists(OUTSIDE) || !in_root_is_root())
    in_fail(m, "sees outside its root");
  if (!in_fds_closed())
    in_fail(m, "inherited an fd above 2");
  if (open("/conttest", O_WRONLY) >= 0 || unlink("/data/big") >= 0)
    in_fail(m, "may change the image's root-owned files");
  int fd = open("/written", O_CREATE | O_WRONLY);
  if (fd < 0 || write(fd, "container was here\n", 19) != 19)
    in_fail(m, "cannot write in its root");
  close(fd);
  fd = open("/data/motd", O_WRONLY | O_TRUNC);
  if (fd < 0 || write(fd, "changed inside\n", 15) != 15)
    in_fail(m, "cannot write /data/motd (0666)");
  close(fd);
  return 0;
}

static int in_write(const char *text) {
  char name[DIRSIZ + 2], line[32];
  if (strlen(text) > DIRSIZ - 1 || strlen(text) + 2 > sizeof(line))
    in_fail("in-write", "text too long");
  strcpy(name, "/");
  strcpy(name + 1, text);
  strcpy(line, text);
  strcpy(line + strlen(line), "\n");
  int fd = open(name, O_CREATE | O_WRONLY);
  if (fd < 0)
    in_fail("in-write", "cannot create its file");
  close(fd);
  fd = open("/data/motd", O_WRONLY | O_TRUNC);
  if (fd < 0 || write(fd, line, strlen(line)) != strlen(line))
    in_fail("in-write", "cannot write /data/motd");
  close(fd);
  pause(5); // let the other container run meanwhile
  if (!holds("/data/motd", line) || !in_root_is_root())
    in_fail("in-write", "sees another container's write");
  return 0;
}

// Write /fill until the disk is full; a write that fails must fail
// cleanly (short or -1), and the file keep what was written.
static int in_fill(void) {
  static char buf[4096];
  memset(buf, 'f', sizeof(buf));
  int fd = open("/fill", O_CREATE | O_WRONLY);
  if (fd < 0)
    in_fail("in-fill", "cannot create /fill");
  long total = 0;
  for (;;) {
    int n = write(fd, buf, sizeof(buf));
    if (n > 0)
      total += n;
    if (n != sizeof(buf))
      break;
  }
  close(fd);
  // The failing write may have written part of its bytes and still say -1
  // (filewrite writes in several transactions: kernel/fs/file.c).
  struct stat st;
  if (stat("/fill", &st) < 0 || st.size < total || st.size >= total + sizeof(buf))
    in_fail("in-fill", "/fill's size is not what was written");
  if (holds("/data/motd", "image motd\n") == 0)
    in_fail("in-fill", "the image's file changed");
  return 0;
}

static int in_probe(void) {
  if (exists(OUTSIDE) || !in_root_is_root() || !exists("/data/motd"))
    in_fail("in-probe", "sees outside its root");
  return 0;
}

static int in_mode(int argc, char *argv[]) {
  if (strcmp(argv[1], "in-check") == 0)
    return in_check();
  if (strcmp(argv[1], "in-write") == 0 && argc == 3)
    return in_write(argv[2]);
  if (strcmp(argv[1], "in-fill") == 0)
    return in_fill();
  if (strcmp(argv[1], "in-probe") == 0)
    return in_probe();
  if (strcmp(argv[1], "in-fds") == 0)
    return in_fds_closed() && in_root_is_root() ? 0 : 1;
  printf("conttest: unknown mode %s\n", argv[1]);
  return 1;
}

// ------------------------------------------------------------ costs

// `conttest costs`: what a clonetree costs, by number of files and their
// size, for docs/containers.md (the harness's clonetree-cost boots it
// under -icount). Each clone is made REPS times; the fastest counts (a
// disk wait moves guest time to the next timer tick, docs/benchmarks.md).
#define REPS 3

// Print v right-aligned in width columns (printf has no field widths).
static void col(int width, long v) {
  int digits = 1;
  for (long t = v; t >= 10; t /= 10)
    digits++;
  for (; width > digits; width--)
    printf(" ");
  printf("%ld", v);
}

static int costs(void) {
  static const int nfiles[] = {8, 32}, nblocks[] = {1, 64, 256};
  test_prog = "conttest";
  test_name = "costs";
  fresh();
  printf("files  blocks/file  data blocks | new blocks  inodes  newly shared  disk writes     ticks  ticks/file\n");
  for (int i = 0; i < NELEM(nfiles); i++) {
    for (int j = 0; j < NELEM(nblocks); j++) {
      make_tree(TOP "/src", nfiles[i], nblocks[j]);
      struct cost best = {0, 0, 0, ~0UL, 0};
      for (int r = 0; r < REPS; r++) {
        struct cost c = clone_cost(TOP "/src", TOP "/dst");
        if (c.ticks < best.ticks)
          best = c;
        CHECK(tree_remove(TOP "/dst") == 0);
      }
      long row[] = {nfiles[i], nblocks[j], nfiles[i] * nblocks[j], best.blocks, best.inodes,
                    best.shared, best.writes, best.ticks, best.ticks / nfiles[i]};
      static const int width[] = {5, 13, 13, 11, 8, 14, 13, 10, 12}; // the header's
      for (int k = 0; k < NELEM(row); k++) {
        if (k == 3)
          printf(" |");
        col(width[k], row[k]);
      }
      printf("\n");
      CHECK(tree_remove(TOP "/src") == 0);
    }
  }
  done();
  printf("conttest costs: done\n");
  return 0;
}

// ------------------------------------------------------------ runner

static struct test tests[] = {
    {"cost", t_cost},       {"clonetree", t_clonetree}, {"nonroot", t_nonroot},
    {"dotdot", t_dotdot},   {"abspath", t_abspath},     {"cwd", t_cwd},
    {"fd", t_fd},           {"removed", t_removed},     {"nested", t_nested},
    {"inherit", t_inherit}, {"container", t_container}, {"two", t_two},
    {"fill", t_fill},
};

// What each test must give back besides frames: free blocks and inodes.
static uint64 disk_free(void) {
  struct fsstat s;
  if (fsstat(&s) != 0)
    return 0;
  return (uint64)s.free << 32 | s.ifree;
}

int main(int argc, char *argv[]) {
  test_prog = "conttest";
  if (argc >= 2 && argv[1][0] == 'i' && argv[1][1] == 'n' && argv[1][2] == '-')
    return in_mode(argc, argv);
  if (argc >= 2 && strcmp(argv[1], "costs") == 0)
    return costs();
  test_name = "setup";
  // TOP's name once, first: / may have no free slot for it, and a
  // directory never shrinks, so the block it may add to / must not be
  // counted as lost. Its slot is free again for the tests.
  mkdir(TOP);
  tree_remove(TOP);
  struct sys_counts base = sys_counts(), now;
  struct test_suite s = {"CONTAINER", tests, NELEM(tests), 1, disk_free,
                         "free blocks << 32 | free inodes"};
  int r = run_tests(&s, argc, argv);
  if (sys_counts_settle(base, &now, 1, 300) < 0) {
    printf("conttest: FAILED: counts not back: ");
    sys_counts_print(base, now, 1);
    printf("\n");
    return 1;
  }
  printf("conttest: counts back (frames, creds, files, inodes cached, blocks, inodes)\n");
  return r;
}
