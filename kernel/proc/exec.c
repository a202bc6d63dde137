// exec: load an ELF program into a fresh page table and switch the process
// to it. Text and read-only data are the page cache's frames, mapped
// (shared by every process running the program); whole pages of
// initialised data are mapped copy-on-write against the cache; the rest is
// copied or zeroed (docs/pagecache.md).
//
// Everything is built on the side (a new page table, new stack, the
// arguments) and committed only when nothing can fail any more. Until the
// commit a failure frees the side image and returns -1 to the old
// program, which is untouched.
//
// The new user address space, from 0: the program's segments, a guard
// page (no PTE_U), USERSTACK stack pages, then the heap grows from sz.
#include "kernel/proc/exec.h"
#include "kernel/proc/elf.h"
#include "kernel/proc/elfcheck.h"
#include "kernel/memlayout.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/snapshot.h"
#include "kernel/proc/cred.h"
#include "kernel/fs/perm.h"
#include "kernel/mm/vm.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/frame.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/filemap.h"
#include "kernel/fs/pagecache.h"
#include "kernel/mm/mmap.h"
#include "kernel/mm/backing.h"
#include "kernel/fs/log.h"
#include "kernel/lib/string.h"

// PTE permissions for an ELF segment's flags. Segments are always readable.
static int flags2perm(int flags) {
  int perm = 0;
  if (flags & ELF_PROG_FLAG_EXEC)
    perm |= PTE_X;
  if (flags & ELF_PROG_FLAG_WRITE)
    perm |= PTE_W;
  return perm;
}

// Read sz bytes at file offset off into user memory at va, which is
// already mapped. va is page aligned; [off, off + sz) lies inside the
// file (elf_check_segment), so it fits readi's 32-bit offsets.
static int loadseg(pagetable_t pt, uint64 va, struct inode *ip, uint64 off, uint64 sz) {
  for (uint64 i = 0; i < sz; i += PGSIZE) {
    uint64 pa = walkaddr(pt, va + i);
    if (pa == 0)
      return -1;
    uint n = sz - i < PGSIZE ? sz - i : PGSIZE;
    if (readi(ip, 0, pa, off + i, n) != n)
      return -1;
  }
  return 0;
}

// May page va of segment ph be the page cache's own frame, mapped rather
// than copied? Every byte of it must be the file's, at a page-aligned file
// offset (the user linker script makes offset = address mod PGSIZE): the
// page lies wholly inside the segment's file part, or the segment is
// read-only, has nothing to zero (memsz == filesz) and ends in it. (Then
// the rest of that last page shows whatever follows in the file, as on
// Linux: read-only, so harmless.)
static int cacheable(struct proghdr *ph, uint64 va) {
  uint64 rel = va - ph->vaddr;
  if (ph->off % PGSIZE != 0)
    return 0;
  if (rel + PGSIZE <= ph->filesz)
    return 1;
  return rel < ph->filesz && ph->memsz == ph->filesz && !(ph->flags & ELF_PROG_FLAG_WRITE);
}

// Map page va of segment ph: the cached frame (text and read-only data
// shared by every process running the program; initialised data
// copy-on-write against the cache), or a fresh page with the file's bytes
// copied in (the page that holds the end of the data, and bss).
static int load_page(pagetable_t pt, struct inode *ip, struct proghdr *ph, uint64 va) {
  int perm = flags2perm(ph->flags);
  uint64 rel = va - ph->vaddr;
  if (cacheable(ph, va)) {
    void *pa = pcache_get(ip, (ph->off + rel) / PGSIZE);
    if (pa == 0)
      return -1;
    if (uvm_map_frame(pt, va, pa, perm) < 0) {
      frame_put(pa);
      return -1;
    }
    return 0;
  }
  if (uvm_alloc(pt, va, va + PGSIZE, perm) == 0)
    return -1;
  if (rel >= ph->filesz)
    return 0; // bss: zero
  uint64 n = ph->filesz - rel < PGSIZE ? ph->filesz - rel : PGSIZE;
  return loadseg(pt, va, ip, ph->off + rel, n);
}

// Map every loadable segment of ip, growing *szp to the highest
// address + 1 as it goes (so the caller can free a partial image). The
// entry point must lie in one of them. Returns 0, or -1 on a malformed
// file (kernel/proc/elfcheck.c) or no memory.
static int load_segments(pagetable_t pt, struct inode *ip, struct elfhdr *elf, uint64 *szp) {
  struct proghdr ph;
  int entry_seen = 0;
  for (int i = 0; i < elf->phnum; i++) {
    uint64 off = elf->phoff + i * sizeof(ph); // inside the file: elf_check_header
    if (readi(ip, 0, (uint64)&ph, off, sizeof(ph)) != sizeof(ph))
      return -1;
    if (ph.type != ELF_PROG_LOAD)
      continue;
    // Segments ascend and stay below the trap frame.
    if (elf_check_segment(&ph, ip->size, *szp, TRAPFRAME) < 0)
      return -1;
    entry_seen |= elf_segment_holds(&ph, elf->entry);
    // The gap below the segment, if any, is plain memory, as before.
    if (PGROUNDUP(*szp) < ph.vaddr && uvm_alloc(pt, *szp, ph.vaddr, 0) == 0)
      return -1;
    for (uint64 va = ph.vaddr; va < ph.vaddr + ph.memsz; va += PGSIZE) {
      if (load_page(pt, ip, &ph, va) < 0)
        return -1;
      *szp = va + PGSIZE < ph.vaddr + ph.memsz ? va + PGSIZE : ph.vaddr + ph.memsz;
    }
  }
  return *szp == 0 || !entry_seen ? -1 : 0;
}

// Push the argument strings and the argv[] array onto the new stack.
// Returns the new sp (argv[] sits there), or 0 if they do not fit.
static uint64 push_args(pagetable_t pt, uint64 sp, uint64 stackbase, char **argv, int *argcp) {
  uint64 ustack[MAXARG + 1];
  int argc;
  for (argc = 0; argv[argc]; argc++) {
    if (argc >= MAXARG)
      return 0;
    sp -= strlen(argv[argc]) + 1;
    sp -= sp % 16; // the RISC-V ABI wants sp 16-byte aligned
    if (sp < stackbase || copyout(pt, sp, argv[argc], strlen(argv[argc]) + 1) < 0)
      return 0;
    ustack[argc] = sp;
  }
  ustack[argc] = 0;
  sp -= (argc + 1) * sizeof(uint64);
  sp -= sp % 16;
  if (sp < stackbase || copyout(pt, sp, ustack, (argc + 1) * sizeof(uint64)) < 0)
    return 0;
  *argcp = argc;
  return sp;
}

// The last path component, for the process name.
static char *basename(char *path) {
  char *last = path;
  for (char *s = path; *s; s++)
    if (*s == '/')
      last = s + 1;
  return last;
}

// Build the complete user image of the program at path, for process p
// (whose trap frame the new page table maps), without touching p's
// current memory. Returns 0 and fills *img, or -1 with nothing left over.
int image_load(struct proc *p, char *path, char **argv, struct image *img) {
  struct elfhdr elf;
  pagetable_t pt = 0;
  uint64 sz = 0;

  img->exe = 0;
  struct inode *ip = namei_in_op(path);
  if (ip == 0)
    return -1;
  // May the caller run it, and as whom (kernel/fs/perm.c)? And is it not
  // open for writing (kernel/fs/filemap.c)? From here on, it cannot be.
  if (exec_prepare_creds(ip, &img->cred) < 0 || exe_begin(ip) < 0)
    goto bad;
  img->exe = ip;
  if (readi(ip, 0, (uint64)&elf, 0, sizeof(elf)) != sizeof(elf) ||
      elf_check_header(&elf, ip->size) < 0)
    goto bad;
  if ((pt = proc_pagetable(p)) == 0)
    goto bad;
  if (load_segments(pt, ip, &elf, &sz) < 0)
    goto bad;
  iunlockput(ip);
  end_op();
  ip = 0;

  // A guard page, then the stack.
  sz = PGROUNDUP(sz);
  uint64 sz1 = uvm_alloc(pt, sz, sz + (USERSTACK + 1) * PGSIZE, PTE_W);
  if (sz1 == 0)
    goto bad;
  sz = sz1;
  uvm_clear(pt, sz - (USERSTACK + 1) * PGSIZE);
  uint64 stackbase = sz - USERSTACK * PGSIZE;

  uint64 sp = push_args(pt, sz, stackbase, argv, &img->argc);
  if (sp == 0)
    goto bad;
  img->pt = pt;
  img->sz = sz;
  img->entry = elf.entry;
  img->sp = sp;
  img->name = basename(path);
  return 0;

bad:
  if (img->cred)
    abort_creds(img->cred);
  if (pt)
    proc_freepagetable(pt);
  if (ip) {
    iunlockput(ip);
    end_op();
  }
  if (img->exe)
    exe_end(img->exe);
  return -1;
}

// Make img p's memory and registers. p's old page table, if any, is
// returned for the caller to free.
pagetable_t image_install(struct proc *p, struct image *img) {
  // Under p->lock: procstat walks another process's page table holding
  // only that lock, and must not see the old one after it is freed.
  spin_lock(&p->lock);
  pagetable_t old = p->pagetable;
  p->pagetable = img->pt;
  p->sz = img->sz;
  struct inode *old_exe = p->exe;
  p->exe = img->exe;
  img->exe = old_exe; // for the caller to end
  spin_unlock(&p->lock);
  if (img->cred)
    cred_install(p, img->cred); // the setuid/setgid switch, now it cannot fail
  p->trapframe->epc = img->entry;
  p->trapframe->sp = img->sp;
  p->trapframe->a0 = img->argc; // main(argc, argv)
  p->trapframe->a1 = img->sp;   // argv[] sits at the top of the stack
  safestrcpy(p->name, img->name, sizeof(p->name));
  return old;
}

int exec(char *path, char **argv) {
  struct proc *p = myproc();
  struct image img;
  // The new image maps page-cache frames that other page tables map too,
  // from a table the frame audit cannot see until it is installed: a
  // mapping change until then (kernel/mm/frame.c).
  frame_map_change_begin();
  if (image_load(p, path, argv, &img) < 0) {
    frame_map_change_end();
    return -1;
  }
  // Commit: nothing can fail from here on. The snapshots and mappings
  // belong to the old program: they go with it (shared pages written home).
  snap_drop_all(p);
  vma_unmap_all(p);
  backing_drop(p);
  frame_map_change_begin(); // the old table is hidden, then freed: see frame.c
  proc_freepagetable(image_install(p, &img));
  frame_map_change_end();
  frame_map_change_end(); // image_load's
  if (img.exe)
    exe_end(img.exe); // the old program: one process fewer runs it
  return img.argc; // the system call's return value lands in a0 as well
}
