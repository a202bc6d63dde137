// rm: remove each named file (or empty directory) from its directory.
//
// Invariant: stops at the first failure, with exit status 1.
#include "kernel/types.h"
#include "user/user.h"

int main(int argc, char *argv[]) {
  if (argc < 2) {
    fprintf(2, "usage: rm file...\n");
    return 1;
  }
  for (int i = 1; i < argc; i++) {
    if (unlink(argv[i]) < 0) {
      fprintf(2, "rm: %s failed to delete\n", argv[i]);
      return 1;
    }
  }
  return 0;
}
