// snaptest: process snapshots and rollback.
//
// A rollback restores memory and registers, so after one a test cannot
// remember anything in its own memory. What survives is the file system:
// the tests keep their step counter and snapshot ids in a small file,
// which (like every file) a rollback leaves alone.
//
// usage: snaptest [name]
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/testlib.h"

static int global = 1;

// ---- state that survives a rollback: a file of ints ----
#define NSTATE 8
static void state_write(int *v) {
  int fd = open("snapstate", O_CREATE | O_WRONLY | O_TRUNC);
  check(fd >= 0 && write(fd, v, NSTATE * sizeof(int)) == NSTATE * sizeof(int), "write state");
  close(fd);
}

static void state_read(int *v) {
  int fd = open("snapstate", O_RDONLY);
  check(fd >= 0 && read(fd, v, NSTATE * sizeof(int)) == NSTATE * sizeof(int), "read state");
  close(fd);
}

// Stack, heap and globals come back after many writes.
static void restore_memory(void) {
  char *heap = sbrk(64 * PGSIZE);
  pages_fill(heap, 64 * PGSIZE, 1);
  volatile int local = 1;
  global = 1;
  int id = snapshot();
  check(id != -1, "snapshot");
  if (id > 0) {
    for (int round = 2; round < 20; round++) {
      pages_fill(heap, 64 * PGSIZE, round);
      local = round;
      global = round;
    }
    rollback(id);
    fail("rollback returned");
  }
  check(local == 1, "the stack was not restored");
  check(global == 1, "globals were not restored");
  check(pages_all(heap, 64 * PGSIZE, 1), "the heap was not restored");
}

// Three nested snapshots, rolled back in the order s2, s1, s3.
static void nested(void) {
  int st[NSTATE] = {0};
  state_write(st);
  volatile int v = 1;
  int r1 = 0, r2 = 0, r3 = 0;
  if ((r1 = snapshot()) == 0)
    goto resumed;
  v = 2;
  if ((r2 = snapshot()) == 0)
    goto resumed;
  v = 3;
  if ((r3 = snapshot()) == 0)
    goto resumed;
  v = 4;
  check(r1 > 0 && r2 > 0 && r3 > 0, "snapshot ids");
  st[1] = r1, st[2] = r2, st[3] = r3;
  state_write(st);
resumed:
  state_read(st);
  st[0]++;
  state_write(st);
  switch (st[0]) {
  case 1:
    rollback(st[2]);
    fail("rollback to s2 returned");
  case 2:
    check(v == 2, "rollback to s2 gave the wrong memory");
    rollback(st[1]);
    fail("rollback to s1 returned");
  case 3:
    check(v == 1, "rollback to s1 gave the wrong memory");
    rollback(st[3]);
    fail("rollback to s3 returned");
  case 4:
    check(v == 3, "rollback to s3 gave the wrong memory");
    for (int i = 1; i <= 3; i++)
      check(snapdrop(st[i]) == 0, "snapdrop");
    unlink("snapstate");
    return;
  }
  fail("lost track of the steps");
}

// Rollback undoes sbrk growth and shrinking.
static void heapsize(void) {
  int st[NSTATE] = {0};
  state_write(st);
  char *base = sbrk(0);
  char *p = sbrk(8 * PGSIZE);
  pages_fill(p, 8 * PGSIZE, 7);
  int id = snapshot(); // 0 when resumed by a rollback: the id is in st[1]
  state_read(st);
  st[0]++;
  if (id > 0)
    st[1] = id;
  id = st[1];
  state_write(st);
  if (st[0] == 1) { // grow, then roll back
    sbrk(32 * PGSIZE);
    pages_fill(p, 40 * PGSIZE, 9);
    rollback(id);
    fail("rollback returned");
  }
  if (st[0] == 2) { // shrink, then roll back
    check(sbrk(0) == base + 8 * PGSIZE, "rollback did not undo sbrk growth");
    check(pages_all(p, 8 * PGSIZE, 7), "memory after undoing growth");
    sbrk(-6 * PGSIZE);
    rollback(id);
    fail("rollback returned");
  }
  check(sbrk(0) == base + 8 * PGSIZE, "rollback did not undo sbrk shrinking");
  check(pages_all(p, 8 * PGSIZE, 7), "memory after undoing shrinking");
  // The grown part is gone: touching it kills a child.
  int pid = fork();
  if (pid == 0) {
    p[20 * PGSIZE] = 1;
    exit(0);
  }
  int xs;
  wait(&xs);
  check(xs == -1, "memory past the restored break is still mapped");
  snapdrop(id);
  unlink("snapstate");
}

// snapdrop gives back every frame the snapshot held.
static void drop(void) {
  char *p = sbrk(32 * PGSIZE);
  pages_fill(p, 32 * PGSIZE, 1);
  uint64 before = free_frames();
  int id = snapshot();
  check(id > 0, "snapshot");
  pages_fill(p, 32 * PGSIZE, 2); // 32 COW copies: the snapshot keeps the originals
  check(free_frames() < before - 32, "writes after a snapshot should copy pages");
  check(snapdrop(id) == 0, "snapdrop");
  check(free_frames() == before, "snapdrop did not free the snapshot's frames");
  check(snapdrop(id) == -1, "a dropped id should be gone");
  check(pages_all(p, 32 * PGSIZE, 2), "snapdrop changed live memory");
}

// A snapshot of a 32 MiB heap costs page-table pages, not page copies.
static void cheap(void) {
  uint64 n = 32 * 1024 * 1024;
  char *p = sbrk(n);
  check(p != (char *)-1, "sbrk 32 MiB");
  pages_fill(p, n, 3);
  // Measure with the bare system call into this frame's locals: after
  // snapshot() every page is shared, and a function call that pushed a
  // frame would copy the stack page before memstat could count. The kernel
  // takes its figures before its copyout breaks COW on m1's page.
  struct memstat m0, m1;
  check(memstat(&m0) == 0, "memstat");
  int id = snapshot();
  int r = memstat(&m1);
  check(r == 0 && id > 0, "snapshot of 32 MiB");
  uint64 used = memstat_avail(&m0) - memstat_avail(&m1);
  uint64 pts = m1.pt_pages - m0.pt_pages;
  // 8192 pages need 16 leaf tables, plus the upper levels, plus one frame
  // for the process's table of snapshots.
  check(pts <= 8192 / 512 + 3, "too many page-table pages");
  check(used <= pts + 1, "a snapshot allocated more than its page tables");
  check(m1.cow_copies == m0.cow_copies, "a snapshot copied pages");
  check(snapdrop(id) == 0, "snapdrop");
}

// At most 8 live snapshots; bad ids are refused; nothing changes on error.
static void limits(void) {
  int ids[8];
  for (int i = 0; i < 8; i++)
    check((ids[i] = snapshot()) > 0, "8 snapshots should fit");
  check(snapshot() == -1, "a 9th live snapshot should fail");
  check(rollback(0) == -1 && rollback(-3) == -1 && rollback(12345) == -1, "bad rollback ids");
  check(snapdrop(0) == -1 && snapdrop(777) == -1, "bad snapdrop ids");
  check(snapdrop(ids[3]) == 0, "snapdrop");
  check(rollback(ids[3]) == -1, "rollback to a dropped snapshot");
  int again = snapshot();
  check(again > 0, "a slot freed by snapdrop can be reused");
  for (int i = 0; i < 8; i++)
    if (i != 3)
      check(snapdrop(ids[i]) == 0, "snapdrop");
  check(snapdrop(again) == 0, "snapdrop");
  // A forked child starts with none.
  int id = snapshot();
  int pid = fork();
  if (pid == 0)
    exit(rollback(id) == -1 && snapdrop(id) == -1 ? 0 : 1);
  int xs;
  wait(&xs);
  check(xs == 0, "a child should not inherit snapshots");
  snapdrop(id);
}

// Running out of memory while taking a snapshot leaves the process as it was.
static void oom(void) {
  uint64 npages = 0;
  char *start = sbrk(0);
  while (sbrk(16 * PGSIZE) != (char *)-1)
    npages += 16;
  while (sbrk(PGSIZE) != (char *)-1)
    npages++;
  pages_fill(start, npages * PGSIZE, 5);
  sbrk(-2 * PGSIZE); // two frames free; the snapshot needs dozens
  npages -= 2;
  check(snapshot() == -1, "a snapshot without memory for its page tables should fail");
  check(pages_all(start, npages * PGSIZE, 5), "a failed snapshot changed memory");
  check(snapshot() == -1, "still no memory");
  sbrk(-(int)(npages * PGSIZE));
}

// exec drops the caller's snapshots (their frames come back).
static void execdrop(void) {
  uint64 before = free_frames();
  int pid = fork();
  if (pid == 0) {
    char *p = sbrk(16 * PGSIZE);
    pages_fill(p, 16 * PGSIZE, 1);
    snapshot();
    snapshot();
    pages_fill(p, 16 * PGSIZE, 2);
    char *argv[] = {"echo", "exec-dropped", 0};
    exec("echo", argv);
    exit(1);
  }
  int xs;
  wait(&xs);
  check(xs == 0, "child failed");
  check(free_frames() == before, "exec or exit left snapshot frames behind");
}

static struct test tests[] = {
    {"restore", restore_memory}, {"nested", nested}, {"heapsize", heapsize}, {"drop", drop},
    {"cheap", cheap},     {"limits", limits}, {"oom", oom},           {"execdrop", execdrop},
};

int main(int argc, char *argv[]) {
  test_prog = "snaptest";
  struct test_suite suite = {"SNAPSHOT", tests, NELEM(tests), 1, 0, 0};
  exit(run_tests(&suite, argc, argv));
}
