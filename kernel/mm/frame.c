// The physical frame allocator.
//
// Owns every frame (PGSIZE, 4096 bytes) of RAM from the end of the kernel image to
// the end of RAM (as the device tree reports it), and a reference count
// for each.
//
// Invariant: a frame's count equals the number of page-table entries plus
// kernel references that hold it; a frame is free (on the free list, or
// at or above the untouched mark) exactly when its count is zero.
// frame_alloc hands out a frame with count 1 (the caller's reference);
// frame_get adds one, frame_put drops one and frees the frame when the
// last reference goes.
//
// Counts change with atomic instructions, so sharing a frame between
// processes on different harts needs no lock; only the free list has one.
#include "kernel/mm/frame.h"
#include "kernel/riscv.h"
#include "kernel/lock/spinlock.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/debug/inject.h"

struct run {
  struct run *next;
};

// Free frames are in two places. Frames that were handed out and came
// back are on a list threaded through the frames themselves. Frames never
// handed out since boot lie at or above `untouched` and are taken from
// there, in address order, once the list is empty. Boot thus writes to
// no frame: pushing all 32,000 frames of 128 MiB on the list would touch
// each, and on QEMU the first touch of a guest page costs the host a page
// fault and a zeroed page (more than half the kernel's start-up, and host
// memory that a small test never needed; docs/benchmarks.md).
static struct {
  struct spinlock lock;
  struct run *freelist;
  uint64 untouched;  // frames in [untouched, frames.limit) are free
  uint64 nfree;      // on the list and above the mark
} fl;

struct frame_table frames; // the counts; frame.h reads them inline

void frame_bad(void *pa) { panic("frame: %p is not a managed frame", pa); }

static void push_free(void *pa) {
  struct run *r = pa;
  spin_lock(&fl.lock);
  r->next = fl.freelist;
  fl.freelist = r;
  fl.nfree++;
  spin_unlock(&fl.lock);
}

// The count array and the cache marks live at the start of [start, end);
// frames follow them.
void frame_init(uint64 start, uint64 end) {
  spin_init(&fl.lock, "frames");
  start = PGROUNDUP(start);
  end = PGROUNDDOWN(end);
  uint64 nframes = (end - start) / PGSIZE;
  frames.refs = (long *)start;
  frames.cached = (uint8 *)(start + nframes * sizeof(long));
  frames.base = PGROUNDUP(start + nframes * (sizeof(long) + 1));
  frames.limit = end;
  frames.base_pfn = frames.base / PGSIZE;
  frames.nframes = (frames.limit - frames.base) / PGSIZE;
  memset(frames.refs, 0, frames.nframes * sizeof(long));
  memset(frames.cached, 0, frames.nframes);
  fl.untouched = frames.base;
  fl.nfree = frames.nframes;
}

static const struct frame_cache_ops *cache_ops;

void frame_cache_register(const struct frame_cache_ops *ops) { cache_ops = ops; }

void frame_cache_stat(uint64 *nframes, uint64 *idle) {
  *nframes = *idle = 0;
  if (cache_ops)
    cache_ops->stat(nframes, idle);
}

int frame_cache_whose(void *pa, uint *inum, uint *pgidx) {
  return cache_ops && frame_is_cached(pa) ? cache_ops->whose(pa, inum, pgidx) : -1;
}

// The list first, so that a workload reuses the frames it already
// touched; the untouched ones when it is empty.
static struct run *pop_free(void) {
  spin_lock(&fl.lock);
  struct run *r = fl.freelist;
  if (r) {
    fl.freelist = r->next;
  } else if (fl.untouched < frames.limit) {
    r = (struct run *)fl.untouched;
    fl.untouched += PGSIZE;
  }
  if (r)
    fl.nfree--;
  spin_unlock(&fl.lock);
  return r;
}

// Pop a free frame and give it count 1; 0 if none is left (or fault
// injection says so: every caller must already cope with 0). With the
// free list empty, idle page-cache frames are evicted until one is free:
// they are memory no one is using, only remembering file contents.
static void *frame_take(void) {
  if (inject_fail(INJ_FRAME))
    return 0;
  struct run *r = pop_free();
  while (r == 0 && cache_ops && cache_ops->evict())
    r = pop_free();
  if (r == 0)
    return 0;
  *frame_ref(r) = 1;
  return r;
}

void *frame_alloc(void) {
  void *pa = frame_take();
  if (pa)
    memset(pa, 5, PGSIZE); // junk, so code that forgets to initialise fails fast
  return pa;
}

void *frame_alloc_zero(void) {
  void *pa = frame_take();
  if (pa)
    memset(pa, 0, PGSIZE);
  return pa;
}

// The last reference went (frame_put in frame.h dropped it).
void frame_put_last(void *pa, long old) {
  if (old <= 0)
    panic("frame_put: %p freed twice", pa);
  // Pairs with the release in frame_put: every other owner's last writes
  // to the frame happen before we reuse it.
  __atomic_thread_fence(__ATOMIC_ACQUIRE);
  memset(pa, 1, PGSIZE); // junk, to catch dangling references
  push_free(pa);
}

// Copy one frame to another a 64-bit word at a time. Eager fork and the
// COW break both use this, so benchmarks compare strategies, not loops.
void frame_copy(void *dst, const void *src) {
  uint64 *d = dst;
  const uint64 *s = src;
  for (int i = 0; i < PGSIZE / 8; i += 4) {
    d[i] = s[i];
    d[i + 1] = s[i + 1];
    d[i + 2] = s[i + 2];
    d[i + 3] = s[i + 3];
  }
}

// How many frames have more than one reference (shared).
uint64 frame_shared_count(void) {
  uint64 n = 0;
  for (uint64 i = 0; i < (frames.limit - frames.base) / PGSIZE; i++)
    n += __atomic_load_n(&frames.refs[i], __ATOMIC_RELAXED) > 1;
  return n;
}

int frame_refs(void *pa) {
  if ((uint64)pa % PGSIZE != 0)
    frame_bad(pa);
  // Acquire, pairing with the release in frame_put. A caller that sees 1
  // may write the frame in place (cow_break's reuse): the owner that just
  // dropped its reference on another hart may have been reading the frame
  // (copying it, in its own cow_break), and those reads must be done
  // before our writes land. On RVWMO a store after a plain load could
  // otherwise become visible first.
  return __atomic_load_n(frame_ref(pa), __ATOMIC_ACQUIRE);
}

uint64 frame_free_count(void) { return fl.nfree; }

uint64 frame_total_count(void) { return (frames.limit - frames.base) / PGSIZE; }

// ---- the debug check of the invariant ----
//
// An audit counts, in a shadow array, every PTE that maps each frame, then
// compares: a frame that user page tables map is held by nothing else, so
// its count must equal its PTEs exactly. (Frames only the kernel holds,
// such as page-table pages and pipe buffers, have no PTEs to count.) The
// shadow array lives in frames borrowed for the audit.
//
// The counts and the PTEs legitimately disagree while a mapping change is
// under way on another hart: a COW copy has the new PTE but not yet the
// old frame's put; a snapshot has taken references for PTEs it has not
// published; exec has hidden the old page table but not freed it. Such
// changes are bracketed by frame_map_change_begin/end, which count them.
// An audit is exact only if no change was in flight when it began and
// none began or ended before it ended; otherwise frame_audit_end reports
// FRAME_AUDIT_RACED and the caller tries again. (Making changes wait for
// the audit instead would let a change that holds p->lock block an audit
// that needs it.)
#define AUDIT_PER_PAGE (PGSIZE / sizeof(uint16))
#define AUDIT_MAX_PAGES 512 // enough for 4 GiB of RAM
static uint16 *audit_pages[AUDIT_MAX_PAGES];
static int audit_npages;
static struct spinlock audit_lock;
static int changes_in_flight;
static uint64 changes_done;
static uint64 audit_start_done; // changes_done when the audit began
static int audit_start_busy;    // a change was in flight when it began

void frame_map_change_begin(void) { __atomic_fetch_add(&changes_in_flight, 1, __ATOMIC_SEQ_CST); }

void frame_map_change_end(void) {
  __atomic_fetch_add(&changes_done, 1, __ATOMIC_SEQ_CST);
  __atomic_fetch_sub(&changes_in_flight, 1, __ATOMIC_SEQ_CST);
}

int frame_audit_begin(void) {
  uint64 need = (frames.nframes + AUDIT_PER_PAGE - 1) / AUDIT_PER_PAGE;
  if (need > AUDIT_MAX_PAGES)
    return -1;
  if (audit_lock.name == 0)
    spin_init(&audit_lock, "audit");
  spin_lock(&audit_lock);
  if (audit_npages != 0) { // another audit is running
    spin_unlock(&audit_lock);
    return -1;
  }
  audit_npages = need;
  spin_unlock(&audit_lock);
  for (int i = 0; i < need; i++) {
    if ((audit_pages[i] = frame_alloc_zero()) == 0) {
      frame_audit_end();
      return -1;
    }
  }
  // Read done before busy: a change that ends between the two reads is
  // either seen in flight or moves changes_done before the audit ends.
  audit_start_done = __atomic_load_n(&changes_done, __ATOMIC_SEQ_CST);
  audit_start_busy = __atomic_load_n(&changes_in_flight, __ATOMIC_SEQ_CST) != 0;
  return 0;
}

// Did a mapping change overlap the audit?
static int audit_raced(void) {
  return audit_start_busy || __atomic_load_n(&changes_in_flight, __ATOMIC_SEQ_CST) != 0 ||
         __atomic_load_n(&changes_done, __ATOMIC_SEQ_CST) != audit_start_done;
}

int frame_audit_ref(void *pa) {
  uint64 i = (uint64)frame_ref(pa) - (uint64)frames.refs;
  i /= sizeof(long);
  return ++audit_pages[i / AUDIT_PER_PAGE][i % AUDIT_PER_PAGE];
}

// Compare, then ask whether a change overlapped the audit: a change that
// began during the comparison would make it wrong too. Mismatches are
// printed only once the audit is known to be exact (the first few).
#define AUDIT_SHOW 8
// The page cache's own references count like PTEs: a cached frame that
// processes map holds one more than they do. Only after a full begin.
static void audit_cache(void) {
  if (cache_ops && audit_npages != 0 && audit_pages[audit_npages - 1] != 0)
    cache_ops->audit();
}

int frame_audit_end(void) {
  struct audit_miss {
    uint64 i;
    long refs;
    int ptes;
  } shown[AUDIT_SHOW];
  int bad = 0;
  audit_cache();
  for (uint64 i = 0; i < frames.nframes && audit_npages != 0; i++) {
    uint16 *page = audit_pages[i / AUDIT_PER_PAGE];
    if (page == 0)
      break; // a failed begin: nothing was counted
    uint16 ptes = page[i % AUDIT_PER_PAGE];
    long refs = __atomic_load_n(&frames.refs[i], __ATOMIC_RELAXED);
    if (ptes != 0 && ptes != refs) {
      if (bad < AUDIT_SHOW)
        shown[bad] = (struct audit_miss){i, refs, ptes};
      bad++;
    }
  }
  int raced = audit_npages != 0 && audit_raced();
  for (int k = 0; !raced && k < bad && k < AUDIT_SHOW; k++)
    printf("frame audit: frame %p has count %d but %d PTEs\n",
           (void *)(frames.base + shown[k].i * PGSIZE), (int)shown[k].refs, shown[k].ptes);
  if (!raced && bad > AUDIT_SHOW)
    printf("frame audit: ... and %d more\n", bad - AUDIT_SHOW);
  for (int i = 0; i < audit_npages; i++) {
    if (audit_pages[i])
      frame_put(audit_pages[i]);
    audit_pages[i] = 0;
  }
  audit_npages = 0;
  return raced ? FRAME_AUDIT_RACED : bad;
}
