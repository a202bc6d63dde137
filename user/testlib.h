// What calf's in-guest test programs share (user/testlib.c): failing with
// a message, counting free frames, and the runner that gives each test a
// fresh child process and checks afterwards that it left nothing behind.
#ifndef CALF_TESTLIB_H
#define CALF_TESTLIB_H

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/vmstat.h"

#define NELEM(a) ((int)(sizeof(a) / sizeof((a)[0])))

struct test {
  char *name;
  void (*f)(void); // runs in a child; returning (or exit(0)) means it passed
};

struct test_suite {
  char *title;             // "COW" for "ALL COW TESTS PASSED"
  struct test *tests;
  int ntests;
  int memcheck;            // also require memcheck() == 0 after each test
  uint64 (*watch)(void);   // optional: another count that must come back
  char *watch_what;        // ... and what it counts, for the message
};

extern char *test_prog; // the program, first word of every message
extern char *test_name; // the test now running

// Print "PROG TEST: FAILED: why" and exit(1).
void fail(const char *why) __attribute__((noreturn));
void check(int ok, const char *why);

// CHECK(cond): cond must hold. EXPECT(expr, want): expr must equal want.
// Otherwise print the line, the expression (and both values) and exit(1).
void check_failed(int line, const char *what) __attribute__((noreturn));
void expect_failed(int line, const char *expr, long got, long want)
    __attribute__((noreturn));
#define CHECK(cond)                                                            \
  do {                                                                         \
    if (!(cond))                                                               \
      check_failed(__LINE__, #cond);                                           \
  } while (0)
#define EXPECT(expr, want)                                                     \
  do {                                                                         \
    long got_ = (long)(expr), want_ = (long)(want);                            \
    if (got_ != want_)                                                         \
      expect_failed(__LINE__, #expr, got_, want_);                             \
  } while (0)
// Set the first int of every page of [p, p+n) to v; are they all v?
// (Touching one word a page is what makes a page private or resident.)
void pages_fill(char *p, uint64 n, int v);
int pages_all(char *p, uint64 n, int v);
struct memstat mem_stats(void);
uint64 free_frames(void);
// What a leak shows in, machine-wide (docs/reliability.md): free frames,
// live creds, free disk blocks and inodes, and the entries in use in the
// open-file and in-memory inode tables.
struct sys_counts {
  uint64 frames, creds;
  uint free_blocks, free_inodes, files, icached;
};
struct sys_counts sys_counts(void);
// Do a and b agree? The disk's free blocks and inodes count only with_disk:
// a command killed halfway may rightly leave its files behind.
int sys_counts_same(struct sys_counts a, struct sys_counts b, int with_disk);
// Print each count as "name a->b" on one line (no newline), for a failure.
void sys_counts_print(struct sys_counts a, struct sys_counts b, int with_disk);
// Wait up to limit ticks for the counts to read base again (creds wait for a
// grace period, files for their last closer); *now gets the last reading.
// 0 if they do, -1 if not.
int sys_counts_settle(struct sys_counts base, struct sys_counts *now, int with_disk, int limit);
// The processes alive at one moment, so that the ones started since (a
// test's orphans, which init reaps in its own time) can be told apart.
struct procset {
  int pids[NPROC];
  int n;
};
void procset_note(struct procset *s);
// How many processes alive now are not in s; with killem, kill them too.
int procset_strays(const struct procset *s, int killem);
// Wait up to limit ticks for the processes not in s to be gone, killing them
// from kill_after ticks on. For orphans, which init reaps: the caller reaps
// its own children. Returns how many had to be killed (0: they all ended by
// themselves), or -1 if some outlived limit.
int procset_settle(const struct procset *s, int kill_after, int limit);
// Run the tests named by argv[1] (all of them without one), each in its
// own child, printing "PROG TEST: OK" or why it failed, then the summary.
// Returns the exit status for main: 0 if all passed.
int run_tests(const struct test_suite *s, int argc, char *argv[]);

#endif
