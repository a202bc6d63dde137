// restore PATH [-lazy]: start a process from the checkpoint image PATH
// (docs/checkpoint.md), as a child, and wait for it. -lazy maps the image's
// pages to arrive on first touch instead of reading them all now.
#include "kernel/types.h"
#include "user/user.h"

int main(int argc, char *argv[]) {
  int lazy = argc == 3 && strcmp(argv[2], "-lazy") == 0;
  if (argc != 2 && !lazy) {
    fprintf(2, "usage: restore PATH [-lazy]\n");
    exit(1);
  }
  int pid = restore(argv[1], lazy ? RESTORE_LAZY : RESTORE_EAGER);
  if (pid < 0) {
    fprintf(2, "restore: %s: failed. Either: not a readable file; not a valid image (a\n"
               "  bad field: magic, version, counts, offsets, addresses, rights, paths); a\n"
               "  file or directory it names that you cannot open; or no memory.\n",
            argv[1]);
    exit(1);
  }
  int st;
  wait(&st);
  printf("restore: pid %d exited with status %d\n", pid, st);
  exit(0);
}
