// rmtree PATH...: remove each directory tree (or file) named, everything
// under it first (user/tree.c). The way to throw away a container's clone
// kept with `container -k`.
//
// Invariant: a failure is reported and gives exit status 1; the other
// trees are still removed.
#include "kernel/types.h"
#include "user/user.h"
#include "user/tree.h"

int main(int argc, char *argv[]) {
  if (argc < 2) {
    fprintf(2, "usage: rmtree PATH...\n");
    return 1;
  }
  int st = 0;
  for (int i = 1; i < argc; i++) {
    if (tree_remove(argv[i]) < 0) {
      fprintf(2, "rmtree: cannot remove all of %s\n", argv[i]);
      st = 1;
    }
  }
  return st;
}
