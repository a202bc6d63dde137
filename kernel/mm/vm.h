// Address spaces: the kernel's page table and each process's user page
// table, built, grown, forked, audited and freed (kernel/mm/vm.c, cow.c,
// lazy.c, forkmode.c). What proc/ calls; copies across the user/kernel
// boundary are in kernel/mm/uaccess.h.
#ifndef CALF_VM_H
#define CALF_VM_H

#include "kernel/types.h"
#include "kernel/riscv.h"

struct procstat;
struct frameinfo;

void kvm_init(void);
void kvm_inithart(void);
void kvm_map(uint64 va, uint64 pa, uint64 sz, int perm); // boot only

uint64 walkaddr(pagetable_t pt, uint64 va);
int map_pages(pagetable_t pt, uint64 va, uint64 size, uint64 pa, int perm);

pagetable_t uvm_create(void);
uint64 uvm_alloc(pagetable_t pt, uint64 oldsz, uint64 newsz, int xperm);
// Map user page va to frame pa, whose reference the caller passes to the
// PTE: a frame others hold too (the page cache's). A writable page
// (PTE_W in xperm) is mapped copy-on-write. 0, or -1 if out of memory.
int uvm_map_frame(pagetable_t pt, uint64 va, void *pa, int xperm);
uint64 uvm_dealloc(pagetable_t pt, uint64 oldsz, uint64 newsz);
void uvm_unmap(pagetable_t pt, uint64 va, uint64 npages, int do_free);
void uvm_free(pagetable_t pt);
int uvm_share(pagetable_t old, pagetable_t new, uint64 sz); // COW: kernel/mm/cow.c
int uvm_fork(pagetable_t old, pagetable_t new, uint64 sz);  // the current strategy
int fork_mode_set(int mode); // FORK_EAGER, FORK_COW or FORK_SHAREDPT; returns the old mode or -1
void uvm_audit(pagetable_t pt); // report its user frames to the frame audit
// Add pt's page-table pages and user pages (resident, shared, private)
// to ps's counts, for procstat.
void uvm_stat(pagetable_t pt, struct procstat *ps);
// frameinfo's figures for user page va: 0, or -1 if it is not mapped.
// Looks through a shared leaf table without unsharing it.
int uvm_frameinfo(pagetable_t pt, uint64 va, struct frameinfo *fi);
// The frame at user page va and its rights as PROT_* bits (a writable or
// copy-on-write page has PROT_WRITE; a guard page, mapped without user
// access, has none): 0, or -1 if nothing is mapped there.
int uvm_page(pagetable_t pt, uint64 va, uint64 *pa, int *prot);
// va if a leaf table covers it, else where the next 2 MiB a table could
// cover starts: a walk over a sparse address space skips the holes.
uint64 uvm_next_table(pagetable_t pt, uint64 va);
void uvm_clear(pagetable_t pt, uint64 va); // make a page user-inaccessible (stack guard)

#endif
