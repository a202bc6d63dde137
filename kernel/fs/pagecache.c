// The page cache: the contents of regular files, a page at a time, in
// frames the frame allocator counts (kernel/mm/frame.c).
//
// read() copies out of these frames, write() updates them as it writes
// the disk, exec and mmap map them into page tables. So every reader sees
// one copy of each file page, and a program that many processes run is
// in memory once. The cache holds one reference on each of its frames;
// every PTE that maps one holds another. A frame with only the cache's
// reference is idle: it may be evicted whenever memory runs short
// (frame_take calls pcache_evict through the operations registered at
// boot), and the next reader reads it from disk again.
//
// Eviction is a clock: entries sit in a ring, each with a recently-used
// bit that every lookup sets. The hand sweeps the ring; an idle entry
// whose bit is set gets a second chance (the bit is cleared), one whose
// bit is clear is evicted. Pages in use are never idle, so never taken.
//
// Identity is (dev, inum, page index), not the in-memory inode, so pages
// outlive the inode table entry: the second exec of a program finds its
// text cached. A file's pages go when it is truncated or freed
// (pcache_truncate, called as its size drops), before its inode number
// can name another file.
//
// Invariant: pc.lock guards every entry; an entry is free when pa is 0,
// and then on the free list; a used entry's frame has the cache's
// reference and frame_is_cached set, and is on exactly one hash chain. Only a lookup under pc.lock adds a
// reference to an idle frame, so an idle frame seen under the lock stays
// idle until the lock is dropped.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/fs.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/pagecache.h"
#include "kernel/mm/frame.h"
#include "kernel/lock/spinlock.h"
#include "kernel/lib/string.h"

#define NCHASH 1031 // hash chains (a prime)

struct cpage {
  uint dev, inum, idx;
  void *pa;           // the frame, or 0: the entry is free
  int wmaps;          // writable shared mappings of it (dirty while > 0)
  int used;           // looked up since the clock hand last passed
  struct cpage *next; // hash chain, or the free list
};

static struct {
  struct spinlock lock;
  struct cpage e[NCPAGE];
  struct cpage *chain[NCHASH];
  struct cpage *free; // unused entries
  uint hand;  // the clock
  uint count; // entries in use
} pc;

static struct cpage **chain_of(uint dev, uint inum, uint idx) {
  return &pc.chain[(inum * 7919u + idx + dev) % NCHASH];
}

static struct cpage *lookup(uint dev, uint inum, uint idx) {
  for (struct cpage *c = *chain_of(dev, inum, idx); c; c = c->next)
    if (c->inum == inum && c->idx == idx && c->dev == dev)
      return c;
  return 0;
}

static void unchain(struct cpage *c) {
  struct cpage **pp = chain_of(c->dev, c->inum, c->idx);
  while (*pp != c)
    pp = &(*pp)->next;
  *pp = c->next;
}

// Free entry c and drop the cache's reference (mappers keep theirs). An
// audit that counted the reference may be comparing counts right now: a
// mapping change (kernel/mm/frame.c).
static void drop(struct cpage *c) {
  unchain(c);
  frame_set_cached(c->pa, 0);
  frame_map_change_begin();
  frame_put(c->pa);
  frame_map_change_end();
  c->pa = 0;
  c->wmaps = 0;
  c->next = pc.free;
  pc.free = c;
  pc.count--;
}

static int idle(struct cpage *c) { return c->pa && c->wmaps == 0 && frame_refs(c->pa) == 1; }

// One sweep of the clock, at most twice round: evict the first idle
// entry not used since the hand last passed. Caller holds pc.lock.
static int evict_locked(void) {
  for (uint n = 0; n < 2 * NCPAGE; n++) {
    struct cpage *c = &pc.e[pc.hand];
    pc.hand = (pc.hand + 1) % NCPAGE;
    if (!idle(c))
      continue;
    if (c->used) {
      c->used = 0; // a second chance
      continue;
    }
    drop(c);
    return 1;
  }
  return 0;
}

static int pcache_evict(void) {
  spin_lock(&pc.lock);
  int r = evict_locked();
  spin_unlock(&pc.lock);
  return r;
}

// A free entry, evicting one if the table is full. Caller holds pc.lock.
static struct cpage *claim(void) {
  if (pc.free == 0 && !evict_locked())
    return 0;
  struct cpage *c = pc.free;
  pc.free = c->next;
  return c;
}

static void pcache_stat(uint64 *frames, uint64 *idle_frames) {
  spin_lock(&pc.lock);
  *frames = pc.count;
  for (struct cpage *c = pc.e; c < pc.e + NCPAGE; c++)
    *idle_frames += idle(c);
  spin_unlock(&pc.lock);
}

static void pcache_audit(void) {
  spin_lock(&pc.lock);
  for (struct cpage *c = pc.e; c < pc.e + NCPAGE; c++)
    if (c->pa)
      frame_audit_ref(c->pa);
  spin_unlock(&pc.lock);
}

static int pcache_whose(void *pa, uint *inum, uint *idx) {
  int r = -1;
  spin_lock(&pc.lock);
  for (struct cpage *c = pc.e; c < pc.e + NCPAGE && r < 0; c++) {
    if (c->pa == pa) {
      *inum = c->inum;
      *idx = c->idx;
      r = 0;
    }
  }
  spin_unlock(&pc.lock);
  return r;
}

static const struct frame_cache_ops cache_ops = {
    .evict = pcache_evict, .stat = pcache_stat, .audit = pcache_audit, .whose = pcache_whose};

void pcache_init(void) {
  spin_init(&pc.lock, "pagecache");
  for (struct cpage *c = pc.e; c < pc.e + NCPAGE; c++) {
    c->next = pc.free;
    pc.free = c;
  }
  frame_cache_register(&cache_ops);
}

// Read page idx of ip from disk into pa, zero past the end of the file.
static int fill(struct inode *ip, uint idx, void *pa) {
  uint off = idx * PGSIZE;
  uint n = ip->size - off < PGSIZE ? ip->size - off : PGSIZE;
  if (inode_read_blocks(ip, (char *)pa, off, n) != n)
    return -1;
  memset((char *)pa + n, 0, PGSIZE - n);
  return 0;
}

void *pcache_get(struct inode *ip, uint idx) {
  spin_lock(&pc.lock);
  struct cpage *c = lookup(ip->dev, ip->inum, idx);
  if (c) {
    c->used = 1;
    frame_get(c->pa);
    spin_unlock(&pc.lock);
    return c->pa;
  }
  spin_unlock(&pc.lock);

  // Not cached: read it without the spinlock (the disk sleeps). ip->lock,
  // which the caller holds, keeps anyone else from filling it meanwhile.
  void *pa = frame_alloc();
  if (pa == 0)
    return 0;
  if (fill(ip, idx, pa) < 0) {
    frame_put(pa);
    return 0;
  }
  spin_lock(&pc.lock);
  if ((c = claim()) != 0) {
    *c = (struct cpage){ip->dev, ip->inum, idx, pa, 0, 1, 0};
    struct cpage **head = chain_of(c->dev, c->inum, idx);
    c->next = *head;
    *head = c;
    pc.count++;
    frame_get(pa); // the cache's reference; the caller keeps frame_alloc's
    frame_set_cached(pa, 1);
  }
  // With every entry mapped (NCPAGE pages in use), the caller gets an
  // uncached copy: right for read(), not shared with other mappers.
  spin_unlock(&pc.lock);
  return pa;
}

void pcache_update(struct inode *ip, uint off, const void *src, uint n) {
  spin_lock(&pc.lock);
  struct cpage *c = lookup(ip->dev, ip->inum, off / PGSIZE);
  if (c)
    memmove((char *)c->pa + off % PGSIZE, src, n);
  spin_unlock(&pc.lock);
}

void pcache_truncate(struct inode *ip, uint size) {
  spin_lock(&pc.lock);
  for (struct cpage *c = pc.e; c < pc.e + NCPAGE; c++) {
    if (c->pa == 0 || c->inum != ip->inum || c->dev != ip->dev)
      continue;
    if ((uint64)c->idx * PGSIZE >= size)
      drop(c);
    else if ((uint64)(c->idx + 1) * PGSIZE > size)
      memset((char *)c->pa + size % PGSIZE, 0, PGSIZE - size % PGSIZE);
  }
  spin_unlock(&pc.lock);
}

void pcache_dirty(struct inode *ip, uint idx) {
  spin_lock(&pc.lock);
  struct cpage *c = lookup(ip->dev, ip->inum, idx);
  if (c)
    c->wmaps++;
  spin_unlock(&pc.lock);
}

void pcache_clean(struct inode *ip, uint idx) {
  spin_lock(&pc.lock);
  struct cpage *c = lookup(ip->dev, ip->inum, idx);
  if (c && c->wmaps > 0)
    c->wmaps--;
  spin_unlock(&pc.lock);
}

int pcache_next_dirty(struct inode *ip, uint from, uint *idx) {
  int found = 0;
  spin_lock(&pc.lock);
  for (struct cpage *c = pc.e; c < pc.e + NCPAGE; c++) {
    if (c->pa && c->wmaps > 0 && c->inum == ip->inum && c->dev == ip->dev && c->idx >= from &&
        (!found || c->idx < *idx)) {
      *idx = c->idx;
      found = 1;
    }
  }
  spin_unlock(&pc.lock);
  return found;
}
