// exec: replace the calling process's memory with a program from the file system.
#ifndef CALF_EXEC_H
#define CALF_EXEC_H

#include "kernel/types.h"

#include "kernel/riscv.h"

struct proc;

// A program loaded into a page table of its own, ready to run.
struct image {
  pagetable_t pt;
  uint64 sz;    // size of user memory
  uint64 entry; // first instruction
  uint64 sp;    // initial stack pointer; argv[] is there
  int argc;
  char *name;   // last component of the path (points into the path)
  struct cred *cred; // the identity to run it with (setuid/setgid), or 0: unchanged
  struct inode *exe; // the program's file (a reference, counted running); after
                     // image_install, the program it replaced, or 0 (exe_end it)
};

// Returns argc (the new a0) on success, -1 with the old image intact on failure.
int exec(char *path, char **argv);
// exec's two halves, which spawn shares: build an image for process p
// without touching p's memory, then install it in p's registers.
int image_load(struct proc *p, char *path, char **argv, struct image *img);
pagetable_t image_install(struct proc *p, struct image *img);

#endif
