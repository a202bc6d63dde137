// The user page-fault path, and the memory counters it keeps
// (kernel/mm/fault.c).
#ifndef CALF_FAULT_H
#define CALF_FAULT_H

#include "kernel/types.h"
#include "kernel/riscv.h"

struct memstat;
struct proc;

// Resolve an exception (scause) at user address va in page table pt, as
// a user access would need it. Returns 0 when it is resolved (the access
// can be retried), or why the process must die, in words for the console.
// copyin/copyout call it too, so a kernel write into user memory breaks
// COW exactly as a user write does.
const char *vm_fault(pagetable_t pt, uint64 scause, uint64 va);
// The same for an exception p took in user mode, which also counts in
// p's own figures (procstat).
const char *vm_user_fault(struct proc *p, uint64 scause, uint64 va);
// Fill in the system-wide figures.
void vm_memstat(struct memstat *ms);

#endif
