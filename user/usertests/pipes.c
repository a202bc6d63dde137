// usertests: the pipe tests (user/usertests/usertests.h
// says what the program does and how its files divide).
#include "user/usertests/usertests.h"

// ------------------------------------------------------------ pipe tests

// One writer, one reader: every byte arrives, in order, however the
// reads and writes are sized.
void t_pipedata(void) {
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
void t_pipemany(void) {
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

void t_pipeclosed(void) {
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
void t_pipebad(void) {
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
