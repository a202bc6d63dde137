// clone SRC DST: make DST a reflink of SRC, a new file that shares SRC's
// data blocks on disk until either side writes to them (clonefile()).
// Instant and nearly free in space, whatever SRC's size; `df` shows the
// shared blocks.
//
// Invariant: on failure nothing is created and the exit status is 1.
#include "kernel/types.h"
#include "user/user.h"

int main(int argc, char *argv[]) {
  if (argc != 3) {
    fprintf(2, "usage: clone SRC DST\n");
    return 1;
  }
  if (clonefile(argv[1], argv[2]) < 0) {
    fprintf(2, "clone: cannot clone %s to %s\n", argv[1], argv[2]);
    return 1;
  }
  return 0;
}
