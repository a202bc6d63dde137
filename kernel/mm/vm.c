// Sv39 page tables: the kernel's own and each process's.
//
// The kernel page table maps devices and RAM at their physical addresses
// (so the kernel can use a physical address as a pointer), the trampoline
// at the top of the address space, and each process's kernel stack below
// it with an unmapped guard page underneath, so a kernel stack overflow
// faults instead of silently corrupting a neighbour. (The stacks are the
// process table's: proc_init maps them with kvm_map while booting.)
//
// A user page table maps the process's memory from 0 to p->sz with PTE_U,
// plus the trampoline and trap frame (without PTE_U) at the top.
//
// Invariant: every frame mapped by a leaf PTE holds one reference for that
// PTE (kernel/mm/frame.c), and every page-table page belongs to exactly
// one page table, except the leaf tables fork=sharedpt shares, whose frame
// count is the number of page tables holding them (kernel/mm/sharedpt.c).
#include "kernel/mm/vm.h"
#include "kernel/fcntl.h"
#include "kernel/mm/internal.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/sharedpt.h"
#include "kernel/memlayout.h"
#include "kernel/vmstat.h"
#include "kernel/riscv/fdt.h"
#include "kernel/lib/printk.h"

pagetable_t kernel_pagetable;
static uint64 pt_pages; // page-table pages in use, kernel's and users' (atomic)

extern char etext[];       // kernel.ld: end of kernel text
extern char _trampoline[]; // trampoline.S

static void kvm_map_in(pagetable_t kpt, uint64 va, uint64 pa, uint64 sz, int perm) {
  if (map_pages(kpt, va, sz, pa, perm) != 0)
    panic("kvm_map: out of memory mapping 0x%lx", va);
}

// Map [va, va+sz) to [pa, pa+sz) in the kernel page table, or panic:
// only used while booting (before kvm_inithart), when running out of
// memory is fatal anyway. proc_init maps the kernel stacks with it.
void kvm_map(uint64 va, uint64 pa, uint64 sz, int perm) { kvm_map_in(kernel_pagetable, va, pa, sz, perm); }

// The devices, the kernel image, the rest of RAM and the trampoline.
static pagetable_t kvm_make(void) {
  pagetable_t kpt = uvm_create();
  if (kpt == 0)
    panic("kvm_make: no memory for the kernel page table");
  kvm_map_in(kpt, platform.uart, platform.uart, PGSIZE, PTE_R | PTE_W);
  for (int i = 0; i < platform.nvirtio; i++)
    kvm_map_in(kpt, platform.virtio[i], platform.virtio[i], PGSIZE, PTE_R | PTE_W);
  kvm_map_in(kpt, platform.plic, platform.plic, 0x4000000, PTE_R | PTE_W);
  if (platform.finisher)
    kvm_map_in(kpt, platform.finisher, platform.finisher, PGSIZE, PTE_R | PTE_W);
  kvm_map_in(kpt, KERNLOAD, KERNLOAD, (uint64)etext - KERNLOAD, PTE_R | PTE_X);
  uint64 ram_end = platform.ram_base + platform.ram_size;
  kvm_map_in(kpt, (uint64)etext, (uint64)etext, ram_end - (uint64)etext, PTE_R | PTE_W);
  kvm_map_in(kpt, TRAMPOLINE, (uint64)_trampoline, PGSIZE, PTE_R | PTE_X);
  return kpt;
}

void kvm_init(void) { kernel_pagetable = kvm_make(); }

// Switch this hart to the kernel page table.
void kvm_inithart(void) {
  sfence_vma(); // finish writes to the page table before using it
  csr_write(satp, MAKE_SATP(kernel_pagetable));
  sfence_vma(); // drop stale TLB entries
}

// The PTE for va in pt, allocating missing page-table pages if alloc.
// Returns 0 if va is out of range or (with alloc) memory runs out.
pte_t *walk(pagetable_t pt, uint64 va, int alloc) {
  if (va >= MAXVA)
    return 0;
  for (int level = 2; level > 0; level--) {
    pte_t *pte = &pt[PX(level, va)];
    if (*pte & PTE_V) {
      pt = (pagetable_t)PTE2PA(*pte);
      continue;
    }
    if (spt_is_shared(*pte)) { // a shared leaf table: writers get their own
      if (!alloc)
        return 0;
      frame_map_change_begin(); // a table copy raises counts: see frame.c
      enum fault_result r = spt_unshare(pte);
      frame_map_change_end();
      if (r == FAULT_OOM)
        return 0;
      pt = (pagetable_t)PTE2PA(*pte);
      continue;
    }
    if (!alloc || (pt = frame_alloc_zero()) == 0)
      return 0;
    __atomic_fetch_add(&pt_pages, 1, __ATOMIC_RELAXED);
    // Release: another hart may walk this tree meanwhile (procstat and
    // the frame audit walk other processes' tables under p->lock, which
    // the owner does not hold to grow). It must see the page zeroed
    // before it sees the pointer; its own loads through the pointer are
    // ordered after it by their address dependency.
    __atomic_store_n(pte, PA2PTE(pt) | PTE_V, __ATOMIC_RELEASE);
  }
  return &pt[PX(0, va)];
}

// How many PTEs, from the one for va, lie in the same page-table page and
// below end: min(end - va, rest of the page) / PGSIZE. *pte is set to the
// PTE for va, or 0 if no page-table page covers it (the caller skips the
// run). Loops over a range use this to touch each
// page-table page once instead of walking from the root for every page:
// it is what makes fork and exit cost a few instructions per page.
// The run may lie in a leaf table shared with other page tables
// (kernel/mm/sharedpt.c): a caller may read it, or turn its writable
// entries COW as uvm_share does, but must not otherwise change it.
int leaf_run(pagetable_t pt, uint64 va, uint64 end, pte_t **pte) {
  uint64 run_end = PGROUNDDOWN(va) + (512 - PX(0, va)) * (uint64)PGSIZE;
  if (run_end > end)
    run_end = end;
  *pte = spt_walk(pt, va, 0);
  return (PGROUNDUP(run_end) - PGROUNDDOWN(va)) / PGSIZE;
}

// The physical address a user page maps to, or 0.
uint64 walkaddr(pagetable_t pt, uint64 va) {
  pte_t *pte = walk(pt, va, 0);
  if (pte == 0 || (*pte & PTE_V) == 0 || (*pte & PTE_U) == 0)
    return 0;
  return PTE2PA(*pte);
}

// Map [va, va+size) to physical pages from pa. va and size are page
// aligned. Returns -1 if a page-table page cannot be allocated (pages
// mapped so far stay mapped; the caller unmaps them).
int map_pages(pagetable_t pt, uint64 va, uint64 size, uint64 pa, int perm) {
  if (va % PGSIZE || size % PGSIZE || size == 0)
    panic("map_pages: unaligned va 0x%lx size 0x%lx", va, size);
  for (uint64 a = va; a < va + size; a += PGSIZE, pa += PGSIZE) {
    pte_t *pte = walk(pt, a, 1);
    if (pte == 0)
      return -1;
    if (*pte & PTE_V)
      panic("map_pages: 0x%lx already mapped", a);
    *pte = PA2PTE(pa) | perm | PTE_V;
  }
  return 0;
}

// Remove npages of mappings from va, dropping the frames' references if
// do_free. Pages that are not mapped are skipped.
void uvm_unmap(pagetable_t pt, uint64 va, uint64 npages, int do_free) {
  if (va % PGSIZE)
    panic("uvm_unmap: unaligned 0x%lx", va);
  uint64 end = va + npages * PGSIZE;
  int n;
  for (uint64 a = va; a < end; a += n * PGSIZE) {
    pte_t *pte;
    n = leaf_run(pt, a, end, &pte);
    if (spt_entry(pt, a)) // uvm_dealloc unshares or drops them first
      panic("uvm_unmap: 0x%lx is in a shared page table", a);
    for (int i = 0; pte && i < n; i++) {
      if ((pte[i] & PTE_V) && do_free)
        frame_put((void *)PTE2PA(pte[i]));
      pte[i] = 0;
    }
  }
}

uint64 uvm_pt_pages(void) { return __atomic_load_n(&pt_pages, __ATOMIC_RELAXED); }

void uvm_pt_pages_add(long n) { __atomic_fetch_add(&pt_pages, n, __ATOMIC_RELAXED); }

// An empty user page table, or 0 if out of memory.
pagetable_t uvm_create(void) {
  pagetable_t pt = frame_alloc_zero();
  if (pt == 0)
    return 0;
  __atomic_fetch_add(&pt_pages, 1, __ATOMIC_RELAXED);
  return pt;
}

// Grow the user memory from oldsz to newsz with zeroed frames. Returns the
// new size, or 0 (with nothing allocated) if memory runs out.
uint64 uvm_alloc(pagetable_t pt, uint64 oldsz, uint64 newsz, int xperm) {
  if (newsz < oldsz)
    return oldsz;
  for (uint64 a = PGROUNDUP(oldsz); a < newsz; a += PGSIZE) {
    void *mem = frame_alloc_zero();
    if (mem == 0) {
      uvm_dealloc(pt, a, oldsz);
      return 0;
    }
    if (map_pages(pt, a, PGSIZE, (uint64)mem, PTE_R | PTE_U | xperm) != 0) {
      frame_put(mem);
      uvm_dealloc(pt, a, oldsz);
      return 0;
    }
  }
  return newsz;
}

int uvm_map_frame(pagetable_t pt, uint64 va, void *pa, int xperm) {
  int perm = PTE_R | PTE_U | (xperm & PTE_X) | ((xperm & PTE_W) ? PTE_COW : 0);
  return map_pages(pt, va, PGSIZE, (uint64)pa, perm);
}

// Shrink user memory from oldsz to newsz. Returns the new size, or oldsz
// if a shared page table the new end falls in could not be unshared.
uint64 uvm_dealloc(pagetable_t pt, uint64 oldsz, uint64 newsz) {
  if (newsz >= oldsz)
    return oldsz;
  if (PGROUNDUP(newsz) < PGROUNDUP(oldsz)) {
    frame_map_change_begin(); // see the frame audit in frame.c
    int ok = spt_prepare_shrink(pt, PGROUNDUP(newsz), PGROUNDUP(oldsz)) == 0;
    if (ok)
      uvm_unmap(pt, PGROUNDUP(newsz), (PGROUNDUP(oldsz) - PGROUNDUP(newsz)) / PGSIZE, 1);
    frame_map_change_end();
    if (!ok)
      return oldsz;
  }
  return newsz;
}

static void put_leaf(pte_t *pte, uint64 va, void *arg) { frame_put((void *)PTE2PA(*pte)); }

static void free_table(pagetable_t pt, void *arg) {
  __atomic_fetch_sub(&pt_pages, 1, __ATOMIC_RELAXED);
  frame_put(pt);
}

static void put_shared(pte_t *l1e, uint64 va, void *arg) { spt_put(*l1e); }

// Free a user page table: drop the reference of every frame its leaves
// still map and free the page-table pages, in one pass (exit and exec free
// whole address spaces, and a second pass to clear the leaves first would
// cost as much again). Pages the process does not own (the trampoline,
// the trap frame) must have been unmapped first.
void uvm_free(pagetable_t pt) {
  frame_map_change_begin(); // see the frame audit in frame.c
  uvm_for_each_leaf(pt, put_leaf, free_table, put_shared, 0);
  frame_map_change_end();
}

// Report a frame below TRAPFRAME to the frame audit. (The trap frame's
// PTE holds no reference of its own: the process's p->trapframe does. The
// trampoline is kernel text, not a managed frame.)
static void audit_leaf(pte_t *pte, uint64 va, void *arg) {
  if (va < TRAPFRAME)
    frame_audit_ref((void *)PTE2PA(*pte));
}

// Every page-table page is reported too, so that table counts are checked:
// a private table has count 1, a shared one (spt_audit) one per holder.
static void audit_table(pagetable_t pt, void *arg) { frame_audit_ref(pt); }

static void audit_shared(pte_t *l1e, uint64 va, void *arg) { spt_audit(*l1e); }

void uvm_audit(pagetable_t pt) { uvm_for_each_leaf(pt, audit_leaf, audit_table, audit_shared, 0); }

// procstat's counts: user leaves split into shared (frame count > 1, or
// mapped through a leaf table more than one page table holds) and
// private, and page-table pages. A page under a shared leaf table counts
// in the RSS of every process holding the table (kernel/mm/sharedpt.c).
static void stat_page(pte_t e, int sharers, struct procstat *ps) {
  if ((e & (PTE_V | PTE_U)) != (PTE_V | PTE_U))
    return;
  ps->rss_pages++;
  ps->file_pages += frame_is_cached((void *)PTE2PA(e));
  if (sharers > 1 || frame_refs((void *)PTE2PA(e)) > 1)
    ps->shared_pages++;
  else
    ps->private_pages++;
}

static void stat_leaf(pte_t *pte, uint64 va, void *arg) { stat_page(*pte, 1, arg); }

static void stat_table(pagetable_t pt, void *arg) { ((struct procstat *)arg)->pt_pages++; }

static void stat_shared(pte_t *l1e, uint64 va, void *arg) {
  pagetable_t t = (pagetable_t)PTE2PA(*l1e);
  int sharers = frame_refs(t);
  for (int i = 0; i < 512; i++)
    stat_page(t[i], sharers, arg);
  stat_table(t, arg);
}

void uvm_stat(pagetable_t pt, struct procstat *ps) {
  uvm_for_each_leaf(pt, stat_leaf, stat_table, stat_shared, ps);
}

int uvm_frameinfo(pagetable_t pt, uint64 va, struct frameinfo *fi) {
  int sharers;
  pte_t *pte = spt_walk(pt, PGROUNDDOWN(va), &sharers);
  if (pte == 0 || (*pte & (PTE_V | PTE_U)) != (PTE_V | PTE_U))
    return -1;
  fi->pa = PTE2PA(*pte);
  // One reference per PTE; a PTE in a shared table is seen by every holder.
  fi->refs = frame_refs((void *)fi->pa) + sharers - 1;
  fi->table_refs = sharers;
  return 0;
}

int uvm_page(pagetable_t pt, uint64 va, uint64 *pa, int *prot) {
  int sharers;
  pte_t *pte = spt_walk(pt, PGROUNDDOWN(va), &sharers);
  if (pte == 0 || (*pte & PTE_V) == 0)
    return -1;
  *pa = PTE2PA(*pte);
  *prot = 0;
  if (*pte & PTE_U) // else a guard page: no rights at all
    *prot = PROT_READ | ((*pte & (PTE_W | PTE_COW)) ? PROT_WRITE : 0) |
            ((*pte & PTE_X) ? PROT_EXEC : 0);
  return 0;
}

uint64 uvm_next_table(pagetable_t pt, uint64 va) {
  uint64 span = 1UL << PXSHIFT(1);
  return spt_walk(pt, va, 0) ? va : (va + span) & ~(span - 1);
}

// Copy a parent's memory [0, sz) into a child's page table, page by page
// (the eager fork strategy). A page the parent shares copy-on-write becomes
// a private writable copy in the child; lazily reserved pages (no PTE) stay
// lazy. Returns 0, or -1 with the child's new pages freed.
static int copy_pte(pte_t *pte, pte_t *npte) {
  void *mem = frame_alloc();
  if (mem == 0)
    return -1;
  frame_copy(mem, (void *)PTE2PA(*pte));
  int flags = PTE_FLAGS(*pte);
  if (flags & PTE_COW)
    flags = (flags & ~PTE_COW) | PTE_W;
  *npte = PA2PTE(mem) | flags;
  return 0;
}

int uvm_copy(pagetable_t old, pagetable_t new, uint64 sz) {
  return uvm_for_each_pair(old, new, 0, sz, copy_pte);
}

// Make a page inaccessible to user code: the guard page below the stack.
void uvm_clear(pagetable_t pt, uint64 va) {
  pte_t *pte = walk(pt, va, 0);
  if (pte == 0)
    panic("uvm_clear: 0x%lx not mapped", va);
  *pte &= ~PTE_U;
}
