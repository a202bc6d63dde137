// The checkpoint image format, shared by the kernel (kernel/proc/checkpoint.c
// writes it, kernel/proc/restore.c reads it), user programs (user/user.h)
// and the host tool mkfs/ckptdump.c. docs/checkpoint.md explains it.
//
// An image is one file:
//   offset 0             struct ckpt_header
//   header.maps_off      nmaps  x struct ckpt_map   (the mmap regions)
//   header.runs_off      nruns  x struct ckpt_run   (runs of saved pages)
//   header.files_off     nfiles x struct ckpt_file  (open descriptors)
//   header.data_off      npages pages of memory, each at a page-aligned
//                        offset, so that lazy restore can map them
// All fields are little-endian (the machine's own order: RISC-V and the
// hosts calf builds on). An image is untrusted input: the reader checks
// every field (docs/checkpoint.md, "What restore refuses").
#ifndef CALF_CKPT_H
#define CALF_CKPT_H

#include "kernel/types.h"

#define CKPT_MAGIC 0x54504b43464c4143ULL // "CALFCKPT" read as little-endian bytes
#define CKPT_VERSION 1

// checkpoint(pid, path, flags)
#define CKPT_KILL 1 // kill the target once its image is written

// restore(path, mode)
#define RESTORE_EAGER 0 // read every page now
#define RESTORE_LAZY 1  // map the image's pages: each arrives on first touch

// Limits (a reader refuses more).
#define CKPT_PATHMAX 128 // = MAXPATH, a path with its NUL
#define CKPT_MAXMAPS 16  // = NVMA
#define CKPT_MAXRUNS 128
#define CKPT_MAXFILES 16 // = NOFILE
#define CKPT_NREGS 32    // pc, then x1..x31

// A run's page rights: PROT_READ/WRITE/EXEC (kernel/fcntl.h). 0: a page
// mapped without user access (the stack's guard page).

struct ckpt_header {
  uint64 magic;
  uint version;
  uint hdrsize;       // sizeof(struct ckpt_header)
  uint nmaps, nruns, nfiles, npages;
  uint64 sz;          // the process's size: [0, sz) is program, stack and heap
  uint64 maps_off, runs_off, files_off, data_off; // where each part starts
  uint64 regs[CKPT_NREGS]; // regs[0] = pc (sepc), regs[i] = x_i
  char name[16];           // the program's name
  char cwd[CKPT_PATHMAX];  // the current directory
};

// One mmap region. An anonymous one (MAP_ANONYMOUS in flags) has no path;
// a file mapping names its file and the file offset (page aligned) it
// starts at. The pages of private mappings that were present are saved in
// runs; a shared file mapping's pages are the file's and are not saved.
struct ckpt_map {
  uint64 start, end; // page aligned
  uint64 off;        // file offset (file mappings)
  int prot, flags;   // PROT_*, MAP_*
  char path[CKPT_PATHMAX];
};

// npages saved pages at start, start + PGSIZE, ..., their bytes at
// data, data + PGSIZE, ... in the image.
struct ckpt_run {
  uint64 start;
  uint64 data;
  uint npages;
  int prot;
};

#define CKPT_FD_INODE 1  // a file or directory, reopened by path
#define CKPT_FD_DEVICE 2 // the console: restore hands on the restorer's

struct ckpt_file {
  int fd;
  int kind;  // CKPT_FD_*
  int omode; // O_RDONLY, O_WRONLY or O_RDWR
  int major; // CKPT_FD_DEVICE
  uint64 off;
  char path[CKPT_PATHMAX]; // CKPT_FD_INODE
};

#endif
