// Restore: start a new process, a child of the caller, from a checkpoint
// image (kernel/proc/checkpoint.c wrote it; docs/checkpoint.md).
//
// An image is untrusted input: anyone can write a file. So everything in
// it is checked before anything is built (check_header, check_maps,
// check_runs, check_files), and what is built gets no more than the
// restorer could get by itself:
//   - the new process runs with the restorer's credentials (proc_alloc
//     gives it the caller's); nothing in the image names a user;
//   - its files, file mappings and current directory are opened by path
//     through the opener the system call passes (open() itself), so with
//     the restorer's permissions, and O_CREATE/O_TRUNC cannot appear;
//   - memory is only ever user memory: every address lies below MMAPMAX
//     (under the trap frame and trampoline), page aligned, in a region the
//     image declares; the pc is a user address.
// A failure anywhere frees what was built (the slot, frames, mappings,
// files) and returns -1; the kernel never trusts a count or an offset it
// has not compared with the image's size.
//
// Eager restore reads every saved page into a frame of its own. Lazy
// restore reads none: it gives the process a backing (kernel/mm/backing.c)
// that maps the image's pages as a MAP_PRIVATE file mapping would, each on
// first touch. The image must then stay as it is while the process lives:
// it counts as a running program (writers get ETXTBSY), as a program's
// file does.
#include "kernel/proc/restore.h"
#include "kernel/proc/proc.h"
#include "kernel/fs/file.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/filemap.h"
#include "kernel/fs/chroot.h"
#include "kernel/fs/log.h"
#include "kernel/mm/mmap.h"
#include "kernel/mm/backing.h"
#include "kernel/mm/vm.h"
#include "kernel/mm/frame.h"
#include "kernel/ckpt.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/memlayout.h"
#include "kernel/lib/string.h"

#define PROT_ALL (PROT_READ | PROT_WRITE | PROT_EXEC)
#define SUPERPAGE (1UL << PXSHIFT(1))

struct loader {
  struct inode *ip; // the image
  uint64 size;      // its size, read once
  struct ckpt_header *h;
  struct ckpt_map *maps;
  struct ckpt_run *runs;
  struct ckpt_file *files;
};

// ---- checking ----

// A string field holds its NUL.
static int terminated(const char *s, int max) {
  for (int i = 0; i < max; i++)
    if (s[i] == 0)
      return 1;
  return 0;
}

// [off, off + n * each) lies inside the file (no overflow).
static int inside(struct loader *l, uint64 off, uint64 n, uint64 each) {
  return off <= l->size && n <= (l->size - off) / each;
}

static int check_header(struct loader *l) {
  struct ckpt_header *h = l->h;
  return h->magic == CKPT_MAGIC && h->version == CKPT_VERSION && h->hdrsize == sizeof(*h) &&
                 h->nmaps <= CKPT_MAXMAPS && h->nruns <= CKPT_MAXRUNS &&
                 h->nfiles <= CKPT_MAXFILES && inside(l, h->maps_off, h->nmaps, sizeof(struct ckpt_map)) &&
                 inside(l, h->runs_off, h->nruns, sizeof(struct ckpt_run)) &&
                 inside(l, h->files_off, h->nfiles, sizeof(struct ckpt_file)) &&
                 h->data_off % PGSIZE == 0 && inside(l, h->data_off, h->npages, PGSIZE) &&
                 h->sz <= MMAPMAX && h->regs[0] < MMAPMAX && terminated(h->name, sizeof(h->name)) &&
                 terminated(h->cwd, sizeof(h->cwd)) && h->cwd[0] != 0
             ? 0
             : -1;
}

static int aligned(uint64 a) { return a % PGSIZE == 0; }

static int check_map(struct loader *l, struct ckpt_map *m) {
  int kind = m->flags & (MAP_SHARED | MAP_PRIVATE);
  int anon = (m->flags & MAP_ANONYMOUS) != 0;
  if (!aligned(m->start) || !aligned(m->end) || !aligned(m->off) || m->start >= m->end ||
      m->end > MMAPMAX || m->start < ((l->h->sz + SUPERPAGE - 1) & ~(SUPERPAGE - 1)) ||
      (m->prot & ~PROT_ALL) ||
      (kind != MAP_SHARED && kind != MAP_PRIVATE) ||
      (m->flags & ~(MAP_SHARED | MAP_PRIVATE | MAP_ANONYMOUS)) ||
      !terminated(m->path, sizeof(m->path)) || anon != (m->path[0] == 0) || (anon && m->off))
    return -1;
  for (struct ckpt_map *o = l->maps; o < m; o++)
    if (o->start < m->end && m->start < o->end)
      return -1; // overlapping mappings
  return 0;
}

// The mapping that holds [start, end) whole, or 0.
static struct ckpt_map *map_holding(struct loader *l, uint64 start, uint64 end) {
  for (struct ckpt_map *m = l->maps; m < l->maps + l->h->nmaps; m++)
    if (m->start <= start && end <= m->end)
      return m;
  return 0;
}

// A run lies below sz (the guard page may have no rights there) or inside
// one private or anonymous mapping, with no more rights than it; runs
// ascend without overlapping; their bytes lie in the page area.
static int check_run(struct loader *l, struct ckpt_run *r, uint64 *pages) {
  struct ckpt_header *h = l->h;
  if (!aligned(r->start) || !aligned(r->data) || r->npages == 0 || r->start >= MMAPMAX ||
      r->npages > (MMAPMAX - r->start) / PGSIZE || (r->prot & ~PROT_ALL) ||
      r->data < h->data_off || (r->data - h->data_off) / PGSIZE > h->npages ||
      r->npages > h->npages - (r->data - h->data_off) / PGSIZE)
    return -1;
  uint64 end = r->start + (uint64)r->npages * PGSIZE;
  if (r > l->runs && r[-1].start + (uint64)r[-1].npages * PGSIZE > r->start)
    return -1;
  *pages += r->npages;
  if (end <= PGROUNDUP(h->sz))
    return 0;
  struct ckpt_map *m = map_holding(l, r->start, end);
  if (m == 0 || r->prot == 0 || (r->prot & ~m->prot) ||
      ((m->flags & MAP_SHARED) && !(m->flags & MAP_ANONYMOUS)))
    return -1;
  return 0;
}

static int check_file(struct loader *l, struct ckpt_file *f) {
  if (f->fd < 0 || f->fd >= NOFILE || (f->kind != CKPT_FD_INODE && f->kind != CKPT_FD_DEVICE) ||
      (f->omode != O_RDONLY && f->omode != O_WRONLY && f->omode != O_RDWR) ||
      f->off > 0xffffffffUL || !terminated(f->path, sizeof(f->path)) || f->path[0] == 0)
    return -1;
  for (struct ckpt_file *o = l->files; o < f; o++)
    if (o->fd == f->fd)
      return -1;
  return 0;
}

static int check_tables(struct loader *l) {
  uint64 pages = 0;
  for (uint i = 0; i < l->h->nmaps; i++)
    if (check_map(l, &l->maps[i]) < 0)
      return -1;
  for (uint i = 0; i < l->h->nruns; i++)
    if (check_run(l, &l->runs[i], &pages) < 0)
      return -1;
  for (uint i = 0; i < l->h->nfiles; i++)
    if (check_file(l, &l->files[i]) < 0)
      return -1;
  return pages <= l->h->npages ? 0 : -1;
}

// ---- reading ----

static int read_at(struct loader *l, void *dst, uint64 off, uint64 n) {
  ilock(l->ip);
  int r = readi(l->ip, 0, (uint64)dst, off, n);
  iunlock(l->ip);
  return r == n ? 0 : -1;
}

static int load_tables(struct loader *l) {
  struct ckpt_header *h = l->h;
  if (read_at(l, h, 0, sizeof(*h)) < 0 || check_header(l) < 0)
    return -1;
  if (read_at(l, l->maps, h->maps_off, h->nmaps * sizeof(struct ckpt_map)) < 0 ||
      read_at(l, l->runs, h->runs_off, h->nruns * sizeof(struct ckpt_run)) < 0 ||
      read_at(l, l->files, h->files_off, h->nfiles * sizeof(struct ckpt_file)) < 0)
    return -1;
  return check_tables(l);
}

// ---- building ----

static int pte_perm(int prot) {
  if (prot == 0)
    return PTE_R | PTE_W; // the guard page: no PTE_U
  return PTE_U | PTE_R | ((prot & PROT_WRITE) ? PTE_W : 0) | ((prot & PROT_EXEC) ? PTE_X : 0);
}

// Eager: page va gets a frame of its own holding the image's bytes at off.
static int read_page(struct loader *l, struct proc *np, uint64 va, uint64 off, int prot) {
  void *pa = frame_alloc();
  if (pa == 0)
    return -1;
  if (read_at(l, pa, off, PGSIZE) < 0 || map_pages(np->pagetable, va, PGSIZE, (uint64)pa, pte_perm(prot)) < 0) {
    frame_put(pa);
    return -1;
  }
  return 0;
}

static int build_runs(struct loader *l, struct proc *np, struct backing *b) {
  for (struct ckpt_run *r = l->runs; r < l->runs + l->h->nruns; r++) {
    if (b && r->prot != 0) {
      if (backing_add(b, r->start, r->start + (uint64)r->npages * PGSIZE, r->data / PGSIZE, r->prot) < 0)
        return -1;
      continue;
    }
    for (uint i = 0; i < r->npages; i++)
      if (read_page(l, np, r->start + (uint64)i * PGSIZE, r->data + (uint64)i * PGSIZE, r->prot) < 0)
        return -1;
  }
  return 0;
}

static int build_maps(struct loader *l, struct proc *np, ckpt_open_fn open) {
  for (struct ckpt_map *m = l->maps; m < l->maps + l->h->nmaps; m++) {
    uint64 len = m->end - m->start, va;
    int flags = m->flags | MAP_FIXED;
    if (m->flags & MAP_ANONYMOUS) {
      va = vma_map(np, m->start, len, m->prot, flags, 0, 0, 0);
    } else {
      int writer = (m->flags & MAP_SHARED) && (m->prot & PROT_WRITE);
      struct file *f = open(m->path, writer ? O_RDWR : O_RDONLY);
      if (f == 0)
        return -1;
      va = file_mmap_into(np, f, m->start, len, m->prot, flags, m->off);
      fileclose(f);
    }
    if (va != m->start)
      return -1;
  }
  return 0;
}

// Each file reopened by path with its mode, at its offset.
static int build_files(struct loader *l, struct proc *np, ckpt_open_fn open) {
  for (struct ckpt_file *cf = l->files; cf < l->files + l->h->nfiles; cf++) {
    struct file *f = open(cf->path, cf->omode);
    if (f == 0)
      return -1;
    np->ofile[cf->fd] = f;
    if ((f->type == FD_DEVICE) != (cf->kind == CKPT_FD_DEVICE))
      return -1;
    if (f->type != FD_INODE)
      continue;
    ilock(f->ip);
    int ok = cf->off <= f->ip->size;
    iunlock(f->ip);
    if (!ok)
      return -1;
    f->off = cf->off;
  }
  return 0;
}

static int build_cwd(struct loader *l, struct proc *np) {
  struct inode *ip = namei_dir_in_op(l->h->cwd);
  if (ip == 0)
    return -1;
  end_op();
  np->cwd = ip;
  return 0;
}

static void set_regs(struct proc *np, struct ckpt_header *h) {
  np->trapframe->epc = h->regs[0];
  uint64 *x = &np->trapframe->ra; // x1..x31, in order
  for (int i = 1; i < CKPT_NREGS; i++)
    x[i - 1] = h->regs[i];
}

// The lazy backing for image ip. The image counts as a running program
// from here on (exe_begin refuses one open for writing).
static struct backing *lazy_backing(struct inode *ip) {
  ilock(ip);
  int ok = exe_begin(ip) == 0;
  iunlock(ip);
  if (!ok)
    return 0;
  struct backing *b = backing_new(ip, image_object_ops());
  exe_end(ip); // the backing holds its own count now (or failed)
  return b;
}

// Undo a build: np (unlocked, never run) and everything it holds.
static void unbuild(struct proc *np) {
  vma_unmap_all(np);
  backing_drop(np);
  for (int fd = 0; fd < NOFILE; fd++) {
    if (np->ofile[fd])
      fileclose(np->ofile[fd]);
    np->ofile[fd] = 0;
  }
  if (np->cwd)
    iput_alone(np->cwd);
  np->cwd = 0;
  spin_lock(&np->lock);
  proc_abort(np);
}

// Build np from the checked image: 0, or -1 (the caller unbuilds).
static int build(struct loader *l, struct proc *np, int mode, ckpt_open_fn open) {
  np->sz = l->h->sz;
  struct backing *b = 0;
  if (mode == RESTORE_LAZY) {
    if ((b = lazy_backing(l->ip)) == 0)
      return -1;
    backing_install(np, b);
  }
  if (build_maps(l, np, open) < 0 || build_runs(l, np, b) < 0 || build_files(l, np, open) < 0 ||
      build_cwd(l, np) < 0)
    return -1;
  set_regs(np, l->h);
  safestrcpy(np->name, l->h->name, sizeof(np->name));
  root_inherit(np, myproc());
  return 0;
}

static int restore_from(struct loader *l, int mode, ckpt_open_fn open) {
  if (load_tables(l) < 0)
    return -1;
  struct proc *np = proc_alloc();
  if (np == 0)
    return -1;
  spin_unlock(&np->lock); // building reads the disk and may sleep; the slot is USED
  // Pages go into a table no one runs yet: a mapping change for the audit.
  frame_map_change_begin();
  int r = build(l, np, mode, open);
  frame_map_change_end();
  if (r < 0) {
    unbuild(np);
    return -1;
  }
  spin_lock(&np->lock);
  return proc_start(np);
}

int restore_image(struct file *img, int mode, ckpt_open_fn open) {
  if (img->type != FD_INODE || !img->readable || (mode != RESTORE_EAGER && mode != RESTORE_LAZY))
    return -1;
  struct loader l = {img->ip};
  ilock(l.ip);
  int ok = l.ip->type == T_FILE;
  l.size = l.ip->size;
  iunlock(l.ip);
  l.h = frame_alloc_zero();
  l.maps = frame_alloc_zero();
  l.runs = frame_alloc_zero();
  l.files = frame_alloc_zero();
  int r = -1;
  if (ok && l.h && l.maps && l.runs && l.files)
    r = restore_from(&l, mode, open);
  void *bufs[] = {l.h, l.maps, l.runs, l.files};
  for (int i = 0; i < 4; i++)
    if (bufs[i])
      frame_put(bufs[i]);
  return r;
}
