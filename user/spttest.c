// spttest: shared page tables (fork=sharedpt, kernel/mm/sharedpt.c), the
// cases that break naive designs. Each test works on a region of its own
// 2 MiB leaf tables (the first table, with the stack, is unshared by the
// first return from fork anyway), runs in a child of the runner with fork
// set to sharedpt, and must leave the frame and table audit clean.
//
// usage: spttest [name]
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/testlib.h"

#define MIB (1024 * 1024UL)
#define TABLE (2 * MIB) // what one leaf table maps

// n bytes of heap starting on a leaf-table boundary, every page set to 1.
static char *region(uint64 n) {
  uint64 top = (uint64)sbrk(0);
  uint64 start = (top + TABLE - 1) & ~(TABLE - 1);
  CHECK(sbrk(start + n - top) != (char *)-1);
  for (uint64 i = 0; i < n; i += PGSIZE)
    *(int *)(start + i) = 1;
  return (char *)start;
}

static int table_refs(char *p) {
  struct frameinfo fi;
  CHECK(frameinfo(p, &fi) == 0);
  return fi.table_refs;
}

static int reap(void) {
  int st = -1;
  CHECK(wait(&st) > 0);
  return st;
}

// Wait until pid is gone (reaped by init, whose child it became).
static void gone(int pid) {
  struct procstat ps;
  while (procstat(pid, &ps) == 0)
    pause(1);
}

// A fork of a fork before anyone touches the region: one table, three
// holders. Each writes its own values; nobody sees another's.
static void threeway(void) {
  char *r = region(4 * MIB);
  struct memstat m0 = mem_stats();
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    int g = fork();
    CHECK(g >= 0);
    if (g == 0) {
      EXPECT(table_refs(r), 3);
      EXPECT(table_refs(r + TABLE), 3);
      struct frameinfo fi;
      CHECK(frameinfo(r, &fi) == 0);
      EXPECT(fi.refs, 3); // one frame, seen by three page tables
      CHECK(pages_all(r, 4 * MIB, 1));
      pages_fill(r, 4 * MIB, 3);
      CHECK(pages_all(r, 4 * MIB, 3));
      exit(0);
    }
    EXPECT(reap(), 0);
    CHECK(pages_all(r, 4 * MIB, 1));
    pages_fill(r, 4 * MIB, 2);
    CHECK(pages_all(r, 4 * MIB, 2));
    exit(0);
  }
  struct memstat m1 = mem_stats();
  CHECK(m1.spt_tables >= m0.spt_tables + 2); // the region's two tables, at least
  EXPECT(reap(), 0);
  CHECK(pages_all(r, 4 * MIB, 1));
}

// The parent of a sharing pair exits first: its reference goes, the
// other two still share, then take the table in turn.
static void parentfirst(void) {
  char *r = region(4 * MIB);
  int pids[2], go[2], done[2];
  CHECK(pipe(pids) == 0 && pipe(go) == 0 && pipe(done) == 0);
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    int c = fork();
    CHECK(c >= 0);
    if (c == 0) {
      char b;
      CHECK(read(go[0], &b, 1) == 1);
      char ok = table_refs(r) == 2 && pages_all(r, 4 * MIB, 1);
      pages_fill(r, 4 * MIB, 3);
      ok = ok && pages_all(r, 4 * MIB, 3);
      write(done[1], &ok, 1);
      exit(0);
    }
    write(pids[1], &c, sizeof(c));
    exit(0); // without touching the region
  }
  int c;
  CHECK(read(pids[0], &c, sizeof(c)) == sizeof(c));
  EXPECT(reap(), 0);
  CHECK(write(go[1], "g", 1) == 1);
  char ok = 0;
  CHECK(read(done[0], &ok, 1) == 1);
  CHECK(ok);
  gone(c);
  // The child copied the table (its pages turned COW) and left: this
  // side is the sole holder and takes the table back in place, and its
  // writes reuse every frame.
  struct memstat m0 = mem_stats();
  CHECK(pages_all(r, 4 * MIB, 1));
  pages_fill(r, 4 * MIB, 5);
  struct memstat m1 = mem_stats();
  EXPECT(m1.spt_reuses - m0.spt_reuses, 2);
  EXPECT(m1.cow_copies - m0.cow_copies, 0);
  CHECK(pages_all(r, 4 * MIB, 5));
}

// The child exits without touching: the parent takes its tables back in
// place, its pages still writable, with no fault but one per table.
static void childfirst(void) {
  char *r = region(4 * MIB);
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0)
    exit(0);
  EXPECT(reap(), 0);
  EXPECT(table_refs(r), 1); // still marked, but no one else holds it
  struct memstat m0 = mem_stats();
  pages_fill(r, 4 * MIB, 2);
  struct memstat m1 = mem_stats();
  EXPECT(m1.spt_reuses - m0.spt_reuses, 2);
  EXPECT(m1.spt_copies - m0.spt_copies, 0);
  EXPECT(m1.cow_faults - m0.cow_faults, 0);
  CHECK(pages_all(r, 4 * MIB, 2));
}

// The kernel writes into a shared region (read() from a pipe, across a
// table boundary) and reads from one (write() to a pipe): the write must
// land in the child's copy only.
static void kernelwrite(void) {
  char *r = region(4 * MIB);
  char *at = r + TABLE - 4; // 4 bytes in each table
  int p[2], back[2];
  CHECK(pipe(p) == 0 && pipe(back) == 0);
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    CHECK(read(p[0], at, 8) == 8);
    CHECK(memcmp(at, "sharedpt", 8) == 0);
    CHECK(write(back[1], r + 3 * MIB, 4) == 4); // copyin from a shared table
    exit(0);
  }
  CHECK(write(p[1], "sharedpt", 8) == 8);
  int v = 0;
  CHECK(read(back[0], &v, 4) == 4);
  EXPECT(v, 1);
  EXPECT(reap(), 0);
  EXPECT(*(int *)(r + TABLE - PGSIZE), 1);
  EXPECT(*(int *)r, 1);
  CHECK(memcmp(at, "sharedpt", 8) != 0);
  CHECK(pages_all(r, 4 * MIB, 1));
}

// sbrk shrink across shared tables: the child's new end falls inside one
// (which it must unshare) and drops the one above whole.
static void shrink(void) {
  char *r = region(5 * MIB);
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    CHECK(sbrk(-(long)(3 * MIB - 16 * PGSIZE)) != (char *)-1);
    EXPECT(table_refs(r), 2);         // below the new end: untouched
    EXPECT(table_refs(r + TABLE), 1); // the new end's table: a copy now
    CHECK(pages_all(r, 2 * MIB + 16 * PGSIZE, 1));
    CHECK(sbrk(-(long)(16 * PGSIZE)) != (char *)-1);
    exit(0);
  }
  EXPECT(reap(), 0);
  EXPECT(table_refs(r + 4 * MIB), 1);
  struct frameinfo fi;
  CHECK(frameinfo(r + 4 * MIB, &fi) == 0);
  EXPECT(fi.refs, 1);
  CHECK(pages_all(r, 5 * MIB, 1));
}

// Take a snapshot, fill the 4 MiB region at r with v, roll back: returns
// (the second time, from the snapshot) with the region as it was.
static void scribble_then_roll_back(char *r, int v) {
  int id = snapshot();
  CHECK(id >= 0);
  if (id > 0) {
    pages_fill(r, 4 * MIB, v);
    rollback(id);
    fail("rollback returned");
  }
}

// A snapshot taken and rolled back across shared tables, on both sides.
static void snaprollback(void) {
  char *r = region(4 * MIB);
  int go[2];
  CHECK(pipe(go) == 0);
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    char b;
    CHECK(read(go[0], &b, 1) == 1);
    scribble_then_roll_back(r, 3);
    CHECK(pages_all(r, 4 * MIB, 1));
    pages_fill(r, 4 * MIB, 4);
    CHECK(pages_all(r, 4 * MIB, 4));
    exit(0);
  }
  scribble_then_roll_back(r, 7); // the tables are still shared with the child
  CHECK(pages_all(r, 4 * MIB, 1));
  CHECK(write(go[1], "g", 1) == 1);
  EXPECT(reap(), 0);
  CHECK(pages_all(r, 4 * MIB, 1));
}

// Four harts: four children fork grandchildren over the same tables, and
// everyone writes its own value and checks it, at the same time.
static void harts4(void) {
  char *r = region(8 * MIB);
  for (int i = 0; i < 4; i++) {
    int pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
      for (int round = 0; round < 4; round++) {
        int g = fork();
        CHECK(g >= 0);
        int v = 100 + 10 * i + round;
        if (g == 0) {
          CHECK(pages_all(r, 8 * MIB, round == 0 ? 1 : v - 1));
          pages_fill(r, 8 * MIB, -v);
          CHECK(pages_all(r, 8 * MIB, -v));
          exit(0);
        }
        pages_fill(r, 8 * MIB, v);
        CHECK(pages_all(r, 8 * MIB, v));
        EXPECT(reap(), 0);
        CHECK(pages_all(r, 8 * MIB, v));
      }
      exit(0);
    }
  }
  for (int i = 0; i < 4; i++)
    EXPECT(reap(), 0);
  CHECK(pages_all(r, 8 * MIB, 1));
}

static struct test tests[] = {
    {"threeway", threeway}, {"parentfirst", parentfirst}, {"childfirst", childfirst},
    {"kernelwrite", kernelwrite}, {"shrink", shrink}, {"snaprollback", snaprollback},
    {"harts4", harts4},
};

int main(int argc, char *argv[]) {
  test_prog = "spttest";
  int old = forkmode(FORK_SHAREDPT);
  if (old < 0) {
    printf("spttest: forkmode failed (root only)\n");
    exit(1);
  }
  struct test_suite suite = {"SHAREDPT", tests, NELEM(tests), 1, 0, 0};
  int st = run_tests(&suite, argc, argv);
  forkmode(old);
  exit(st);
}
