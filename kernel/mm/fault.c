// The user page-fault path. trap.c hands every user exception here, and
// the user-copy routines hand their missing or read-only pages here.
//
// What a fault means is read off the PTE alone:
//   invalid, PTE_LAZY             -> first touch of sbrklazy memory: fill it
//   valid, PTE_COW, and a store   -> write to a shared page: break COW
//   anything else                 -> the process made a bad access: kill it
// A fault that cannot be resolved kills only the faulting process; the
// kernel and the other processes carry on, and no frame is lost.
#include "kernel/mm/fault.h"
#include "kernel/mm/vm.h"
#include "kernel/mm/frame.h"
#include "kernel/vmstat.h"

static struct {
  uint64 cow_faults, cow_copies, cow_reuses, lazy_faults;
} stats;

static void count(uint64 *c) { __atomic_fetch_add(c, 1, __ATOMIC_RELAXED); }

static int is_page_fault(uint64 scause) {
  return scause == SCAUSE_LOAD_PAGE_FAULT || scause == SCAUSE_STORE_PAGE_FAULT ||
         scause == SCAUSE_INST_PAGE_FAULT;
}

enum fault_result vm_fault(pagetable_t pt, uint64 scause, uint64 va) {
  if (!is_page_fault(scause) || va >= MAXVA)
    return FAULT_KILL;
  pte_t *pte = walk(pt, PGROUNDDOWN(va), 0);
  if (pte == 0)
    return FAULT_KILL;
  if ((*pte & PTE_V) == 0 && (*pte & PTE_LAZY)) {
    enum fault_result r = lazy_fill(pte);
    if (r == FAULT_LAZY)
      count(&stats.lazy_faults);
    return r;
  }
  int cow = (*pte & (PTE_V | PTE_U | PTE_COW)) == (PTE_V | PTE_U | PTE_COW);
  if (!cow || scause != SCAUSE_STORE_PAGE_FAULT)
    return FAULT_KILL;
  count(&stats.cow_faults);
  frame_map_change_begin(); // a copy moves a reference: see the frame audit
  enum fault_result r = cow_break(pte);
  frame_map_change_end();
  if (r == FAULT_COW_COPY)
    count(&stats.cow_copies);
  else if (r == FAULT_COW_REUSE)
    count(&stats.cow_reuses);
  return r;
}

const char *vm_fault_reason(pagetable_t pt, uint64 scause, uint64 va, enum fault_result r) {
  if (r == FAULT_OOM)
    return "out of memory in page fault";
  if (!is_page_fault(scause))
    return scause == 2 ? "illegal instruction" : "unexpected exception";
  pte_t *pte = va < MAXVA ? walk(pt, PGROUNDDOWN(va), 0) : 0;
  if (pte == 0 || (*pte & PTE_V) == 0)
    return "page fault on an unmapped address";
  if ((*pte & PTE_U) == 0)
    return "page fault on a guard page";
  if (scause == SCAUSE_STORE_PAGE_FAULT)
    return "write to a read-only page";
  if (scause == SCAUSE_INST_PAGE_FAULT)
    return "execute of a non-executable page";
  return "page fault (permission)";
}

void vm_memstat(struct memstat *ms) {
  ms->total_frames = frame_total_count();
  ms->free_frames = frame_free_count();
  ms->shared_frames = frame_shared_count();
  ms->pt_pages = uvm_pt_pages();
  ms->cow_faults = stats.cow_faults;
  ms->cow_copies = stats.cow_copies;
  ms->cow_reuses = stats.cow_reuses;
  ms->lazy_faults = stats.lazy_faults;
}
