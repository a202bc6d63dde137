// The user page-fault path. trap.c hands every user exception here, and
// the user-copy routines hand their missing or read-only pages here.
//
// What a fault means is read off the PTE alone:
//   below a shared page table     -> unshare it first (kernel/mm/sharedpt.c),
//                                    then look at the PTE as below
//   no PTE, below the process's sz -> first touch of sbrklazy memory: fill it
//   valid, PTE_COW, and a store   -> write to a shared page: break COW
//   inside one of p's mappings    -> ask the mapping (kernel/mm/mmap.c):
//                                    first touch, or a store to a clean
//                                    shared file page
//   anything else                 -> the process made a bad access: kill it
// The one walk that decides also names the reason for a kill, and every
// fault counter, system-wide and per process, is kept here (count).
// A fault that cannot be resolved kills only the faulting process; the
// kernel and the other processes carry on, and no frame is lost.
#include "kernel/mm/fault.h"
#include "kernel/mm/internal.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/sharedpt.h"
#include "kernel/mm/mmap.h"
#include "kernel/sched/sched.h"
#include "kernel/vmstat.h"
#include "kernel/fcntl.h"

static struct {
  uint64 cow_faults, cow_copies, cow_reuses, lazy_faults, spt_copies, spt_reuses;
  uint64 file_faults, anon_faults, restore_faults;
} stats;

static void bump(uint64 *c) { __atomic_fetch_add(c, 1, __ATOMIC_RELAXED); }

// Count one fault: system-wide, and in p's own figures if a process took
// it in user mode (p is 0 for copyin/copyout). A COW fault counts even if
// no frame was free for the copy; p counts only those resolved.
static void count(enum fault_result r, int cow, struct proc *p) {
  if (r == FAULT_LAZY)
    bump(&stats.lazy_faults);
  if (r == FAULT_SPT_COPY)
    bump(&stats.spt_copies);
  if (r == FAULT_SPT_REUSE)
    bump(&stats.spt_reuses);
  if (r == FAULT_FILE || r == FAULT_SHARED_WRITE)
    bump(&stats.file_faults);
  if (r == FAULT_ANON)
    bump(&stats.anon_faults);
  if (r == FAULT_RESTORE)
    bump(&stats.restore_faults);
  if (!cow)
    return;
  bump(&stats.cow_faults);
  if (r == FAULT_COW_COPY)
    bump(&stats.cow_copies);
  if (r == FAULT_COW_REUSE)
    bump(&stats.cow_reuses);
  if (p && (r == FAULT_COW_COPY || r == FAULT_COW_REUSE))
    p->cow_faults++; // only p itself, on its own trap path, writes these
  if (p && r == FAULT_COW_COPY)
    p->cow_copies++;
}

static int is_page_fault(uint64 scause) {
  return scause == SCAUSE_LOAD_PAGE_FAULT || scause == SCAUSE_STORE_PAGE_FAULT ||
         scause == SCAUSE_INST_PAGE_FAULT;
}

// Why an access the PTE does not allow kills the process.
static const char *denied(pte_t *pte, uint64 scause) {
  if (!is_page_fault(scause))
    return scause == SCAUSE_ILLEGAL_INST ? "illegal instruction" : "unexpected exception";
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

// Does the PTE allow the access that raised scause, from user mode?
static int allows(pte_t *pte, uint64 scause) {
  int need = scause == SCAUSE_STORE_PAGE_FAULT  ? PTE_W
             : scause == SCAUSE_INST_PAGE_FAULT ? PTE_X
                                                : PTE_R;
  return pte && (*pte & (PTE_V | PTE_U | need)) == (PTE_V | PTE_U | need);
}

// First touch of a lazily restored page (kernel/mm/backing.c): 0 and the
// result in *r, or why the access kills.
static const char *restored(struct proc *p, uint64 scause, uint64 va, enum fault_result *r) {
  int store = scause == SCAUSE_STORE_PAGE_FAULT;
  int need = store ? PROT_WRITE : scause == SCAUSE_INST_PAGE_FAULT ? PROT_EXEC : PROT_READ;
  const char *why = 0;
  pte_t *pte = walk(p->pagetable, PGROUNDDOWN(va), 1);
  if (!backing_allows(p, va, need))
    *r = FAULT_KILL, why = "access the restored page does not allow";
  else
    *r = pte ? backing_fill(p, pte, PGROUNDDOWN(va), store, &why) : FAULT_OOM;
  return *r == FAULT_KILL && why ? why : 0;
}

// Resolve the fault if its PTE says how, count it, and return 0 or the
// reason it kills. Below a shared leaf table the table is made private
// first; that may be all the access needed. Mappings are looked up in the
// current process's own table only (exec's copyout builds a new one,
// which has none).
static const char *fault(pagetable_t pt, uint64 scause, uint64 va, struct proc *p) {
  struct proc *owner = myproc();
  pte_t *l1e = is_page_fault(scause) ? spt_entry(pt, va) : 0;
  if (l1e) {
    frame_map_change_begin(); // a table copy raises counts: see the frame audit
    enum fault_result t = spt_unshare(l1e);
    frame_map_change_end();
    count(t, 0, p);
    if (t == FAULT_OOM)
      return "out of memory in page fault";
  }
  pte_t *pte = is_page_fault(scause) ? walk(pt, PGROUNDDOWN(va), 0) : 0;
  if (l1e && allows(pte, scause))
    return 0;
  enum fault_result r = FAULT_KILL;
  int cow = 0;
  int own = is_page_fault(scause) && owner && owner->pagetable == pt && va < MAXVA;
  if (own && (pte == 0 || *pte == 0) && owner->backing && backing_covers(owner, va)) {
    const char *why = restored(owner, scause, va, &r);
    if (why)
      return why;
  } else if (own && (pte == 0 || *pte == 0) && va < owner->sz) {
    r = lazy_fill(pt, va);
  } else if (pte && scause == SCAUSE_STORE_PAGE_FAULT &&
             (*pte & (PTE_V | PTE_U | PTE_COW)) == (PTE_V | PTE_U | PTE_COW)) {
    cow = 1;
    frame_map_change_begin(); // a copy moves a reference: see the frame audit
    r = cow_break(pte);
    frame_map_change_end();
  } else if (own) {
    const char *why;
    r = vma_fault(owner, scause, va, &why);
    if (r == FAULT_KILL && why)
      return why;
  }
  count(r, cow, p);
  if (r == FAULT_OOM)
    return "out of memory in page fault";
  return r == FAULT_KILL ? denied(pte, scause) : 0;
}

const char *vm_fault(pagetable_t pt, uint64 scause, uint64 va) { return fault(pt, scause, va, 0); }

const char *vm_user_fault(struct proc *p, uint64 scause, uint64 va) {
  return fault(p->pagetable, scause, va, p);
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
  ms->spt_tables = spt_shared_tables();
  ms->spt_copies = stats.spt_copies;
  ms->spt_reuses = stats.spt_reuses;
  ms->file_faults = stats.file_faults;
  ms->anon_faults = stats.anon_faults;
  ms->restore_faults = stats.restore_faults;
  frame_cache_stat(&ms->cache_frames, &ms->cache_idle);
}
