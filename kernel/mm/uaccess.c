// Moving bytes across the user/kernel boundary.
//
// The one file of mm/ that knows about processes: either_copyin/out copy
// for the current one, so they read myproc()->pagetable (struct proc is
// the scheduler's, kernel/sched/sched.h, a layer below mm/).
//
// The kernel never dereferences a user pointer. It translates each user
// page through the process's page table and checks the PTE itself: the
// page must be valid and user-accessible, and writable for copyout. Any
// failing page makes the whole call return -1, so a bad pointer from a
// system call becomes an error, never a kernel fault.
//
// A page that is not yet accessible goes through the fault path first,
// exactly as a user access would: a lazy page gets its frame, and a
// copy-on-write page is broken before the kernel writes into it. Skipping
// that would write into a frame other processes still share (the classic
// bug: a pipe read() into a shared page changes the parent's copy too).
#include "kernel/mm/uaccess.h"
#include "kernel/mm/internal.h"
#include "kernel/mm/fault.h"
#include "kernel/sched/sched.h"
#include "kernel/lib/string.h"

static int has(pte_t *pte, int need) {
  return pte && (*pte & (PTE_V | PTE_U | need)) == (PTE_V | PTE_U | need);
}

// The kernel address of user page va, made accessible for a load
// (need = PTE_R) or a store (need = PTE_W); 0 if it cannot be.
static void *user_page(pagetable_t pt, uint64 va, int need) {
  if (va >= MAXVA)
    return 0;
  pte_t *pte = walk(pt, va, 0);
  if (!has(pte, need)) {
    uint64 cause = need == PTE_W ? SCAUSE_STORE_PAGE_FAULT : SCAUSE_LOAD_PAGE_FAULT;
    if (vm_fault(pt, cause, va) != 0)
      return 0;
    pte = walk(pt, va, 0);
    if (!has(pte, need))
      return 0;
  }
  return (void *)PTE2PA(*pte);
}

// Move len bytes between user address va and the kernel buffer kbuf, a
// page at a time: to user memory if need is PTE_W, from it if PTE_R.
static int copy_user(pagetable_t pt, uint64 va, char *kbuf, uint64 len, int need) {
  while (len > 0) {
    uint64 va0 = PGROUNDDOWN(va);
    char *page = user_page(pt, va0, need);
    if (page == 0)
      return -1;
    uint64 n = PGSIZE - (va - va0);
    if (n > len)
      n = len;
    if (need == PTE_W)
      memmove(page + (va - va0), kbuf, n);
    else
      memmove(kbuf, page + (va - va0), n);
    len -= n;
    kbuf += n;
    va = va0 + PGSIZE;
  }
  return 0;
}

int copyout(pagetable_t pt, uint64 dstva, const void *src, uint64 len) {
  return copy_user(pt, dstva, (char *)src, len, PTE_W);
}

int copyin(pagetable_t pt, void *dst, uint64 srcva, uint64 len) {
  return copy_user(pt, srcva, dst, len, PTE_R);
}

// Copy a NUL-terminated string of at most max bytes (NUL included).
// Returns 0, or -1 if it is unmapped or too long.
int copyinstr(pagetable_t pt, char *dst, uint64 srcva, uint64 max) {
  while (max > 0) {
    uint64 va0 = PGROUNDDOWN(srcva);
    char *page = user_page(pt, va0, PTE_R);
    if (page == 0)
      return -1;
    for (char *p = page + (srcva - va0); p < page + PGSIZE && max > 0; p++, max--) {
      *dst++ = *p;
      if (*p == 0)
        return 0;
    }
    srcva = va0 + PGSIZE;
  }
  return -1;
}

// Either kind of address: the console and readi/writei serve both user
// buffers (read(), write()) and kernel ones (exec reading a program).
int either_copyout(int user_dst, uint64 dst, void *src, uint64 len) {
  if (user_dst)
    return copyout(myproc()->pagetable, dst, src, len);
  memmove((char *)dst, src, len);
  return 0;
}

int either_copyin(void *dst, int user_src, uint64 src, uint64 len) {
  if (user_src)
    return copyin(myproc()->pagetable, dst, src, len);
  memmove(dst, (char *)src, len);
  return 0;
}

// Bring the pages of [va, va + len) in for reading now, as a load would,
// ignoring addresses that cannot be. write() calls it before it takes the
// inode lock: the copyin under that lock then finds every page present,
// and never has to read in a page of a mapped file (whose inode lock it
// could otherwise wait for while holding its own: kernel/fs/file.c).
void uaccess_prefault(pagetable_t pt, uint64 va, uint64 len) {
  for (uint64 a = PGROUNDDOWN(va); a < va + len && a < MAXVA; a += PGSIZE)
    user_page(pt, a, PTE_R);
}
