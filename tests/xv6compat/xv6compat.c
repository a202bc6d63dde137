// xv6compat: a program written the way upstream xv6's user programs are,
// to show that they build and run on calf unchanged. The Makefile builds
// it as an EXTRA_USER program (make test passes EXTRA_USER=tests/xv6compat)
// and the harness's xv6compat test runs it.
//
// It is deliberately in xv6's style, sloppiness included: only xv6's
// headers, printf formats that do not match their arguments (a %p given a
// uint64, an argument too many, a %d given a 64-bit value) -- which calf's
// checked printf turns into compile-time warnings here and errors in
// calf's own programs -- and xv6's calls: fork/exit/wait, sbrk, pause,
// pipe, open of "README". Each part checks what actually happened, and the
// whole run checks, as xv6's usertests does, that no page was lost:
// every free page is counted by a child that sbrk's until it cannot.
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define PGSIZE 4096

static void
fail(char *what)
{
  printf("xv6compat: %s: FAILED\n", what);
  exit(1);
}

// How many pages can still be allocated: a child grabs them all with
// sbrk, touching each, and reports the count through a pipe.
static int
countfree(void)
{
  int fds[2];
  if(pipe(fds) < 0)
    fail("countfree pipe");
  int pid = fork();
  if(pid < 0)
    fail("countfree fork");
  if(pid == 0){
    close(fds[0]);
    int n = 0;
    for(;;){
      char *a = sbrk(PGSIZE);
      if(a == (char*)-1)
        break;
      *(a + PGSIZE - 1) = 1; // make sure the page is really there
      n++;
    }
    write(fds[1], &n, sizeof(n));
    exit(0);
  }
  close(fds[1]);
  int n = -1;
  if(read(fds[0], &n, sizeof(n)) != sizeof(n))
    fail("countfree read");
  close(fds[0]);
  wait(0);
  return n;
}

// fork a few children that exit with different statuses; wait for all.
static void
forks(void)
{
  int sum = 0;
  for(int i = 1; i <= 5; i++){
    int pid = fork();
    if(pid < 0)
      fail("fork");
    if(pid == 0)
      exit(i);
  }
  for(int i = 0; i < 5; i++){
    int st;
    if(wait(&st) < 0)
      fail("wait");
    sum += st;
  }
  if(wait(0) != -1)
    fail("wait with no children");
  printf("xv6compat: forks: exit statuses add up to %d\n", sum, 15);  // one argument too many
  if(sum != 15)
    fail("forks");
}

// grow the heap, use it, shrink it again.
static void
heap(void)
{
  char *old = sbrk(0);
  char *a = sbrk(10 * PGSIZE);
  if(a != old)
    fail("sbrk returned the wrong old break");
  for(int i = 0; i < 10 * PGSIZE; i += PGSIZE)
    a[i] = i / PGSIZE;
  for(int i = 0; i < 10 * PGSIZE; i += PGSIZE)
    if(a[i] != i / PGSIZE)
      fail("sbrk memory");
  uint64 top = (uint64) sbrk(0);
  printf("xv6compat: heap: break %p, grown by %d\n", top, top - (uint64)old);  // %p given a uint64, %d given a uint64
  if(top != (uint64)old + 10 * PGSIZE)
    fail("sbrk(0) after growing");
  if(sbrk(-10 * PGSIZE) == SBRK_ERROR || sbrk(0) != old)
    fail("sbrk shrink");
  // xv6 2025 (usertests lazy_copy): shrinking below address 0 changes
  // nothing and returns the old break.
  if(sbrk(-(((uint64)old) + 1)) != old || sbrk(0) != old)
    fail("sbrk below address 0");
}

// pause sleeps for clock ticks.
static void
sleeping(void)
{
  int t0 = uptime();
  if(pause(3) != 0)
    fail("pause");
  int t1 = uptime();
  if(t1 - t0 < 3)
    fail("pause returned early");
}

// the disk has README, as xv6's does.
static void
readme(void)
{
  char buf[16];
  int fd = open("README", O_RDONLY);
  if(fd < 0)
    fail("open(README)");
  int n = read(fd, buf, 6);
  close(fd);
  if(n != 6 || memcmp(buf, "# calf", 6) != 0)
    fail("README contents");
  struct stat st;
  if(stat("README", &st) < 0 || st.type != T_FILE || st.size < 1000)
    fail("stat(README)");
}

// a child writes into a pipe; the parent reads it back.
static void
pipes(void)
{
  int fds[2];
  if(pipe(fds) != 0)
    fail("pipe");
  int pid = fork();
  if(pid == 0){
    close(fds[0]);
    write(fds[1], "hello xv6", 9);
    exit(0);
  }
  close(fds[1]);
  char buf[16];
  int n = read(fds[0], buf, sizeof(buf));
  close(fds[0]);
  wait(0);
  if(n != 9 || memcmp(buf, "hello xv6", 9) != 0)
    fail("pipe contents");
}

int
main(int argc, char *argv[])
{
  int free0 = countfree();
  forks();
  heap();
  sleeping();
  readme();
  pipes();
  int free1 = countfree();
  if(free1 != free0){
    printf("xv6compat: %d free pages before, %d after\n", free0, free1);
    fail("lost pages");
  }
  printf("xv6compat: %d free pages before and after\n", free0, free1);
  printf("ALL TESTS PASSED\n");
  exit(0);
}
