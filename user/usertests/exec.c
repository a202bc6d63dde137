// usertests: the exec tests (user/usertests/usertests.h
// says what the program does and how its files divide).
#include "user/usertests/usertests.h"

// ------------------------------------------------------------ exec tests

// Run echo with argv, its output going to buf (NUL-terminated). Returns
// the output's length; *status gets echo's exit status.
static int run_echo(char **argv, int *status) {
  int p[2];
  EXPECT(pipe(p), 0);
  int pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    close(1);
    dup(p[1]);
    close(p[0]);
    close(p[1]);
    exec(ECHO, argv);
    fprintf(2, "%s: exec %s failed\n", test_name, ECHO);
    exit(99);
  }
  close(p[1]);
  int n = 0, r;
  while ((r = read(p[0], buf + n, sizeof(buf) - 1 - n)) > 0)
    n += r;
  buf[n] = 0;
  close(p[0]);
  *status = reap(pid);
  return n;
}

static char argspace[MAXARG + 1][256];
static char *bigargv[MAXARG + 2];

// Fill bigargv with "echo" and n-1 arguments of len characters each.
static void make_args(int n, int len) {
  bigargv[0] = "echo";
  for (int i = 1; i < n; i++) {
    memset(argspace[i], 'a' + i % 26, len);
    argspace[i][len] = 0;
    bigargv[i] = argspace[i];
  }
  bigargv[n] = 0;
}

void t_exec(void) {
  int status;
  char *args[] = {"echo", "hello", "world", 0};
  EXPECT(run_echo(args, &status), 12);
  EXPECT(status, 0);
  CHECK(strcmp(buf, "hello world\n") == 0);

  // The most arguments there may be: MAXARG - 1 and the 0.
  make_args(MAXARG - 1, 3);
  EXPECT(run_echo(bigargv, &status), (MAXARG - 2) * 4);
  EXPECT(status, 0);
  for (int i = 1; i < MAXARG - 1; i++)
    CHECK(memcmp(buf + (i - 1) * 4, argspace[i], 3) == 0);

  // One more is too many.
  make_args(MAXARG, 3);
  EXPECT(exec(ECHO, bigargv), -1);
  // Arguments too big for the stack.
  make_args(MAXARG - 1, 200);
  EXPECT(exec(ECHO, bigargv), -1);

  EXPECT(exec("nosuchprogram", args), -1);
  EXPECT(exec("/", args), -1);
  put_file("notelf", "#!/bin/echo\nnot a program\n", 26);
  EXPECT(exec("notelf", args), -1);
  EXPECT(unlink("notelf"), 0);

  // Truncated programs: the ELF header alone, and the headers without
  // the segments they describe.
  int sizes[] = {64, 1000};
  for (int i = 0; i < 2; i++) {
    CHECK(get_file(ECHO, buf, sizes[i]) == sizes[i]);
    put_file("halfelf", buf, sizes[i]);
    EXPECT(exec("halfelf", args), -1);
  }
  EXPECT(unlink("halfelf"), 0);
}

// Several processes exec at once.
void t_execconc(void) {
  enum { NCHILD = 4 };
  for (int k = 0; k < NCHILD; k++) {
    int pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
      char word[8];
      char *args[] = {"echo", "concurrent", numname(word, "e", k), 0};
      int status;
      EXPECT(run_echo(args, &status), 15); // "concurrent eNN\n"
      EXPECT(status, 0);
      CHECK(memcmp(buf, "concurrent ", 11) == 0);
      CHECK(memcmp(buf + 11, word, 3) == 0);
      EXPECT(buf[14], '\n');
      exit(0);
    }
  }
  reap_all_ok(NCHILD);
}

void t_pause(void) {
  int t0 = uptime();
  CHECK(t0 >= 0);
  EXPECT(pause(0), 0);
  EXPECT(pause(3), 0);
  int t1 = uptime();
  CHECK(t1 - t0 >= 3);
  EXPECT(sleep(1), 0);
  CHECK(uptime() - t1 >= 1);
}

// User mode may read the time, cycle and instret counters (the kernel
// sets scounteren), and each of them moves forward.
void t_counters(void) {
  uint64 t0 = rdtime(), c0 = rdcycle(), i0 = rdinstret();
  for (volatile int i = 0; i < 10000; i++)
    ;
  CHECK(rdtime() > t0);
  CHECK(rdcycle() > c0);
  CHECK(rdinstret() > i0 + 10000);
}
