// Process snapshots: copy-on-write checkpoints of one process.
//
// The system calls (kernel/proc/syssnap.c) call snap_take, snap_rollback
// and snap_drop for the calling process.
//
// snapshot() records the caller's user memory [0, sz) and its registers.
// The memory is recorded the way COW fork records a child's: a second page
// table, built by uvm_share, whose PTEs point at the same frames, with
// every writable page turned copy-on-write in both. Taking a snapshot
// therefore copies page-table entries, never pages; the first write to a
// page after it, by the process, copies that one page (kernel/mm/cow.c).
//
// rollback(id) builds a fresh page table that shares the snapshot's pages
// the same way (so the snapshot survives, for another rollback), installs
// it with the saved size and registers, and frees the page table the
// process was using. The saved registers are those of the snapshot() call
// itself, with a0 = 0: the process continues as a second return from
// snapshot(), like a second return from fork() or setjmp().
//
// Only memory and registers are recorded: open files and their offsets,
// the file system, credentials and other processes are not rolled back.
// Memory includes mmap regions: their private pages roll back; their
// shared pages are the file's, which is not rolled back.
//
// Invariant: each live snapshot's page table holds one reference on every
// frame it maps, like any page table (kernel/mm/frame.c); p->snaps is
// allocated while, and only while, p has at least one live snapshot.
//
// The frame audit (memcheck) walks other processes' snapshots. So a
// snapshot is published (its id set) and unpublished (its id cleared,
// p->snaps detached) under snap_lock, and its page table is freed only
// after that: the audit, holding snap_lock, sees live tables only. And
// each change is bracketed as a mapping change (frame_map_change_begin),
// so an audit that overlaps one knows its counts are torn.
#include "kernel/proc/snapshot.h"
#include "kernel/proc/proc.h"
#include "kernel/mm/vm.h"
#include "kernel/mm/mmap.h"
#include "kernel/mm/frame.h"
#include "kernel/lib/string.h"

struct snap {
  int id;         // 0: slot free
  pagetable_t pt; // user pages only: no trampoline, no trap frame
  uint64 sz;
  struct trapframe tf;
  struct mmap_set *mmaps; // the mappings then (their pages are in pt), or 0
};

struct snapset {
  int next_id;
  int live;
  struct snap s[NSNAP];
};

_Static_assert(sizeof(struct snapset) <= PGSIZE, "a snapset fits in one frame");

// Guards publication: s->id, p->snaps and p->snaps->live, for readers on
// other harts (snap_audit). The owner reads its own set without it. Taken
// after p->lock when both are held (the audit, freeproc).
static struct spinlock snap_lock = {.name = "snap"};

static struct snap *find(struct proc *p, int id) {
  if (p->snaps == 0 || id <= 0)
    return 0;
  for (struct snap *s = p->snaps->s; s < p->snaps->s + NSNAP; s++)
    if (s->id == id)
      return s;
  return 0;
}

// Unpublish s, then free its page table (and the set, if s was the last)
// and let go of its mappings' objects.
static void drop(struct proc *p, struct snap *s) {
  struct mmap_set *mmaps = s->mmaps; // s may be freed with the set
  s->mmaps = 0;
  frame_map_change_begin();
  spin_lock(&snap_lock);
  pagetable_t pt = s->pt;
  struct snapset *set = p->snaps;
  s->id = 0;
  s->pt = 0;
  if (--set->live == 0)
    p->snaps = 0;
  else
    set = 0;
  spin_unlock(&snap_lock);
  uvm_free(pt);
  if (set)
    frame_put(set);
  frame_map_change_end();
  if (mmaps)
    vma_set_put(mmaps);
}

void snap_drop_all(struct proc *p) {
  for (int i = 0; p->snaps && i < NSNAP; i++)
    if (p->snaps->s[i].id)
      drop(p, &p->snaps->s[i]);
}

void snap_audit(struct proc *p) {
  spin_lock(&snap_lock);
  for (int i = 0; p->snaps && i < NSNAP; i++)
    if (p->snaps->s[i].id)
      uvm_audit(p->snaps->s[i].pt);
  spin_unlock(&snap_lock);
}

// A free slot, allocating the set on first use; 0 if all NSNAP are live
// or memory is short.
static struct snap *free_slot(struct proc *p) {
  if (p->snaps == 0) {
    if ((p->snaps = frame_alloc_zero()) == 0)
      return 0;
    p->snaps->next_id = 1;
  }
  for (struct snap *s = p->snaps->s; s < p->snaps->s + NSNAP; s++)
    if (s->id == 0)
      return s;
  return 0;
}

int snap_take(struct proc *p) {
  // References are taken before the snapshot is published: a mapping
  // change, for the frame audit.
  frame_map_change_begin();
  struct snap *s = free_slot(p);
  if (s == 0)
    goto fail;
  // LAB snapshots: BEGIN SOLUTION
  if ((s->pt = uvm_create()) == 0)
    goto fail;
  if (uvm_share(p->pagetable, s->pt, p->sz) < 0) {
    uvm_free(s->pt);
    goto fail;
  }
  s->sz = p->sz;
  s->tf = *p->trapframe; // epc is already past the ecall
  s->tf.a0 = 0;          // what snapshot() returns after a rollback
  // LAB snapshots: END SOLUTION
  // LAB snapshots: BEGIN STUB
  // // Your job: record the caller in slot s: a page table of its own that
  // // shares every page of [0, p->sz) with the process copy-on-write,
  // // without copying any page; the size; and the registers, arranged so
  // // that a rollback comes back from this call with 0 (see
  // // docs/labs/snapshots.md). On failure leave nothing allocated and
  // // goto fail. Until then every snapshot fails.
  // goto fail;
  // LAB snapshots: END STUB
  // The mappings (docs/pagecache.md) are recorded the same way: their
  // private pages COW-shared into s->pt, their shared pages shared.
  s->mmaps = 0;
  if (p->mmaps && (s->mmaps = vma_share_set(p->mmaps, p->pagetable, s->pt)) == 0) {
    uvm_free(s->pt);
    goto fail;
  }
  spin_lock(&snap_lock);
  int id = s->id = p->snaps->next_id++;
  p->snaps->live++;
  spin_unlock(&snap_lock);
  frame_map_change_end();
  return id;
fail:
  if (p->snaps && p->snaps->live == 0) {
    spin_lock(&snap_lock); // an audit may be looking at the empty set
    struct snapset *set = p->snaps;
    p->snaps = 0;
    spin_unlock(&snap_lock);
    frame_put(set);
  }
  frame_map_change_end();
  return -1;
}

int snap_rollback(struct proc *p, int id) {
  struct snap *s = find(p, id);
  if (s == 0)
    return -1;
  // LAB snapshots: BEGIN SOLUTION
  pagetable_t pt = proc_pagetable(p);
  if (pt == 0)
    return -1;
  // From the first shared reference to freeing the old table: a mapping
  // change, for the frame audit.
  frame_map_change_begin();
  struct mmap_set *mmaps = 0;
  if (uvm_share(s->pt, pt, s->sz) < 0 ||
      (s->mmaps && (mmaps = vma_share_set(s->mmaps, s->pt, pt)) == 0)) {
    proc_freepagetable(pt);
    frame_map_change_end();
    return -1;
  }
  // Commit: nothing can fail from here on. Today's mappings go (shared
  // pages written home: a file is not rolled back); the snapshot's return.
  vma_unmap_all(p);
  vma_set_install(p, mmaps);
  spin_lock(&p->lock); // see image_install: procstat may be walking it
  pagetable_t old = p->pagetable;
  p->pagetable = pt;
  p->sz = s->sz;
  spin_unlock(&p->lock);
  *p->trapframe = s->tf;
  proc_freepagetable(old);
  frame_map_change_end();
  return 0; // syscall() stores this in a0: snapshot()'s second return value
  // LAB snapshots: END SOLUTION
  // LAB snapshots: BEGIN STUB
  // // Your job: put the process back in the state snapshot s recorded:
  // // a new process page table that shares s's pages copy-on-write (s
  // // must survive, for another rollback), s's size and registers; then
  // // free the page table the process was using. Everything that can
  // // fail comes first, and a failure returns -1 with the process as it
  // // was (see docs/labs/snapshots.md). Until then rollback fails.
  // return -1;
  // LAB snapshots: END STUB
}

int snap_drop(struct proc *p, int id) {
  struct snap *s = find(p, id);
  if (s == 0)
    return -1;
  drop(p, s);
  return 0;
}
