// clonetree [-v] SRC DST: make DST a copy-on-write copy of the directory
// tree SRC: new directories, and a reflink (clonefile) of every file, so
// that no data block is copied (user/tree.c). The cost is per file, not
// per byte: with -v it prints what the copy took, from fsstat and the
// clock, e.g.
//   clonetree: 2 dirs, 9 files, 0 skipped: 11 inodes, 9 blocks, 0 newly shared, 38051 ticks
// (blocks: taken from the free count; newly shared: data blocks that
// became shared; ticks: of the 10 MHz time CSR). Devices are left out.
//
// Invariant: on failure DST does not exist afterwards and the status is 1.
#include "kernel/types.h"
#include "kernel/fs.h"
#include "user/user.h"
#include "user/tree.h"

int main(int argc, char *argv[]) {
  int verbose = argc > 1 && strcmp(argv[1], "-v") == 0;
  if (argc != 3 + verbose) {
    fprintf(2, "usage: clonetree [-v] SRC DST\n");
    return 1;
  }
  char *src = argv[1 + verbose], *dst = argv[2 + verbose];
  struct fsstat a, b;
  struct tree_stats ts;
  fsstat(&a);
  uint64 t0 = rdtime();
  int r = tree_clone(src, dst, &ts);
  uint64 t1 = rdtime();
  fsstat(&b);
  if (r < 0) {
    fprintf(2, "clonetree: cannot clone %s to %s\n", src, dst);
    return 1;
  }
  if (ts.skipped)
    fprintf(2, "clonetree: %d device(s) left out\n", ts.skipped);
  if (verbose)
    printf("clonetree: %d dirs, %d files, %d skipped: %d inodes, %d blocks, %d newly shared, "
           "%ld ticks\n",
           ts.dirs, ts.files, ts.skipped, (int)(a.ifree - b.ifree), (int)(a.free - b.free),
           (int)(b.shared - a.shared), t1 - t0);
  return 0;
}
