// File-related system calls (kernel/fs/sysfile.c).
#ifndef CALF_SYSFILE_H
#define CALF_SYSFILE_H

#include "kernel/types.h"

uint64 sys_dup(void);
uint64 sys_read(void);
uint64 sys_write(void);
uint64 sys_close(void);
uint64 sys_fstat(void);
uint64 sys_link(void);
uint64 sys_unlink(void);
uint64 sys_open(void);
uint64 sys_mkdir(void);
uint64 sys_mknod(void);
uint64 sys_chdir(void);
uint64 sys_pipe(void);
uint64 sys_fsstat(void);
uint64 sys_clonefile(void);
uint64 sys_mmap(void);
uint64 sys_fsync(void);
uint64 sys_sync(void);

struct file;
// Open path as an open file that no descriptor refers to yet; 0 on failure.
struct file *file_open(char *path, int omode);

#endif
