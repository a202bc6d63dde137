// mkdir: create each named directory.
//
// Invariant: stops at the first failure, with exit status 1, so that
// `mkdir a a/b` never tries a/b when a could not be made.
#include "kernel/types.h"
#include "user/user.h"

int main(int argc, char *argv[]) {
  if (argc < 2) {
    fprintf(2, "usage: mkdir dir...\n");
    return 1;
  }
  for (int i = 1; i < argc; i++) {
    if (mkdir(argv[i]) < 0) {
      fprintf(2, "mkdir: %s failed to create\n", argv[i]);
      return 1;
    }
  }
  return 0;
}
