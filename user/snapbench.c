// snapbench: the cost of snapshot() and rollback() against the number of
// pages dirtied in between, for a 16 MiB heap. Times are rdtime ticks
// (run under `make bench`: -icount, about 100 instructions a tick).
//
// After a rollback the process's memory is the snapshot's, so the time
// taken just before the rollback() call reaches the resumed code through a
// pipe (files and pipes are not rolled back); the 8-byte pipe write is
// inside the measured interval and reported on its own.
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "user/user.h"

#define HEAP_PAGES 4096


int main(void) {
  static int dirty[] = {0, 16, 256, 1024, 4096};
  char *heap = sbrk(HEAP_PAGES * PGSIZE);
  if (heap == (char *)-1) {
    printf("snapbench: sbrk failed\n");
    exit(1);
  }
  for (int i = 0; i < HEAP_PAGES; i++)
    heap[i * PGSIZE] = 1;
  int fds[2];
  pipe(fds);
  uint64 w0 = rdtime();
  write(fds[1], &w0, sizeof(w0));
  uint64 wcost = rdtime() - w0;
  read(fds[0], &w0, sizeof(w0));

  printf("snapbench: 16 MiB heap, ticks (pipe write inside rollback: %ld)\n", wcost);
  printf("  dirtied    snapshot       dirty    rollback\n");
  for (int k = 0; k < sizeof(dirty) / sizeof(dirty[0]); k++) {
    uint64 t0 = rdtime();
    int id = snapshot();
    if (id == 0) { // resumed by the rollback below
      uint64 t1 = rdtime(), tr;
      read(fds[0], &tr, sizeof(tr));
      uint64 times[3];
      read(fds[0], times, sizeof(times));
      snapdrop(times[2]);
      column_num(dirty[k], 9);
      column_num(times[0], 12);
      column_num(times[1], 12);
      column_num(t1 - tr, 12);
      printf("\n");
      continue; // k is the snapshot-time k: go on to the next row
    }
    if (id < 0) {
      printf("snapbench: snapshot failed\n");
      exit(1);
    }
    uint64 t_snap = rdtime() - t0;
    uint64 d0 = rdtime();
    for (int i = 0; i < dirty[k]; i++)
      heap[i * PGSIZE] = 2;
    uint64 times[3] = {t_snap, rdtime() - d0, id};
    uint64 tr = rdtime();
    write(fds[1], &tr, sizeof(tr));
    write(fds[1], times, sizeof(times));
    rollback(id);
    printf("snapbench: rollback failed\n");
    exit(1);
  }
  printf("snapbench: done\n");
  exit(0);
}
