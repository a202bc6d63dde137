// Inodes: the file system's files, and the blocks they own.
//
// This file holds the layers between the buffer cache and directories:
//   - the superblock (fsinit), which says where everything is on disk;
//   - the inode cache, in-memory copies of on-disk inodes;
//   - reading and writing inode contents, through the block map (bmap.c),
//     which in turn allocates from the block allocator (balloc.c).
//
// An in-memory inode goes through these states:
//   - free in the table: ref == 0;
//   - referenced: ref > 0, from iget(); its (dev, inum) identity is fixed
//     and other callers of iget() for it share the same entry;
//   - valid: its copy of the disk inode has been read (by ilock);
//   - locked: its sleep lock is held, so fields below `lock` may be used.
// ref counts pointers (open files, cwds, path-walk temporaries); nlink
// counts directory entries. An inode is freed on disk by the last iput()
// of an inode with no links.
//
// Typical use: ip = namei(path) or iget(); ilock(ip); ... examine or change
// ip->xxx ...; iunlock(ip); iput(ip). Locking is separate from referencing
// so that a reference can be held for a long time (an open file) while the
// lock is held only briefly, and so path lookup can avoid deadlock.
//
// Invariant: itable.lock guards every ref and every (dev, inum) identity;
// an inode's sleep lock guards the rest of it. Every change to a disk
// inode goes through log_write, inside a transaction.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "kernel/fs.h"
#include "kernel/fsstat.h"
#include "kernel/fs/bmap.h"
#include "kernel/fs/buf.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"
#include "kernel/fs/reclaim.h"
#include "kernel/fs/pagecache.h"
#include "kernel/mm/frame.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/sync/sleeplock.h"
#include "kernel/lock/spinlock.h"
#include "kernel/mm/uaccess.h"

struct superblock sb;

// Read the superblock of dev, check it describes a calf file system,
// replay any committed log, and free the orphans a crash left
// (kernel/fs/reclaim.c). Must run in a process: it sleeps on the disk.
void fsinit(int dev) {
  struct buf *b = bread(dev, 1);
  memmove(&sb, b->data, sizeof(sb));
  brelse(b);
  if (sb.magic != FSMAGIC)
    panic("fsinit: disk has magic %x, not a file system made by mkfs (want %x)",
          sb.magic, FSMAGIC);
  initlog(dev, &sb);
  reclaim_init(dev);
}

// ---- The inode table ----------------------------------------------------

static struct {
  struct spinlock lock;
  struct inode inode[NINODE];
} itable;

void iinit(void) {
  spin_init(&itable.lock, "itable");
  for (int i = 0; i < NINODE; i++)
    sleeplock_init(&itable.inode[i].lock, "inode");
}

// Find the table entry for (dev, inum), or claim a free one for it, and
// take a reference. Does not lock the inode or read it from disk.
// Returns 0 if the table is full, so callers fail the system call
// instead of the kernel.
//
// inode.h does not declare iget; dir.c declares it to reach the root.
struct inode *iget(uint dev, uint inum) {
  struct inode *empty = 0;

  spin_lock(&itable.lock);
  for (struct inode *ip = itable.inode; ip < itable.inode + NINODE; ip++) {
    if (ip->ref > 0 && ip->dev == dev && ip->inum == inum) {
      ip->ref++;
      spin_unlock(&itable.lock);
      return ip;
    }
    if (empty == 0 && ip->ref == 0)
      empty = ip;
  }
  if (empty) {
    empty->dev = dev;
    empty->inum = inum;
    empty->ref = 1;
    empty->valid = 0;
    empty->writers = 0;
    empty->running = 0;
  }
  spin_unlock(&itable.lock);
  return empty;
}

// Where the next search for a free inode starts: after the one allocated
// last. Starting from inode 1 every time, creating a thousand files reads
// every allocated inode's block again for each one; a hint only saves
// time (the buffer lock decides who gets an inode), so races on it are
// harmless.
static uint ialloc_hint = 1;

// Allocate a free on-disk inode of the given type on dev and return it,
// referenced but unlocked. Returns 0 if there is no free inode.
struct inode *ialloc(uint dev, short type) {
  uint start = __atomic_load_n(&ialloc_hint, __ATOMIC_RELAXED);
  if (start < 1 || start >= sb.ninodes)
    start = 1;
  for (uint k = 0; k < sb.ninodes - 1; k++) {
    uint inum = 1 + (start - 1 + k) % (sb.ninodes - 1); // start..ninodes-1, then 1..
    struct buf *b = bread(dev, IBLOCK(inum, sb));
    struct dinode *dip = (struct dinode *)b->data + inum % IPB;
    if (dip->type == 0) {
      // Claim the table entry before the disk inode, so a full table
      // leaves the disk untouched.
      struct inode *ip = iget(dev, inum);
      if (ip) {
        memset(dip, 0, sizeof(*dip));
        dip->type = type; // marks it allocated on disk
        log_write(b);
        __atomic_store_n(&ialloc_hint, inum + 1, __ATOMIC_RELAXED);
      }
      brelse(b);
      return ip;
    }
    brelse(b);
  }
  printf("ialloc: no free inodes\n");
  return 0;
}

// Count the inodes of dev and the free ones among them, and the entries
// of the in-memory table in use.
void inode_stats(uint dev, struct fsstat *st) {
  st->ninodes = sb.ninodes;
  st->ifree = 0;
  for (uint inum = 1; inum < sb.ninodes; inum++) {
    struct buf *b = bread(dev, IBLOCK(inum, sb));
    st->ifree += ((struct dinode *)b->data + inum % IPB)->type == 0;
    brelse(b);
  }
  st->icached = 0;
  spin_lock(&itable.lock);
  for (struct inode *ip = itable.inode; ip < itable.inode + NINODE; ip++)
    st->icached += ip->ref > 0;
  spin_unlock(&itable.lock);
}

// Copy a modified in-memory inode to disk. Call after every change to a
// field that lives on disk; the caller holds ip->lock.
void iupdate(struct inode *ip) {
  struct buf *b = bread(ip->dev, IBLOCK(ip->inum, sb));
  struct dinode *dip = (struct dinode *)b->data + ip->inum % IPB;
  dip->type = ip->type;
  dip->major = ip->major;
  dip->minor = ip->minor;
  dip->nlink = ip->nlink;
  dip->size = ip->size;
  memmove(dip->addrs, ip->addrs, sizeof(ip->addrs));
  dip->uid = ip->uid;
  dip->gid = ip->gid;
  dip->mode = ip->mode;
  log_write(b);
  brelse(b);
}

struct inode *idup(struct inode *ip) {
  spin_lock(&itable.lock);
  ip->ref++;
  spin_unlock(&itable.lock);
  return ip;
}

// Lock ip, reading it from disk the first time.
void ilock(struct inode *ip) {
  if (ip == 0 || ip->ref < 1)
    panic("ilock: inode not referenced");

  sleeplock_lock(&ip->lock);
  if (ip->valid)
    return;

  struct buf *b = bread(ip->dev, IBLOCK(ip->inum, sb));
  struct dinode *dip = (struct dinode *)b->data + ip->inum % IPB;
  ip->type = dip->type;
  ip->major = dip->major;
  ip->minor = dip->minor;
  ip->nlink = dip->nlink;
  ip->size = dip->size;
  memmove(ip->addrs, dip->addrs, sizeof(ip->addrs));
  ip->uid = dip->uid;
  ip->gid = dip->gid;
  ip->mode = dip->mode;
  brelse(b);
  ip->valid = 1;
  if (ip->type == 0)
    panic("ilock: inode %d is free on disk", ip->inum);
}

void iunlock(struct inode *ip) {
  if (ip == 0 || !sleeplock_held(&ip->lock) || ip->ref < 1)
    panic("iunlock: inode not locked");
  sleeplock_unlock(&ip->lock);
}

// Drop a reference. If it was the last one and no directory names the
// inode any more, free its blocks and the inode itself on disk
// (kernel/fs/reclaim.c: a big file is finished by reclaim_run, after the
// caller's transaction). Because that may write, every iput must be
// inside a transaction.
void iput(struct inode *ip) {
  spin_lock(&itable.lock);

  if (ip->ref == 1 && ip->valid && ip->nlink == 0) {
    // Nobody else has a pointer, so nobody else can be holding or
    // waiting for the lock: this acquire will not sleep. Drop the
    // spinlock across the disk work, which does sleep.
    sleeplock_lock(&ip->lock);
    spin_unlock(&itable.lock);

    int freed = reclaim_begin(ip);

    sleeplock_unlock(&ip->lock);
    if (!freed)
      return; // a big file: our reference went to the pending frees
    spin_lock(&itable.lock);
  }

  ip->ref--;
  spin_unlock(&itable.lock);
}

void iput_alone(struct inode *ip) {
  begin_op(); // the last iput of an unlinked file frees it on disk
  iput(ip);
  end_op();
  reclaim_run(); // ... finishing a big one in transactions of its own
}

void iunlockput(struct inode *ip) {
  iunlock(ip);
  iput(ip);
}

// ---- Contents -----------------------------------------------------------
//
// Which disk blocks hold an inode's contents is kernel/fs/bmap.c's
// business; here are the byte-level reads and writes on top of it.

// Caller holds ip->lock.
void stati(struct inode *ip, struct stat *st) {
  st->dev = ip->dev;
  st->ino = ip->inum;
  st->type = ip->type;
  st->nlink = ip->nlink;
  st->size = ip->size;
  st->uid = ip->uid;
  st->gid = ip->gid;
  st->mode = ip->mode;
}

static uint min_uint(uint a, uint b) { return a < b ? a : b; }

// How many of ip's blocks bn..last lie on consecutive disk blocks from
// addr, bn's own (at most READAHEAD + 1): what one disk request can read.
static uint disk_run(struct inode *ip, uint bn, uint addr, uint last) {
  uint k = 1;
  while (bn + k <= last && k <= READAHEAD && bmap_read(ip, bn + k) == addr + k)
    k++;
  return k;
}

// The block holding a file's data (and, read ahead, the run - 1 blocks
// after it on disk), for readi and writei. A regular file's data may fail
// to read (an I/O error, or fault injection): the caller stops there, as
// for a bad user address. A directory's may not: its callers (dirlookup,
// dirlink) cannot tell a failed read from a missing name, and dirlink
// writes inside a transaction (kernel/debug/inject.c).
static struct buf *data_block(struct inode *ip, uint addr, uint run) {
  return ip->type == T_FILE ? bread_run_try(ip->dev, addr, run) : bread_run(ip->dev, addr, run);
}

// One piece of a read: up to n bytes at offset off into dst (a user
// address if user_dst), from one disk block or one cached page. Returns
// the bytes moved, 0 if there is nothing there, -1 if the copy faults or
// the disk fails.
typedef int read_piece(struct inode *ip, int user_dst, uint64 dst, uint off, uint n, uint *ahead);

// From the disk, through the buffer cache. The blocks the read covers
// that lie in a row on disk are read together: *ahead is the first block
// the last run did not bring.
static int disk_piece(struct inode *ip, int user_dst, uint64 dst, uint off, uint n, uint *ahead) {
  uint bn = off / BSIZE;
  uint addr = bmap_read(ip, bn);
  if (addr == 0)
    return 0;
  uint run = 1;
  if (bn >= *ahead) {
    run = disk_run(ip, bn, addr, (off + n - 1) / BSIZE);
    *ahead = bn + run;
  }
  struct buf *b = data_block(ip, addr, run);
  if (b == 0)
    return -1;
  uint m = min_uint(n, BSIZE - off % BSIZE);
  int bad = either_copyout(user_dst, dst, b->data + off % BSIZE, m) == -1;
  brelse(b);
  return bad ? -1 : (int)m;
}

// A regular file's bytes come from the page cache (kernel/fs/pagecache.c),
// a page at a time: the same frames that mmap and exec map.
//
// Copying out to user memory may fault in a page of a file mapping, and
// that fault takes the mapped file's inode lock. Holding ours meanwhile
// would let two readers, each reading into a mapping of the other's
// file, wait for each other for ever. So the copy runs without ip->lock:
// our reference on the frame keeps the page, and the loop in read_pieces
// looks at the size again once the lock is back.
static int cache_piece(struct inode *ip, int user_dst, uint64 dst, uint off, uint n, uint *ahead) {
  uint m = min_uint(n, PGSIZE - off % PGSIZE);
  frame_map_change_begin(); // a reference no PTE holds: see kernel/mm/frame.c
  char *pa = pcache_get(ip, off / PGSIZE);
  if (pa && user_dst)
    iunlock(ip);
  int bad = pa == 0 || either_copyout(user_dst, dst, pa + off % PGSIZE, m) == -1;
  if (pa && user_dst)
    ilock(ip);
  if (pa)
    frame_put(pa);
  frame_map_change_end();
  return bad ? -1 : (int)m;
}

// n bytes at off, piece by piece, stopping at the end of the file (which
// may move while cache_piece copies without the lock). Returns the bytes
// read; -1 if the first piece failed.
static int read_pieces(struct inode *ip, int user_dst, uint64 dst, uint off, uint n,
                       read_piece *piece) {
  uint tot = 0, ahead = 0;
  while (tot < n && off < ip->size) {
    int m = piece(ip, user_dst, dst, off, min_uint(n - tot, ip->size - off), &ahead);
    if (m <= 0)
      return tot > 0 || m == 0 ? (int)tot : -1;
    tot += m;
    off += m;
    dst += m;
  }
  return tot;
}

int inode_read_blocks(struct inode *ip, char *dst, uint off, uint n) {
  return read_pieces(ip, 0, (uint64)dst, off, n, disk_piece);
}

// Read up to n bytes at offset off into dst (a user address if user_dst).
// Returns the bytes read: fewer at end of file, -1 if the copy faults or
// the disk fails before anything was read. Caller holds ip->lock; for a
// regular file and a user destination, readi lets go of it while it copies
// each page out (see cache_piece), so ip may change between pages.
int readi(struct inode *ip, int user_dst, uint64 dst, uint off, uint n) {
  if (off > ip->size || off + n < off)
    return 0;
  if (off + n > ip->size)
    n = ip->size - off;
  return read_pieces(ip, user_dst, dst, off, n, ip->type == T_FILE ? cache_piece : disk_piece);
}

// Write n bytes from src (a user address if user_src) at offset off,
// growing the file if needed. Returns the bytes written, which is less
// than n if the disk fills up, fails, or the source faults; -1 if off is past the
// end of the file or the write would exceed the largest file.
// Caller holds ip->lock and is inside a transaction.
int writei(struct inode *ip, int user_src, uint64 src, uint off, uint n) {
  if (off > ip->size || off + n < off)
    return -1;
  if (off + n > MAXFILE * BSIZE)
    return -1;

  uint tot = 0;
  while (tot < n) {
    uint addr = bmap_write(ip, off / BSIZE);
    if (addr == 0)
      break;
    struct buf *b = data_block(ip, addr, 1);
    if (b == 0)
      break;
    uint m = min_uint(n - tot, BSIZE - off % BSIZE);
    if (either_copyin(b->data + off % BSIZE, user_src, src, m) == -1) {
      brelse(b);
      break;
    }
    if (ip->type == T_FILE) // read() and mappings see the new bytes at once
      pcache_update(ip, off, b->data + off % BSIZE, m);
    log_write(b);
    brelse(b);
    tot += m;
    off += m;
    src += m;
  }

  if (off > ip->size)
    ip->size = off;
  // A write cut short (bad source address, full disk) may have mapped a
  // block, or an indirect block, past the new end of file: give it back,
  // or it would stay allocated but unreachable by reads.
  if (tot < n)
    bmap_truncate(ip, (ip->size + BSIZE - 1) / BSIZE);
  // Even without growth, bmap may have put new block numbers in addrs.
  iupdate(ip);
  return tot;
}
