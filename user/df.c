// df: how full the file system is, from fsstat(): data blocks (1 KiB)
// used, free and shared between files by reflinks, and inodes used and
// free. A block shared by several files counts once in "used".
//
//   $ df
//            total    used    free  shared
//   blocks    7858     693    7165       0
//   inodes     199      42     157
//   image 8000 blocks; disk reads 120, writes 9, flushes 6 since boot
#include "kernel/types.h"
#include "user/user.h"

// name (6 characters wide) and then the n figures in columns.
static void row(const char *name, const uint *v, int n) {
  printf("%s", name);
  for (int i = 0; i < n; i++)
    column_num(v[i], 8);
  printf("\n");
}

int main(int argc, char *argv[]) {
  struct fsstat fs;
  if (argc != 1) {
    fprintf(2, "usage: df\n");
    return 1;
  }
  if (fsstat(&fs) < 0) {
    fprintf(2, "df: fsstat failed\n");
    return 1;
  }
  // Inode 0 is never used (a directory entry with inum 0 is empty), so it
  // is not counted as an inode a file could get.
  uint usable = fs.ninodes - 1;
  printf("         total    used    free  shared\n");
  row("blocks", (uint[]){fs.nblocks, fs.nblocks - fs.free, fs.free, fs.shared}, 4);
  row("inodes", (uint[]){usable, usable - fs.ifree, fs.ifree}, 3);
  printf("image %d blocks; disk reads %ld, writes %ld, flushes %ld since boot\n", fs.size,
         fs.reads, fs.writes,
         fs.flushes);
  return 0;
}
