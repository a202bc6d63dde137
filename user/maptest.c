// maptest: the page cache and mmap, one semantic rule per test
// (docs/pagecache.md). Each test runs in a child of its own (testlib's
// runner), which checks afterwards that frames (free plus idle cache), the
// frame audit, and the watched file-system figures (free blocks, free
// inodes, in-memory inodes, page-cache frames that something still uses)
// are back where they started.
//
//   $ maptest            all tests
//   $ maptest fork       one of them
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/testlib.h"

#define FAILED ((char *)-1)
#define F "mapfile"

// A file of n bytes, byte i = (i * 7 + seed) & 0xff.
static char pattern(int i, int seed) { return (char)((i * 7 + seed) & 0xff); }

static void make_file(char *name, int n, int seed) {
  static char buf[PGSIZE];
  int fd = open(name, O_CREATE | O_TRUNC | O_RDWR);
  check(fd >= 0, "create the test file");
  for (int off = 0; off < n; off += PGSIZE) {
    int m = n - off < PGSIZE ? n - off : PGSIZE;
    for (int i = 0; i < m; i++)
      buf[i] = pattern(off + i, seed);
    EXPECT(write(fd, buf, m), m);
  }
  close(fd);
}

static char *map_file(char *name, int omode, int len, int prot, int flags) {
  int fd = open(name, omode);
  check(fd >= 0, "open the test file");
  char *p = mmap(0, len, prot, flags, fd, 0);
  close(fd); // the mapping outlives the descriptor
  check(p != FAILED, "mmap");
  return p;
}

// Byte off of the file, as read() sees it.
static char file_byte(char *name, int off) {
  static char buf[PGSIZE];
  int fd = open(name, O_RDONLY);
  check(fd >= 0, "open to read back");
  char c = 0;
  for (int done = 0; done <= off;) {
    int n = read(fd, buf, sizeof(buf));
    check(n > 0, "read back");
    if (off < done + n)
      c = buf[off - done];
    done += n;
  }
  close(fd);
  return c;
}

// Does f, run in a child, get the child killed? (A bad access kills with
// status -1, after the kernel prints why.)
static int dies(void (*f)(char *), char *arg) {
  int pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    f(arg);
    exit(0);
  }
  int st;
  EXPECT(wait(&st), pid);
  return st == -1;
}

static void load(char *p) { (void)*(volatile char *)p; }
static void store(char *p) { *(volatile char *)p = 1; }

// Private read-only mapping of a 1.5-page file: the file's bytes, zeros
// past its end in the last page, a kill one page further.
static void private_read(void) {
  make_file(F, PGSIZE + PGSIZE / 2, 3);
  char *p = map_file(F, O_RDONLY, 3 * PGSIZE, PROT_READ, MAP_PRIVATE);
  for (int i = 0; i < PGSIZE + PGSIZE / 2; i++)
    if (p[i] != pattern(i, 3))
      fail("mapped bytes differ from the file");
  for (int i = PGSIZE + PGSIZE / 2; i < 2 * PGSIZE; i++)
    if (p[i] != 0)
      fail("bytes past the end of the file are not zero");
  check(dies(load, p + 2 * PGSIZE), "a touch past the file's last page must kill");
  EXPECT(munmap(p, 3 * PGSIZE), 0);
  unlink(F);
}

// A mapped, unwritten page is the page cache's frame: frameinfo names the
// file and page. A store copies it (COW against the cache); the file and
// the cache keep the old bytes, the writer sees its own.
static void private_cow(void) {
  make_file(F, 2 * PGSIZE, 5);
  struct stat st;
  check(stat(F, &st) == 0, "stat");
  char *p = map_file(F, O_RDONLY, 2 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
  load(p + PGSIZE);
  struct frameinfo fi;
  EXPECT(frameinfo(p + PGSIZE, &fi), 0);
  EXPECT(fi.cached, 1);
  EXPECT(fi.inum, st.ino);
  EXPECT(fi.pgidx, 1);
  struct memstat m0 = mem_stats();
  p[PGSIZE] = 'X';
  struct memstat m1 = mem_stats();
  EXPECT(m1.cow_copies - m0.cow_copies, 1);
  EXPECT(frameinfo(p + PGSIZE, &fi), 0);
  EXPECT(fi.cached, 0);
  EXPECT(p[PGSIZE], 'X');
  EXPECT(file_byte(F, PGSIZE), pattern(PGSIZE, 5));
  EXPECT(munmap(p, 2 * PGSIZE), 0);
  EXPECT(file_byte(F, PGSIZE), pattern(PGSIZE, 5)); // munmap writes nothing back
  unlink(F);
}

// Until its first store, a private page shows later write()s to the file
// (Linux's rule): it is the cache's frame, which write() updates.
static void private_sees_write(void) {
  make_file(F, PGSIZE, 1);
  char *p = map_file(F, O_RDONLY, PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
  EXPECT(p[10], pattern(10, 1));
  int fd = open(F, O_RDWR);
  EXPECT(write(fd, "new", 3), 3);
  EXPECT(p[0], 'n');
  p[100] = 'p'; // now private
  EXPECT(write(fd, "NEW", 3), 3);
  EXPECT(p[3], pattern(3, 1)); // the private copy was made before
  close(fd);
  EXPECT(munmap(p, PGSIZE), 0);
  unlink(F);
}

// A shared mapping is the cache's frame: read() sees a store at once, and
// munmap writes it home.
static void shared_write(void) {
  make_file(F, 2 * PGSIZE, 2);
  char *p = map_file(F, O_RDWR, 2 * PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
  p[5] = 'S';
  p[PGSIZE + 7] = 'T';
  EXPECT(file_byte(F, 5), 'S');
  EXPECT(msync(p, 2 * PGSIZE, MS_SYNC), 0);
  EXPECT(munmap(p, 2 * PGSIZE), 0);
  EXPECT(file_byte(F, PGSIZE + 7), 'T');
  struct stat st;
  check(stat(F, &st) == 0 && st.size == 2 * PGSIZE, "the file must not grow");
  unlink(F);
}

// Who may map what: a shared writable mapping needs the file open for
// writing, a private one does not; and the mapping's rights hold.
static void rights(void) {
  make_file(F, PGSIZE, 4);
  int fd = open(F, O_RDONLY);
  check(fd >= 0, "open");
  EXPECT((long)mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0), -1);
  char *p = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  check(p != FAILED, "a private writable map of a read-only file");
  char *r = mmap(0, PGSIZE, PROT_READ, MAP_SHARED, fd, 0);
  check(r != FAILED, "a shared read-only map of a read-only file");
  close(fd);
  fd = open(F, O_WRONLY);
  EXPECT((long)mmap(0, PGSIZE, PROT_READ, MAP_SHARED, fd, 0), -1); // not readable
  close(fd);
  check(dies(store, r), "a store to a read-only mapping must kill");
  EXPECT(munmap(r, PGSIZE), 0);
  check(dies(load, r), "a touch after munmap must kill");
  EXPECT(munmap(p, PGSIZE), 0);
  unlink(F);
}

// fork shares shared pages and copy-on-write shares private ones, under
// every fork strategy.
static void fork_modes(void) {
  for (int mode = FORK_EAGER; mode <= FORK_SHAREDPT; mode++) {
    make_file(F, PGSIZE, 6); // afresh: the last round's child wrote it
    int old = forkmode(mode);
    check(old >= 0, "forkmode (the tests run as root)");
    char *s = map_file(F, O_RDWR, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
    char *v = map_file(F, O_RDWR, PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
    char *a = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    check(a != FAILED, "anonymous shared map");
    a[0] = 'a';
    v[0] = 'v';
    int pid = fork();
    check(pid >= 0, "fork");
    if (pid == 0) {
      s[1] = 'c';
      v[1] = 'c';
      a[1] = 'c';
      exit(v[0] == 'v' && a[0] == 'a' ? 0 : 1);
    }
    int st;
    EXPECT(wait(&st), pid);
    EXPECT(st, 0);
    forkmode(old);
    EXPECT(s[1], 'c');               // shared: the child's store is ours
    EXPECT(v[1], pattern(1, 6));     // private: it is not
    EXPECT(a[1], 'c');               // anonymous shared, faulted before fork
    EXPECT(file_byte(F, 1), 'c');
    EXPECT(munmap(s, PGSIZE), 0);
    EXPECT(munmap(v, PGSIZE), 0);
    EXPECT(munmap(a, PGSIZE), 0);
  }
  unlink(F);
}

// close and unlink leave a mapping working; the inode is freed when the
// last mapping goes (the runner's watch checks the free inodes).
static void unlinked(void) {
  make_file(F, PGSIZE, 7);
  char *p = map_file(F, O_RDWR, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
  EXPECT(unlink(F), 0);
  EXPECT(p[9], pattern(9, 7));
  p[9] = 'u';
  EXPECT(p[9], 'u');
  EXPECT(munmap(p, PGSIZE), 0);
}

// munmap of any page range: a hole splits a mapping; unmapped ranges are
// no error; the pages either side still work.
static void holes(void) {
  make_file(F, 4 * PGSIZE, 8);
  char *p = map_file(F, O_RDONLY, 4 * PGSIZE, PROT_READ, MAP_PRIVATE);
  EXPECT(munmap(p + PGSIZE, 2 * PGSIZE), 0);
  EXPECT(p[0], pattern(0, 8));
  EXPECT(p[3 * PGSIZE + 1], pattern(3 * PGSIZE + 1, 8));
  check(dies(load, p + PGSIZE), "a touch in the hole must kill");
  check(dies(load, p + 2 * PGSIZE), "a touch in the hole must kill");
  EXPECT(munmap(p + PGSIZE, PGSIZE), 0); // already unmapped
  EXPECT(munmap(p, 4 * PGSIZE), 0);
  check(dies(load, p), "a touch after munmap must kill");
  unlink(F);
}

// Anonymous mappings are zero; an address hint is taken when free;
// MAP_FIXED puts a mapping exactly there, replacing what was.
static void anonymous(void) {
  char *a = mmap(0, 3 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  check(a != FAILED, "anonymous map");
  check(pages_all(a, 3 * PGSIZE, 0), "anonymous pages are zero");
  pages_fill(a, 3 * PGSIZE, 9);
  char *want = a - 16 * PGSIZE;
  char *h = mmap(want, PGSIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  check(h == want, "a free hint is taken");
  char *f = mmap(a + PGSIZE, PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
                 -1, 0);
  check(f == a + PGSIZE, "MAP_FIXED maps exactly there");
  EXPECT(*(int *)f, 0); // the new mapping replaced the old page
  EXPECT(*(int *)a, 9);
  EXPECT(*(int *)(a + 2 * PGSIZE), 9);
  EXPECT(munmap(a, 3 * PGSIZE), 0);
  EXPECT(munmap(h, PGSIZE), 0);
}

// PROT_EXEC is honoured: code in a mapping runs only with it.
static void call(char *code) { ((void (*)(void))code)(); }

static void execute(void) {
  for (int prot = PROT_READ | PROT_WRITE; prot <= (PROT_READ | PROT_WRITE | PROT_EXEC); prot += PROT_EXEC) {
    char *c = mmap(0, PGSIZE, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(c != FAILED, "anonymous map");
    *(unsigned short *)c = 0x8082; // c.ret
    int killed = dies(call, c);
    check(killed == !(prot & PROT_EXEC), prot & PROT_EXEC ? "PROT_EXEC code must run"
                                                          : "code without PROT_EXEC must not run");
    EXPECT(munmap(c, PGSIZE), 0);
  }
}

// Bad arguments give -1 and change nothing.
static void bad_args(void) {
  make_file(F, PGSIZE, 0);
  int fd = open(F, O_RDWR), pfd[2];
  check(fd >= 0 && pipe(pfd) == 0, "open, pipe");
  int dir = open(".", O_RDONLY);
  int console = open("console", O_RDWR);
  int rw = PROT_READ | PROT_WRITE;
  EXPECT((long)mmap(0, PGSIZE, rw, MAP_SHARED, -1, 0), -1);
  EXPECT((long)mmap(0, PGSIZE, rw, MAP_SHARED, 99, 0), -1);
  EXPECT((long)mmap(0, PGSIZE, rw, MAP_SHARED, pfd[0], 0), -1);
  EXPECT((long)mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE, dir, 0), -1);
  EXPECT((long)mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE, console, 0), -1);
  EXPECT((long)mmap(0, 0, rw, MAP_SHARED, fd, 0), -1);
  EXPECT((long)mmap(0, PGSIZE, rw, MAP_SHARED, fd, 100), -1);            // unaligned offset
  EXPECT((long)mmap(0, PGSIZE, rw, MAP_SHARED | MAP_PRIVATE, fd, 0), -1); // both
  EXPECT((long)mmap(0, PGSIZE, rw, 0, fd, 0), -1);                        // neither
  EXPECT((long)mmap(0, PGSIZE, 8, MAP_SHARED, fd, 0), -1);                // unknown prot
  EXPECT((long)mmap(0, PGSIZE, rw, MAP_SHARED | 0x1000, fd, 0), -1);      // unknown flag
  EXPECT((long)mmap(0, -1L, rw, MAP_SHARED, fd, 0), -1);
  EXPECT((long)mmap((void *)PGSIZE, PGSIZE, rw, MAP_SHARED | MAP_FIXED, fd, 0), -1); // the heap
  EXPECT((long)mmap((void *)(MAXVA - PGSIZE), PGSIZE, rw, MAP_SHARED | MAP_FIXED, fd, 0), -1);
  EXPECT((long)mmap((void *)0x40000001L, PGSIZE, rw, MAP_SHARED | MAP_FIXED, fd, 0), -1);
  EXPECT((long)mmap(0, PGSIZE, rw, MAP_PRIVATE | MAP_ANONYMOUS, -1, PGSIZE), -1);
  // A mapping past the end of the file is made; its touch kills.
  char *p = mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE, fd, 16 * PGSIZE);
  check(p != FAILED, "a mapping past the end of the file");
  check(dies(load, p), "a touch past the end of the file must kill");
  EXPECT(munmap(p, PGSIZE), 0);
  EXPECT(munmap((void *)1, PGSIZE), -1);
  EXPECT(munmap(0, 0), -1);
  EXPECT(munmap((void *)(MAXVA - PGSIZE), 4 * PGSIZE), -1);
  EXPECT(msync(0, PGSIZE, MS_SYNC), -1); // not mapped
  p = mmap(0, PGSIZE, rw, MAP_SHARED, fd, 0);
  check(p != FAILED, "mmap");
  EXPECT(msync(p, PGSIZE, MS_SYNC | MS_ASYNC), -1);
  EXPECT(msync(p, PGSIZE, 64), -1);
  EXPECT(msync(p, 2 * PGSIZE, MS_SYNC), -1); // the second page is not mapped
  EXPECT(msync(p, PGSIZE, MS_SYNC), 0);
  EXPECT(munmap(p, PGSIZE), 0);
  // A read() into a mapping of the file being read: the fault must not
  // wait for the inode lock read() holds.
  p = mmap(0, PGSIZE, rw, MAP_SHARED, fd, 0);
  check(p != FAILED, "mmap");
  EXPECT(read(fd, p + 1, 100), 100);
  EXPECT(munmap(p, PGSIZE), 0);
  // wait() stores the status under spinlocks, where a file page cannot be
  // read in: it must have faulted the page in beforehand.
  p = mmap(0, PGSIZE, rw, MAP_SHARED, fd, 0);
  int pid = fork();
  if (pid == 0)
    exit(3);
  EXPECT(wait((int *)p), pid);
  EXPECT(*(int *)p, 3);
  EXPECT(munmap(p, PGSIZE), 0);
  close(fd);
  close(dir);
  close(console);
  close(pfd[0]);
  close(pfd[1]);
  unlink(F);
}

// A running program's file may be neither written nor truncated, and a
// file open for writing may not be run (Linux's ETXTBSY).
static void textbusy(void) {
  EXPECT(open("maptest", O_RDWR), -1); // we are running it
  EXPECT(open("maptest", O_WRONLY | O_TRUNC), -1);
  EXPECT(open("maptest", O_RDONLY | O_TRUNC), -1);
  int fd = open("maptest", O_RDONLY);
  check(fd >= 0, "reading a running program is fine");
  close(fd);
  check(clonefile("echo", "echo2") == 0, "clone echo");
  fd = open("echo2", O_RDWR);
  check(fd >= 0, "open the copy for writing");
  char *argv[] = {"echo2", "textbusy", 0};
  int pid = fork();
  if (pid == 0) {
    exec("echo2", argv);
    exit(7); // exec failed, as it must
  }
  int st;
  EXPECT(wait(&st), pid);
  EXPECT(st, 7);
  close(fd);
  // A shared writable mapping writes the file as surely as a descriptor:
  // it too keeps the file from being run, after its descriptor is closed.
  fd = open("echo2", O_RDWR);
  char *w = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  check(w != FAILED, "map the copy shared and writable");
  close(fd);
  pid = fork();
  if (pid == 0) {
    exec("echo2", argv);
    exit(7);
  }
  EXPECT(wait(&st), pid);
  EXPECT(st, 7);
  EXPECT(munmap(w, PGSIZE), 0);
  pid = fork();
  if (pid == 0) {
    exec("echo2", argv); // no writer left: it runs (and prints "textbusy")
    exit(7);
  }
  EXPECT(wait(&st), pid);
  EXPECT(st, 0);
  unlink("echo2");
}

// A process has NVMA mapping slots. A call that needs more fails with -1
// and changes nothing: MAP_FIXED over the middle of a mapping needs one
// slot for the new mapping and one for the split, munmap of a middle page
// one for the split.
static void slots(void) {
  int rw = PROT_READ | PROT_WRITE, anon = MAP_PRIVATE | MAP_ANONYMOUS;
  char *big = mmap(0, 3 * PGSIZE, rw, anon, -1, 0);
  check(big != FAILED, "map");
  big[PGSIZE] = 'm';
  char *one[15];
  for (int i = 0; i < 15; i++)
    check((one[i] = mmap(0, PGSIZE, rw, anon, -1, 0)) != FAILED, "map a page");
  EXPECT((long)mmap(0, PGSIZE, rw, anon, -1, 0), -1); // all 16 slots used
  EXPECT((long)mmap(big + PGSIZE, PGSIZE, rw, anon | MAP_FIXED, -1, 0), -1);
  EXPECT(munmap(big + PGSIZE, PGSIZE), -1);
  EXPECT(big[PGSIZE], 'm'); // both left it as it was
  EXPECT(munmap(one[0], PGSIZE), 0);
  EXPECT((long)mmap(big + PGSIZE, PGSIZE, rw, anon | MAP_FIXED, -1, 0), -1); // needs two
  EXPECT(big[PGSIZE], 'm');
  EXPECT(munmap(one[1], PGSIZE), 0);
  check(mmap(big + PGSIZE, PGSIZE, rw, anon | MAP_FIXED, -1, 0) == big + PGSIZE, "MAP_FIXED");
  EXPECT(big[PGSIZE], 0); // the new page
  EXPECT(munmap(big, 3 * PGSIZE), 0);
  for (int i = 2; i < 15; i++)
    EXPECT(munmap(one[i], PGSIZE), 0);
}

// Our own text is the page cache's frame, named by frameinfo; and exec
// leaves no mapping behind (procstat's mapped bytes).
static void exec_text(void) {
  struct stat st;
  check(stat("maptest", &st) == 0, "stat maptest");
  struct frameinfo fi;
  EXPECT(frameinfo((void *)exec_text, &fi), 0);
  EXPECT(fi.cached, 1);
  EXPECT(fi.inum, st.ino);
  char *a = mmap(0, PGSIZE, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  check(a != FAILED, "map");
  struct procstat ps;
  EXPECT(procstat(getpid(), &ps), 0);
  EXPECT(ps.mapped_bytes, PGSIZE);
  check(ps.file_pages > 0, "procstat counts our text as file pages");
  int pid = fork();
  if (pid == 0) {
    char *argv[] = {"maptest", "--mapped", 0};
    exec("maptest", argv);
    exit(9);
  }
  int xst;
  EXPECT(wait(&xst), pid);
  EXPECT(xst, 0); // the new program saw no mapping
  EXPECT(munmap(a, PGSIZE), 0);
}

// A shared write-back to a block a clone shares gives the file a new
// block; the clone keeps the old bytes. A clone of a file with stores
// through a mapping that no msync has written clones the stores.
static void reflinks(void) {
  make_file(F, PGSIZE, 11);
  check(clonefile(F, "mapclone") == 0, "clone");
  char *p = map_file(F, O_RDWR, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
  p[0] = 'R';
  EXPECT(munmap(p, PGSIZE), 0);
  EXPECT(file_byte(F, 0), 'R');
  EXPECT(file_byte("mapclone", 0), pattern(0, 11));
  p = map_file(F, O_RDWR, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
  p[1] = 'D';
  check(clonefile(F, "mapclone2") == 0, "clone with a dirty mapping");
  EXPECT(file_byte("mapclone2", 1), 'D');
  EXPECT(munmap(p, PGSIZE), 0);
  // Every dirty page is cloned, however many (a batch of 32 once stopped
  // there).
  make_file(F, 40 * PGSIZE, 11);
  p = map_file(F, O_RDWR, 40 * PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
  for (int i = 0; i < 40; i++)
    p[i * PGSIZE] = 'A' + i % 26;
  unlink("mapclone2");
  check(clonefile(F, "mapclone2") == 0, "clone with 40 dirty pages");
  for (int i = 0; i < 40; i++)
    EXPECT(file_byte("mapclone2", i * PGSIZE), 'A' + i % 26);
  EXPECT(munmap(p, 40 * PGSIZE), 0);
  unlink(F);
  unlink("mapclone");
  unlink("mapclone2");
}

// Under memory pressure the idle cache gives its frames back: a child
// that sbrk's until it fails gets every frame memstat calls available.
static void pressure(void) {
  make_file(F, 32 * PGSIZE, 12);
  char *p = map_file(F, O_RDONLY, 32 * PGSIZE, PROT_READ, MAP_SHARED);
  for (int i = 0; i < 32; i++)
    load(p + i * PGSIZE);
  EXPECT(munmap(p, 32 * PGSIZE), 0); // 32 idle cache pages now
  struct memstat m = mem_stats();
  check(m.cache_idle >= 32, "the file's pages stay cached, idle");
  int fds[2];
  check(pipe(fds) == 0, "pipe");
  int pid = fork();
  if (pid == 0) {
    uint64 n = 0;
    while (sbrk(PGSIZE) != SBRK_ERROR)
      n++;
    write(fds[1], &n, sizeof(n));
    exit(0);
  }
  uint64 got = 0;
  EXPECT(read(fds[0], &got, sizeof(got)), sizeof(got));
  wait(0);
  close(fds[0]);
  close(fds[1]);
  // The child's page-table pages and its own pages come out of it too.
  check(got + 128 >= memstat_avail(&m) && got <= memstat_avail(&m), "sbrk got every available frame");
  unlink(F);
}

// Snapshots cover mappings: a rollback brings back the mappings of the
// snapshot's time and their private pages; shared pages are the file's,
// which is not rolled back (so a snapshot id kept there survives).
static void snapshots(void) {
  make_file(F, PGSIZE, 13);
  char *a = mmap(0, PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  check(a != FAILED, "anonymous map");
  char *v = map_file(F, O_RDWR, PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE);
  char *s = map_file(F, O_RDWR, PGSIZE, PROT_READ | PROT_WRITE, MAP_SHARED);
  a[0] = 1;
  v[0] = '1';
  s[0] = '1';
  struct procstat ps0, ps1;
  EXPECT(procstat(getpid(), &ps0), 0);
  int id = snapshot();
  check(id >= 0, "snapshot");
  if (id > 0) {
    memmove(s + 8, &id, sizeof(id));
    a[0] = 2;
    v[0] = '2';
    s[0] = '2';
    EXPECT(munmap(a, PGSIZE), 0);
    char *n = mmap(0, 4 * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    check(n != FAILED, "a mapping made after the snapshot");
    n[0] = 5;
    rollback(id);
    fail("rollback returned");
  }
  EXPECT(a[0], 1);   // the mapping is back, with its page of then
  EXPECT(v[0], '1'); // private: rolled back
  EXPECT(s[0], '2'); // shared: the file's, not rolled back
  EXPECT(procstat(getpid(), &ps1), 0);
  EXPECT(ps1.mapped_bytes, ps0.mapped_bytes); // the later mapping is gone
  memmove(&id, s + 8, sizeof(id));
  EXPECT(snapdrop(id), 0);
  EXPECT(munmap(a, PGSIZE), 0);
  EXPECT(munmap(v, PGSIZE), 0);
  EXPECT(munmap(s, PGSIZE), 0);
  unlink(F);
}

static struct test tests[] = {
    {"private", private_read},   {"cow", private_cow},        {"seewrite", private_sees_write},
    {"shared", shared_write},    {"rights", rights},          {"fork", fork_modes},
    {"unlinked", unlinked},      {"holes", holes},            {"anon", anonymous},
    {"exec", execute},           {"badargs", bad_args},       {"textbusy", textbusy},
    {"text", exec_text},         {"reflink", reflinks},       {"pressure", pressure},
    {"snapshot", snapshots},     {"slots", slots},
};

// Free blocks and inodes, in-memory inodes and busy cache frames in one
// figure for the runner's watch: any of them off changes it.
static uint64 fs_figures(void) {
  struct fsstat fs;
  check(fsstat(&fs) == 0, "fsstat");
  struct memstat m = mem_stats();
  return ((uint64)fs.free << 32) ^ ((uint64)fs.ifree << 16) ^ fs.icached ^
         ((m.cache_frames - m.cache_idle) << 48);
}

int main(int argc, char *argv[]) {
  if (argc == 2 && strcmp(argv[1], "--mapped") == 0) { // exec_text's child
    struct procstat ps;
    exit(procstat(getpid(), &ps) == 0 && ps.mapped_bytes == 0 ? 0 : 1);
  }
  test_prog = "maptest";
  // A directory never shrinks: F's name is made once before the runner
  // counts blocks, so that if / is full, the block it grows by is not
  // charged to the first test.
  close(open(F, O_CREATE | O_RDWR));
  unlink(F);
  struct test_suite suite = {"MMAP", tests, NELEM(tests), 1, fs_figures,
                             "file-system figures (blocks, inodes, busy cache)"};
  exit(run_tests(&suite, argc, argv));
}
