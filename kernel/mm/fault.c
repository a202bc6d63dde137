// The user page-fault path: trap.c hands every user exception here first.
// A fault this file cannot resolve kills the faulting process; it never
// affects the kernel or other processes.
#include "kernel/mm/fault.h"
#include "kernel/mm/vm.h"

int vm_fault(pagetable_t pt, uint64 sz, uint64 scause, uint64 va) {
  (void)pt;
  (void)sz;
  (void)scause;
  (void)va;
  return -1;
}

const char *vm_fault_reason(pagetable_t pt, uint64 scause, uint64 va) {
  int is_fault = scause == SCAUSE_LOAD_PAGE_FAULT || scause == SCAUSE_STORE_PAGE_FAULT ||
                 scause == SCAUSE_INST_PAGE_FAULT;
  if (!is_fault)
    return scause == 2 ? "illegal instruction" : "unexpected exception";
  pte_t *pte = walk(pt, PGROUNDDOWN(va), 0);
  if (pte == 0 || (*pte & PTE_V) == 0)
    return "page fault on an unmapped address";
  if ((*pte & PTE_U) == 0)
    return "page fault on a guard page";
  if (scause == SCAUSE_STORE_PAGE_FAULT)
    return "write to a read-only page";
  return "page fault (permission)";
}
