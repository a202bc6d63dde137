// File reflinks: clonefile(src, dst) (kernel/fs/reflink.c).
#ifndef CALF_REFLINK_H
#define CALF_REFLINK_H

#include "kernel/types.h"

// Make dstpath (which must not exist) a new file sharing srcpath's blocks
// (the clonefile system call, kernel/fs/sysfile.c): 0, or -1.
int clonefile(char *srcpath, char *dstpath);

#endif
