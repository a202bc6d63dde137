// Memory mappings: the regions mmap() adds to a process's address space,
// anonymous or backed by an object another layer owns (a file's page
// cache), and the faults, forks and unmaps that touch them
// (kernel/mm/mmap.c, docs/pagecache.md).
//
// mm sits below the file system, so it never names an inode: a mapping
// carries an opaque object and the operations its owner registered for it
// (struct vm_object_ops, as Linux's vm_operations_struct). The fault path
// asks the object for a page through them.
#ifndef CALF_MMAP_H
#define CALF_MMAP_H

#include "kernel/types.h"
#include "kernel/riscv.h"

struct proc;
struct procstat;

// What an object's get_page says when it has no frame to give.
#define VMOBJ_EOF (-1)   // the page lies wholly past the object's end
#define VMOBJ_NOMEM (-2) // no frame, or the disk failed

struct vm_object_ops {
  // The frame caching page pgoff of obj, with one reference for the
  // caller; 0 with *err set if there is none. May sleep.
  void *(*get_page)(void *obj, uint64 pgoff, int *err);
  // A shared mapping made page pgoff writable: it may now change without
  // the object seeing a write. Counted until page_clean.
  void (*page_dirty)(void *obj, uint64 pgoff);
  // Write page pgoff, frame pa, home (msync, munmap, exit): 0, or -1 if
  // the write failed (disk full, an I/O error). May sleep.
  int (*writeback)(void *obj, uint64 pgoff, void *pa);
  // A writable mapping of page pgoff is gone (after its writeback).
  void (*page_clean)(void *obj, uint64 pgoff);
  // One more mapping holds obj; writes: it is shared and writable.
  void (*get)(void *obj, int writes);
  void (*put)(void *obj, int writes); // a mapping let go of it. May sleep.
};

// One mapping: [start, end), page aligned, showing the object's pages
// from pgoff on (or anonymous memory if obj is 0).
struct vma {
  uint64 start, end;
  uint64 pgoff;
  int prot;  // PROT_* (kernel/fcntl.h)
  int flags; // MAP_SHARED or MAP_PRIVATE, MAP_ANONYMOUS
  void *obj;
  const struct vm_object_ops *ops;
};

#define NVMA 16 // mappings per process

// Map len bytes at addr (a hint, or exact with MAP_FIXED) showing obj's
// pages from pgoff. Takes its own reference on obj. Returns the address,
// or -1 with nothing changed (bad arguments, no room, no memory).
uint64 vma_map(struct proc *p, uint64 addr, uint64 len, int prot, int flags, void *obj,
               const struct vm_object_ops *ops, uint64 pgoff);
// Remove the pages [addr, addr + len) from every mapping they lie in,
// writing shared pages home first; a hole splits a mapping. 0, or -1 if
// the range is bad or a split needs a mapping slot there is none of.
int vma_unmap(struct proc *p, uint64 addr, uint64 len);
// Write the shared pages of [addr, addr + len) home. 0, or -1 if the
// range is bad or holds unmapped pages, or a write failed (the pages stay
// dirty: a later msync tries again).
int vma_sync(struct proc *p, uint64 addr, uint64 len);
// Give child np the parent p's mappings: shared pages shared, private
// ones copy-on-write, under every fork strategy. 0, or -1 (np's page
// table may hold some of the pages; freeing it drops them).
int vma_fork(struct proc *p, struct proc *np);
// Snapshots (kernel/proc/snapshot.c) keep a copy of a process's mappings
// with their pages in a page table of their own, shared the way fork
// shares them. vma_share_set: share the pages of every mapping in ms from
// pt into npt and return a copy of ms holding its own object references;
// 0 if memory ran out (npt may hold some of the pages: freeing it drops
// them). vma_set_put drops a copy (may sleep). vma_set_install makes a
// copy p's mappings; p must have none.
struct mmap_set;
struct mmap_set *vma_share_set(struct mmap_set *ms, pagetable_t pt, pagetable_t npt);
void vma_set_put(struct mmap_set *set);
void vma_set_install(struct proc *p, struct mmap_set *set);
// Unmap everything (exit, exec, spawn's image change): shared pages are
// written home, objects let go. May sleep.
void vma_unmap_all(struct proc *p);
// Copy p's mapping slot i (0 <= i < NVMA) to *out: 0, or -1 if the slot
// is free. For a checkpoint of p, which is stopped (kernel/proc/checkpoint.c).
int vma_get(struct proc *p, int i, struct vma *out);
// The highest address the heap may grow to without meeting a mapping.
uint64 vma_heap_limit(struct proc *p);
// Add the bytes p's mappings cover to procstat's figures (caller holds
// p->lock).
void vma_stat(struct proc *p, struct procstat *ps);

#endif
