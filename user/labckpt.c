// labckpt: the checkpoint lab's test (docs/labs/checkpoint.md).
//
// A worker fills 64 heap pages and 8 pages of an anonymous mapping with a
// pattern, then waits for a command file. It is checkpointed (and killed),
// and the image is restored lazily several times; each restored worker
// reads its command and checks its pages:
//   read    every page shows the image's bytes (first touch is a load)
//   write   stores first (the page must become a private copy), then loads
//   twice   two restores write different values: neither sees the other's
//   fork    the restored worker forks; the child reads pages its parent
//           never touched
// and then the image must still be unchanged (a last restore reads it),
// restore faults must have been taken, and every frame must come back.
// Prints "labckpt: all tests succeeded".
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/testlib.h"

#define HEAP 64
#define ANON 8

static char *heap, *anon;

static int pattern(int page) { return page * 7 + 1; }

static int all_match(int delta) {
  for (int p = 0; p < HEAP; p++)
    if (heap[p * PGSIZE + 100] != (char)(pattern(p) + delta))
      return 0;
  for (int p = 0; p < ANON; p++)
    if (anon[p * PGSIZE + 200] != (char)(pattern(p) + 3 * delta))
      return 0;
  return 1;
}

static void store_all(int delta) {
  for (int p = 0; p < HEAP; p++)
    heap[p * PGSIZE + 100] += delta;
  for (int p = 0; p < ANON; p++)
    anon[p * PGSIZE + 200] += 3 * delta;
}

// The command file's first byte, once it has one (the file may exist a
// moment before its byte does).
static char command(void) {
  for (;;) {
    int fd = open("lgo", O_RDONLY);
    char c = 0;
    int n = fd >= 0 ? read(fd, &c, 1) : 0;
    close(fd);
    if (n == 1)
      return c;
  }
}

static void worker(void) {
  heap = sbrk(HEAP * PGSIZE);
  anon = mmap(0, ANON * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (heap == SBRK_ERROR || anon == (char *)-1)
    exit(2);
  for (int p = 0; p < HEAP; p++)
    heap[p * PGSIZE + 100] = pattern(p);
  for (int p = 0; p < ANON; p++)
    anon[p * PGSIZE + 200] = pattern(p);
  close(open("lready", O_CREATE | O_WRONLY));
  char c = command(); // the checkpoint catches it here
  switch (c) {
  case 'r':
    exit(all_match(0) ? 0 : 1);
  case 'w':
    store_all(5);
    exit(all_match(5) ? 0 : 1);
  case 'f': {
    int pid = fork();
    if (pid == 0)
      exit(all_match(0) ? 0 : 1);
    int st = 1;
    wait(&st);
    exit(st);
  }
  }
  exit(3);
}

static void say(char c) {
  int fd = open("lgo", O_CREATE | O_WRONLY | O_TRUNC);
  write(fd, &c, 1);
  close(fd);
}

// Restore the image lazily with command c; its exit status.
static int run(char c) {
  unlink("lgo");
  int pid = restore("/lck.img", RESTORE_LAZY);
  if (pid < 0)
    fail("lazy restore returned -1");
  say(c);
  int st = -1;
  wait(&st);
  return st;
}

int main(void) {
  test_prog = "labckpt";
  test_name = "setup";
  unlink("lready");
  unlink("lgo");
  uint64 before = free_frames();
  int pid = fork();
  if (pid == 0)
    worker();
  while (open("lready", O_RDONLY) < 0)
    pause(1);
  check(checkpoint(pid, "/lck.img", CKPT_KILL) == 0, "checkpoint");
  wait(0);
  struct memstat m0 = mem_stats();

  test_name = "read";
  check(run('r') == 0, "a lazily restored page did not show the image's bytes");
  printf("labckpt read: OK\n");
  test_name = "write";
  check(run('w') == 0, "a store to a lazily restored page went wrong");
  printf("labckpt write: OK\n");
  test_name = "twice";
  check(run('w') == 0 && run('r') == 0, "a restored process's stores reached the image");
  printf("labckpt twice: OK\n");
  test_name = "fork";
  check(run('f') == 0, "a child of a lazily restored process saw wrong bytes");
  printf("labckpt fork: OK\n");

  test_name = "counts";
  struct memstat m1 = mem_stats();
  check(m1.restore_faults - m0.restore_faults >= 4 * (HEAP + ANON), "too few restore faults");
  unlink("lgo");
  unlink("lready");
  unlink("/lck.img");
  check(free_frames() == before, "frames did not come back");
  printf("labckpt counts: OK\n");
  printf("labckpt: all tests succeeded\n");
  exit(0);
}
