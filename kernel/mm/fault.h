// The user page-fault path, and the memory counters it keeps.
#ifndef CALF_FAULT_H
#define CALF_FAULT_H

#include "kernel/types.h"
#include "kernel/riscv.h"
#include "kernel/mm/cow.h"

struct memstat;

// Resolve an exception (scause) at user address va in page table pt, as
// a user access would need it. Returns what was done (> 0), or FAULT_KILL /
// FAULT_OOM when the process must die. copyin/copyout call it too, so a
// kernel write into user memory breaks COW exactly as a user write does.
enum fault_result vm_fault(pagetable_t pt, uint64 scause, uint64 va);
// Why an unresolved exception kills the process, in words for the console.
const char *vm_fault_reason(pagetable_t pt, uint64 scause, uint64 va, enum fault_result r);
// Fill in the system-wide figures.
void vm_memstat(struct memstat *ms);

#endif
