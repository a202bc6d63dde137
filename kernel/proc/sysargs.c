// Fetching system call arguments from the calling process's trap frame,
// where uservec saved a0..a5. Addresses are not checked here: the copy
// routines (kernel/mm/uaccess.c) check them when they are used.
//
// Every sys_* function, and nothing else, calls these: the system calls
// live in sys*.c files, and the mechanisms they call never see a trap frame.
#include "kernel/proc/sysargs.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/uaccess.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"

static uint64 argraw(int n) {
  struct trapframe *tf = myproc()->trapframe;
  switch (n) {
  case 0:
    return tf->a0;
  case 1:
    return tf->a1;
  case 2:
    return tf->a2;
  case 3:
    return tf->a3;
  case 4:
    return tf->a4;
  case 5:
    return tf->a5;
  }
  panic("argraw: no argument %d", n);
}

void argint(int n, int *ip) { *ip = argraw(n); }

void argaddr(int n, uint64 *ip) { *ip = argraw(n); }

int argstr(int n, char *buf, int max) {
  uint64 addr;
  argaddr(n, &addr);
  return fetchstr(addr, buf, max);
}

// Read the 64-bit word at user address addr.
int fetchaddr(uint64 addr, uint64 *ip) {
  return copyin(myproc()->pagetable, ip, addr, sizeof(*ip));
}

// Copy the string at user address addr; returns its length or -1.
int fetchstr(uint64 addr, char *buf, int max) {
  if (copyinstr(myproc()->pagetable, buf, addr, max) < 0)
    return -1;
  return strlen(buf);
}
