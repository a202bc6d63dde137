// labmmap: the mmap lab's own test, written the way a lab grader would
// write it: only the classic xv6 calls plus mmap and munmap with the MIT
// lab's interface (no msync, no MAP_ANONYMOUS, no calf figures), so it
// runs unchanged on any xv6 that has done the lab. It checks the part a
// student writes (docs/labs/mmap.md): filling a file page on first touch,
// and writing shared pages home when they are unmapped.
//
// What each test checks, and why it needs the lab done right:
//   private   a read-only private mapping of a 1.5-page file shows the
//             file's bytes and zeros after its end: the first touch must
//             bring in the file's page, not a zeroed one.
//   privwrite stores to a private mapping are the process's own: the
//             file, read back after munmap, is unchanged.
//   shared    stores to a shared mapping reach the file by munmap (on
//             both pages, the whole one and the partial last one).
//   exit      the same without munmap: exit must write them home too.
//   fork      a child sees the parent's file mapping, and a child's
//             store to a shared page is what the parent reads after.
//   gone      a load after munmap kills the process that does it.
//   readonly  a store to a PROT_READ mapping kills the process.
//
// Each test runs in a child of its own, so a test that gets killed (the
// stub kills every touch of a file page) is reported as a failure
// instead of taking the whole program down. The grader also checks that
// no frame is lost: `free` before and after must agree.
//
// usage: labmmap [name]   (no name: run them all)
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

enum { PAGE = 4096, SIZE = PAGE + PAGE / 2 };

#define NOMAP ((char *)-1) // what mmap returns on failure
#define FILE "labmmap.f"

static char *testname;

static void fail(const char *why) {
  printf("labmmap %s: FAILED: %s\n", testname, why);
  exit(1);
}

static void check(int ok, const char *why) {
  if (!ok)
    fail(why);
}

// Byte i of the test file; never 0, so a zero-filled page cannot pass.
static char byte(int i, int seed) { return (char)('A' + (i + seed) % 26); }

static void make_file(int seed) {
  static char buf[SIZE];
  for (int i = 0; i < SIZE; i++)
    buf[i] = byte(i, seed);
  int fd = open(FILE, O_CREATE | O_TRUNC | O_RDWR);
  check(fd >= 0, "create the test file");
  check(write(fd, buf, SIZE) == SIZE, "write the test file");
  close(fd);
}

// The file's bytes as read() sees them: does byte i equal want(i)?
static void file_is(char (*want)(int), const char *why) {
  static char buf[SIZE];
  int fd = open(FILE, O_RDONLY);
  check(fd >= 0, "open the test file to read it back");
  check(read(fd, buf, SIZE) == SIZE, "read the test file back");
  close(fd);
  for (int i = 0; i < SIZE; i++)
    if (buf[i] != want(i))
      fail(why);
}

static char *map(int omode, int prot, int flags) {
  int fd = open(FILE, omode);
  check(fd >= 0, "open the test file");
  char *p = mmap(0, 2 * PAGE, prot, flags, fd, 0);
  close(fd); // the mapping must outlive the descriptor
  check(p != NOMAP, "mmap failed");
  return p;
}

static void mapped_is_file(char *p, int seed) {
  for (int i = 0; i < SIZE; i++)
    if (p[i] != byte(i, seed))
      fail("a mapped byte differs from the file's");
  for (int i = SIZE; i < 2 * PAGE; i++)
    if (p[i] != 0)
      fail("a byte past the end of the file is not zero");
}

static char original(int i) { return byte(i, 0); }
static char written(int i) { return i % 100 == 0 ? 'z' : byte(i, 0); }

// Store 'z' at every 100th byte of the file's part of the mapping.
static void scribble(char *p) {
  for (int i = 0; i < SIZE; i += 100)
    p[i] = 'z';
}

static void private(void) {
  make_file(0);
  char *p = map(O_RDONLY, PROT_READ, MAP_PRIVATE);
  mapped_is_file(p, 0);
  check(munmap(p, 2 * PAGE) == 0, "munmap failed");
}

static void privwrite(void) {
  make_file(0);
  char *p = map(O_RDONLY, PROT_READ | PROT_WRITE, MAP_PRIVATE);
  scribble(p);
  check(p[0] == 'z' && p[4100] == 'z', // 4100: on the second page
        "a store to a private mapping did not stick");
  check(munmap(p, 2 * PAGE) == 0, "munmap failed");
  file_is(original, "a store to a private mapping reached the file");
}

static void shared(void) {
  make_file(0);
  char *p = map(O_RDWR, PROT_READ | PROT_WRITE, MAP_SHARED);
  mapped_is_file(p, 0);
  scribble(p);
  check(munmap(p, 2 * PAGE) == 0, "munmap failed");
  file_is(written, "stores to a shared mapping did not reach the file by munmap");
}

static void exit_writes(void) {
  make_file(0);
  int pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    scribble(map(O_RDWR, PROT_READ | PROT_WRITE, MAP_SHARED));
    exit(0); // no munmap: exit must write the pages home
  }
  int st;
  check(wait(&st) == pid && st == 0, "the child that wrote the mapping failed");
  file_is(written, "stores to a shared mapping did not reach the file by exit");
}

static void forked(void) {
  make_file(0);
  char *p = map(O_RDWR, PROT_READ | PROT_WRITE, MAP_SHARED);
  int pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    mapped_is_file(p, 0); // pages the parent never touched
    scribble(p);
    exit(0);
  }
  int st;
  check(wait(&st) == pid && st == 0, "the child failed to read or write the mapping");
  for (int i = 0; i < SIZE; i++)
    if (p[i] != written(i))
      fail("the parent does not see the child's stores to a shared page");
  check(munmap(p, 2 * PAGE) == 0, "munmap failed");
  file_is(written, "the child's stores did not reach the file");
}

// Run f(p) in a child: it must be killed (exit status -1, as xv6's kill).
static void dies(void (*f)(volatile char *), volatile char *p, const char *why) {
  int pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    f(p);
    exit(0);
  }
  int st;
  check(wait(&st) == pid && st == -1, why);
}

static void load(volatile char *p) { (void)*p; }
static void store(volatile char *p) { *p = 'x'; }

static void gone(void) {
  make_file(0);
  char *p = map(O_RDONLY, PROT_READ, MAP_PRIVATE);
  check(p[0] == byte(0, 0), "the mapping shows the wrong byte");
  check(munmap(p, PAGE) == 0, "munmap of the first page failed");
  dies(load, p, "a load after munmap did not kill the process");
  check(p[PAGE] == byte(PAGE, 0), "the page munmap left is wrong");
  check(munmap(p + PAGE, PAGE) == 0, "munmap of the second page failed");
  dies(load, p + PAGE, "a load after munmap did not kill the process");
}

static void readonly(void) {
  make_file(0);
  char *p = map(O_RDONLY, PROT_READ, MAP_SHARED);
  check(p[1] == byte(1, 0), "the mapping shows the wrong byte");
  dies(store, p + 1, "a store to a PROT_READ mapping did not kill the process");
  check(munmap(p, 2 * PAGE) == 0, "munmap failed");
  file_is(original, "a refused store changed the file");
}

static struct {
  char *name;
  void (*run)(void);
} tests[] = {
    {"private", private}, {"privwrite", privwrite}, {"shared", shared},     {"exit", exit_writes},
    {"fork", forked},     {"gone", gone},           {"readonly", readonly},
};

int main(int argc, char *argv[]) {
  int failed = 0, ran = 0;
  for (int i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
    if (argc > 1 && strcmp(argv[1], tests[i].name) != 0)
      continue;
    testname = tests[i].name;
    ran++;
    int pid = fork();
    if (pid < 0) {
      printf("labmmap %s: FAILED: fork\n", testname);
      failed++;
      continue;
    }
    if (pid == 0) {
      tests[i].run();
      exit(0);
    }
    int st;
    wait(&st);
    if (st == 0) {
      printf("labmmap %s: ok\n", testname);
    } else {
      printf("labmmap %s: FAILED (exit status %d)\n", testname, st);
      failed++;
    }
  }
  unlink(FILE);
  if (ran == 0) {
    printf("labmmap: no test named %s\n", argv[1]);
    exit(1);
  }
  if (failed) {
    printf("SOME LABMMAP TESTS FAILED\n");
    exit(1);
  }
  printf("ALL LABMMAP TESTS PASSED\n");
  exit(0);
}
