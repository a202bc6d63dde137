// An instructor's hidden test program for lab cow (an example: see
// tests/labs/hidden-example/cow.spec). The child of a fork writes to a
// global the parent set; the parent's value must not change. Prints
// "NAME: ok" under its own name, so the same source serves the copies
// that cowpanic.c, cowhang.c and cowflood.c make of it.
#include "kernel/types.h"
#include "user/user.h"

static volatile int shared = 1;

int main(int argc, char *argv[]) {
  int pid = fork();
  if (pid < 0) {
    printf("%s: fork failed\n", argv[0]);
    exit(1);
  }
  if (pid == 0) {
    shared = 2; // a write to a page the parent shares: a COW break
    exit(shared == 2 ? 0 : 1);
  }
  int status = -1;
  wait(&status);
  if (status != 0 || shared != 1) {
    printf("%s: FAILED: child status %d, parent sees %d\n", argv[0], status, shared);
    exit(1);
  }
  printf("%s: ok\n", argv[0]);
  exit(0);
}
