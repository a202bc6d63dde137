// Copies between kernel memory and user virtual addresses
// (kernel/mm/uaccess.c): what system calls, the file system and the
// console use to touch user memory.
#ifndef CALF_UACCESS_H
#define CALF_UACCESS_H

#include "kernel/types.h"
#include "kernel/riscv.h"

// Copy between kernel memory and user virtual addresses of a page table.
// Each returns 0 on success, -1 if any byte of the user range is not
// mapped with the needed permission: a bad user pointer never faults the kernel.
int copyout(pagetable_t pt, uint64 dstva, const void *src, uint64 len);
int copyin(pagetable_t pt, void *dst, uint64 srcva, uint64 len);
int copyinstr(pagetable_t pt, char *dst, uint64 srcva, uint64 max);

// Copy to or from either a user address of the current process
// (user_dst/user_src = 1) or a kernel address, for code such as the
// console that serves both.
int either_copyout(int user_dst, uint64 dst, void *src, uint64 len);
int either_copyin(void *dst, int user_src, uint64 src, uint64 len);

// Fault the pages of [va, va + len) in for reading, before a lock that a
// fault could need is taken (write(): kernel/fs/file.c).
void uaccess_prefault(pagetable_t pt, uint64 va, uint64 len);

#endif
