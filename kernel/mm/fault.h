// User exceptions that the memory system may resolve (page faults).
#ifndef CALF_FAULT_H
#define CALF_FAULT_H

#include "kernel/types.h"
#include "kernel/riscv.h"

// Try to resolve an exception of a process with page table pt and size
// sz at address va. Returns 0 if resolved (the instruction may be retried),
// -1 if the process must be killed.
int vm_fault(pagetable_t pt, uint64 sz, uint64 scause, uint64 va);
// Why an unresolved exception kills the process, in words for the console.
const char *vm_fault_reason(pagetable_t pt, uint64 scause, uint64 va);

#endif
