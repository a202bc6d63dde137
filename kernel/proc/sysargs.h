// Fetching system call arguments from the calling process's trap frame.
// Addresses are checked when they are used (copyin/copyout), not here.
#ifndef CALF_SYSARGS_H
#define CALF_SYSARGS_H

#include "kernel/types.h"

void argint(int n, int *ip);
void argaddr(int n, uint64 *ip);
// Copy the n'th argument, a NUL-terminated user string, into buf.
// Returns its length, or -1 if it is unmapped or longer than max-1.
int argstr(int n, char *buf, int max);
int fetchaddr(uint64 addr, uint64 *ip);
int fetchstr(uint64 addr, char *buf, int max);

#endif
