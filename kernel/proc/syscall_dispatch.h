// The system call dispatcher, called by usertrap on an ecall.
#ifndef CALF_SYSCALL_DISPATCH_H
#define CALF_SYSCALL_DISPATCH_H

void syscall(void);

#endif
