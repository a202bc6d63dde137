// Page tables: the kernel's direct map, per-process user address spaces,
// and the copy routines that move data across the user/kernel boundary.
#ifndef CALF_VM_H
#define CALF_VM_H

#include "kernel/types.h"
#include "kernel/riscv.h"

void kvm_init(void);
void kvm_inithart(void);
void kvm_map(pagetable_t kpt, uint64 va, uint64 pa, uint64 sz, int perm);

pte_t *walk(pagetable_t pt, uint64 va, int alloc);
uint64 walkaddr(pagetable_t pt, uint64 va);
int leaf_run(pagetable_t pt, uint64 va, uint64 end, pte_t **pte);
int map_pages(pagetable_t pt, uint64 va, uint64 size, uint64 pa, int perm);

pagetable_t uvm_create(void);
uint64 uvm_alloc(pagetable_t pt, uint64 oldsz, uint64 newsz, int xperm);
uint64 uvm_dealloc(pagetable_t pt, uint64 oldsz, uint64 newsz);
void uvm_unmap(pagetable_t pt, uint64 va, uint64 npages, int do_free);
void uvm_free(pagetable_t pt);
int uvm_copy(pagetable_t old, pagetable_t new, uint64 sz);  // eager: kernel/mm/vm.c
int uvm_share(pagetable_t old, pagetable_t new, uint64 sz); // COW: kernel/mm/cow.c
int uvm_fork(pagetable_t old, pagetable_t new, uint64 sz);  // the current strategy
int fork_mode_set(int mode); // FORK_EAGER, FORK_COW or FORK_SHAREDPT; returns the old mode or -1
// Reserve [oldsz, newsz) for lazy allocation (kernel/mm/lazy.c). Returns
// newsz, or 0 with nothing reserved if page-table pages run out.
uint64 uvm_reserve(pagetable_t pt, uint64 oldsz, uint64 newsz);
uint64 uvm_pt_pages(void);
void uvm_pt_pages_add(long n); // count page-table pages allocated (+) or freed (-) elsewhere
void uvm_audit(pagetable_t pt); // report its user frames to the frame audit
void uvm_clear(pagetable_t pt, uint64 va); // make a page user-inaccessible (stack guard)

// Copy between kernel memory and user virtual addresses of a page table.
// Each returns 0 on success, -1 if any byte of the user range is not
// mapped with the needed permission: a bad user pointer never faults the kernel.
int copyout(pagetable_t pt, uint64 dstva, const void *src, uint64 len);
int copyin(pagetable_t pt, void *dst, uint64 srcva, uint64 len);
int copyinstr(pagetable_t pt, char *dst, uint64 srcva, uint64 max);

#endif
