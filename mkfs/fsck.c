// fsck: checks a calf file system image from the host, without changing it.
//
//   usage: fsck [-q] fs.img
//
// Owns the host-side statement of what "consistent" means for the format
// of kernel/fs.h. docs/fsck.md explains why the kernel keeps each rule:
//   - the superblock lists its areas in order, inside the image;
//   - every pointer of an allocated inode names a data block, and a file
//     maps exactly the blocks its size covers: file blocks below
//     ceil(size / BSIZE) are mapped, all others are 0;
//   - a data block's on-disk reference count equals the number of
//     pointers naming it, and its bitmap bit is set exactly when that
//     count is above zero; metadata blocks have their bit set and count 0;
//     indirect and doubly indirect blocks are named exactly once;
//   - every directory starts with "." (itself) and ".." (its parent; the
//     root's is itself), its entries name allocated inodes under
//     NUL-padded names, no two of its entries share a name, every
//     allocated inode is reachable from the root,
//     and each inode's nlink equals the number of entries naming it,
//     not counting "." entries (kernel/fs/sysfile.c: a directory's ".."
//     counts in its parent's nlink, its "." in nobody's);
//   - the superblock's orphan list names allocated inodes with nlink 0,
//     each once; such an inode is accounted for although no directory
//     names it (kernel/fs/reclaim.c frees it at the next mount), and its
//     entries, if it is a directory, count as nobody's links. Any other
//     allocated inode must be reachable.
// A committed transaction in the log is applied to the in-memory copy
// first, so the image is checked as the kernel will see it after boot.
//
// The image file is only ever read. Every number read from it is
// bounds-checked before it indexes anything, so a corrupt image gives
// messages, never a crash. Exit status: 0 clean, 1 problems (one line
// each, then a count), 2 usage or I/O error, or an image whose length
// disagrees with its superblock.

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "kernel/types.h"
#include "kernel/fs.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "mkfs/diskfmt.h"
#include "mkfs/dirrules.h"

#define DIRENTSZ sizeof(struct dirent)

static const char *imgpath;
static uchar *img;        // the whole image, log applied
static uint imgblocks;    // its length in blocks
static struct superblock sb;
static uint datastart;    // first data block: sb.size - sb.nblocks
static int quiet;         // -q: print problems only
static uint nproblems;

// Per block, filled by walking every allocated inode.
static uint *refs;   // pointers found naming the block
static uint *owner;  // the first inode found naming it
static uchar *ismap; // named as an indirect or doubly indirect block

// Per inode, filled by scanning the directories.
static uint *links;   // directory entries naming it, "." entries not counted
static uint *parent;  // the directory holding its name (directories only)
static uint *dotdot;  // what its ".." names, 0 if unknown (directories)
static uchar *reached; // named, through directories, from the root
static uchar *scanned; // directory already scanned
static uchar *orphan;  // on the superblock's orphan list

static void problem(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void problem(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
  nproblems++;
}

// A line for the report that is not a problem: -q leaves it out.
static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...) {
  if (quiet)
    return;
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  printf("\n");
}

// The image cannot be checked at all: exit 2.
static void fatal(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void fatal(const char *fmt, ...) {
  va_list ap;
  fflush(stdout);
  fprintf(stderr, "fsck: ");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  exit(2);
}

static void *zalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size);
  if (p == 0)
    fatal("out of memory");
  return p;
}

// ---- Reading the image ----------------------------------------------------
//
// The disk format is little-endian whatever the host is, so multi-byte
// fields are assembled byte by byte (get16/get32, mkfs/diskfmt.c).

// Block b of the image. Callers have checked b < imgblocks.
static uchar *block(uint b) { return img + (size_t)b * BSIZE; }

// Map the image copy-on-write: fsck's own changes (the log replay) stay
// in memory, and a fresh image, mostly holes, costs only the pages fsck
// looks at instead of a read of every block.
static void image_read(void) {
  int fd = open(imgpath, O_RDONLY);
  if (fd < 0)
    fatal("%s: %s", imgpath, strerror(errno));
  char c;
  if (read(fd, &c, 1) < 0) // a directory opens, but does not read
    fatal("%s: read error: %s", imgpath, strerror(errno));
  off_t len = lseek(fd, 0, SEEK_END);
  if (len < 0)
    fatal("%s: seek error: %s", imgpath, strerror(errno));
  if (len % BSIZE != 0 || len < 2 * BSIZE)
    fatal("%s: %lld bytes is not a whole number (at least 2) of %d-byte blocks",
          imgpath, (long long)len, BSIZE);
  img = mmap(0, (size_t)len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  if (img == MAP_FAILED)
    fatal("%s: cannot map: %s", imgpath, strerror(errno));
  close(fd);
  imgblocks = (uint)(len / BSIZE);
}

// ---- Superblock and log ---------------------------------------------------

#define SB_FIELD(f) get32(block(1) + offsetof(struct superblock, f))

// One area of the layout, for the order check.
struct area {
  const char *name;
  uint start;
  uint64 len;
};

// Is the superblock sane enough to check the rest by? Reports if not.
static int superblock_check(void) {
  sb.magic = SB_FIELD(magic);
  if (sb.magic != FSMAGIC) {
    problem("superblock: magic %#x, want %#x (not a calf file system?)", sb.magic, FSMAGIC);
    return 0;
  }
  sb.size = SB_FIELD(size);
  if (sb.size != imgblocks)
    fatal("%s: the image holds %u blocks but its superblock says %u (truncated?)",
          imgpath, imgblocks, sb.size);
  sb.nblocks = SB_FIELD(nblocks);
  sb.ninodes = SB_FIELD(ninodes);
  sb.nlog = SB_FIELD(nlog);
  sb.logstart = SB_FIELD(logstart);
  sb.inodestart = SB_FIELD(inodestart);
  sb.bmapstart = SB_FIELD(bmapstart);
  sb.refstart = SB_FIELD(refstart);

  if (sb.nlog < 2 || sb.ninodes <= ROOTINO || sb.nblocks == 0 || sb.nblocks > sb.size) {
    problem("superblock: nlog %u (want >= 2), ninodes %u (want > %d), nblocks %u "
            "(want 1..%u)", sb.nlog, sb.ninodes, ROOTINO, sb.nblocks, sb.size);
    return 0;
  }
  datastart = sb.size - sb.nblocks;
  struct area areas[] = {
      {"log", sb.logstart, sb.nlog},
      {"inodes", sb.inodestart, ((uint64)sb.ninodes + IPB - 1) / IPB},
      {"bitmap", sb.bmapstart, ((uint64)sb.size + BPB - 1) / BPB},
      {"refcounts", sb.refstart, ((uint64)sb.size + RPB - 1) / RPB},
      {"data", datastart, sb.nblocks},
  };
  uint64 end = 2; // boot block and superblock
  for (size_t i = 0; i < sizeof areas / sizeof areas[0]; i++) {
    struct area *a = &areas[i];
    if (a->start < end) {
      problem("superblock: %s area starts at block %u, inside the area before it (which "
              "ends at %llu)", a->name, a->start, (unsigned long long)end);
      return 0;
    }
    if (a->start + a->len > sb.size) {
      problem("superblock: %s area [%u, %llu) runs past the image end %u", a->name,
              a->start, (unsigned long long)(a->start + a->len), sb.size);
      return 0;
    }
    end = a->start + a->len;
  }
  return 1;
}

// Apply a committed transaction in memory, as boot would. A header that
// boot could not trust is reported, and the image checked as it is.
static void log_replay(void) {
  const uchar *head = block(sb.logstart);
  int n = (int)get32(head);
  if (n == 0) {
    note("log: clean");
    return;
  }
  if (n < 0 || n > LOGBLOCKS || (uint)n > sb.nlog - 1) {
    problem("log: header claims %d blocks, but the log holds at most %u",
            n, sb.nlog - 1 < LOGBLOCKS ? sb.nlog - 1 : LOGBLOCKS);
    note("log: header corrupt, checked without replay");
    return;
  }
  int bad = 0;
  for (int i = 0; i < n; i++) {
    uint b = get32(head + 4 + 4 * i);
    // The superblock is logged for its orphan list, never its layout.
    if (b == 1 && memcmp(block(sb.logstart + 1 + i), block(1),
                         offsetof(struct superblock, norphan)) != 0) {
      problem("log: entry %d is a superblock with another layout", i);
      bad = 1;
    } else if (b != 1 && (b < sb.inodestart || b >= sb.size)) {
      problem("log: entry %d names block %u; logged blocks are the superblock (1) or lie "
              "in [%u, %u), from the inodes on", i, b, sb.inodestart, sb.size);
      bad = 1;
    }
  }
  if (bad) {
    note("log: header corrupt, checked without replay");
    return;
  }
  for (int i = 0; i < n; i++)
    memcpy(block(get32(head + 4 + 4 * i)), block(sb.logstart + 1 + i), BSIZE);
  note("log: %d blocks committed, checked as replayed", n);
}

// ---- Inodes and their blocks ----------------------------------------------

static const uchar *dinode(uint inum) {
  return block(sb.inodestart + inum / IPB) + inum % IPB * sizeof(struct dinode);
}

static short itype(uint inum) {
  return (short)get16(dinode(inum) + offsetof(struct dinode, type));
}

static short inlink(uint inum) {
  return (short)get16(dinode(inum) + offsetof(struct dinode, nlink));
}

static uint isize(uint inum) { return get32(dinode(inum) + offsetof(struct dinode, size)); }

static uint iaddr(uint inum, uint i) {
  return get32(dinode(inum) + offsetof(struct dinode, addrs) + 4 * i);
}

static int in_data(uint b) { return b >= datastart && b < sb.size; }

// Entry i of map block map, or 0 if either is not a data block.
static uint map_entry(uint map, uint i) {
  if (!in_data(map))
    return 0;
  uint b = get32(block(map) + 4 * i);
  return in_data(b) ? b : 0;
}

// The data block holding file block bn of inum, or 0 if there is none.
static uint file_block(uint inum, uint bn) {
  if (bn < NDIRECT)
    return in_data(iaddr(inum, bn)) ? iaddr(inum, bn) : 0;
  bn -= NDIRECT;
  if (bn < NINDIRECT)
    return map_entry(iaddr(inum, NDIRECT), bn);
  bn -= NINDIRECT;
  return map_entry(map_entry(iaddr(inum, NDIRECT + 1), bn / NINDIRECT), bn % NINDIRECT);
}

// Blocks the file's size covers, capped at the largest file.
static uint size_blocks(uint inum) {
  uint64 n = ((uint64)isize(inum) + BSIZE - 1) / BSIZE;
  return n > MAXFILE ? MAXFILE : (uint)n;
}

// One inode's walk over its pointers.
struct walk {
  uint inum;
  uint nblocks; // size_blocks(inum)
  int hole;     // a hole has been reported
  int past;     // a block past the size has been reported
};

// What a pointer at depth maps (0 data, 1 indirect, 2 doubly indirect).
static const char *mapping(uint first, int depth) {
  static char buf[64];
  if (depth == 0)
    snprintf(buf, sizeof buf, "file block %u", first);
  else if (depth == 1)
    snprintf(buf, sizeof buf, "indirect block (file blocks %u..)", first);
  else
    snprintf(buf, sizeof buf, "doubly indirect block");
  return buf;
}

// Count pointer b, which maps file blocks from first on at depth, and
// walk the map it names. Each map block's entries are counted once, the
// first time it is met: they are pointers on disk however many inodes
// reach them (sharing a map block is itself reported, by block_check).
static void walk_ptr(struct walk *w, uint b, uint first, int depth) {
  if (b == 0) {
    if (first < w->nblocks && !w->hole) {
      problem("inode %u: file block %u is within size %u but not mapped", w->inum, first,
              isize(w->inum));
      w->hole = 1;
    }
    return;
  }
  if (first >= w->nblocks && !w->past) {
    problem("inode %u: %s -> block %u lies past its size %u", w->inum,
            mapping(first, depth), b, isize(w->inum));
    w->past = 1;
  }
  if (!in_data(b)) {
    problem("inode %u: %s -> block %u is outside the data area [%u, %u)", w->inum,
            mapping(first, depth), b, datastart, sb.size);
    return;
  }
  if (refs[b]++ == 0)
    owner[b] = w->inum;
  if (depth == 0 || ismap[b])
    return;
  ismap[b] = 1;
  uint span = depth == 1 ? 1 : NINDIRECT;
  for (uint i = 0; i < NINDIRECT; i++)
    walk_ptr(w, get32(block(b) + 4 * i), first + i * span, depth - 1);
}

static void inode_walk(uint inum) {
  struct walk w = {inum, size_blocks(inum), 0, 0};
  if ((uint64)isize(inum) > (uint64)MAXFILE * BSIZE)
    problem("inode %u: size %u is larger than the largest file (%u bytes)", inum,
            isize(inum), (uint)(MAXFILE * BSIZE));
  for (uint i = 0; i < NDIRECT; i++)
    walk_ptr(&w, iaddr(inum, i), i, 0);
  walk_ptr(&w, iaddr(inum, NDIRECT), NDIRECT, 1);
  walk_ptr(&w, iaddr(inum, NDIRECT + 1), NDIRECT + NINDIRECT, 2);
}

// Check every inode's type and walk the allocated ones' blocks.
// Returns the number of allocated inodes.
static uint inodes_check(void) {
  uint used = 0;
  if (itype(0) != 0)
    problem("inode 0: type %d, but inode 0 is never allocated", itype(0));
  for (uint inum = ROOTINO; inum < sb.ninodes; inum++) {
    short t = itype(inum);
    if (t == 0)
      continue;
    if (t != T_DIR && t != T_FILE && t != T_DEVICE) {
      problem("inode %u: type %d is not free (0), T_DIR, T_FILE or T_DEVICE", inum, t);
      continue;
    }
    used++;
    inode_walk(inum);
  }
  return used;
}

static int allocated(uint inum) {
  short t = itype(inum);
  return t == T_DIR || t == T_FILE || t == T_DEVICE;
}

// ---- Bitmap and reference counts ------------------------------------------

static int bit(uint b) { return bitmap_get(block(BBLOCK(b, sb)), b); }

static uint refcount(uint b) { return refcount_get(block(RBLOCK(b, sb)), b); }

static void block_check(uint b) {
  uint count = refcount(b);
  if (b < datastart) {
    if (!bit(b))
      problem("block %u: metadata block is marked free in the bitmap", b);
    if (count != 0)
      problem("block %u: metadata block has refcount %u, want 0", b, count);
    return;
  }
  if (count != refs[b]) {
    if (refs[b])
      problem("block %u: refcount %u on disk, but pointers to it: %u (first in inode %u)", b,
              count, refs[b], owner[b]);
    else
      problem("block %u: refcount %u on disk, but nothing names it", b, count);
  }
  if (bit(b) && count == 0)
    problem("block %u: marked used in the bitmap, but its refcount is 0", b);
  if (!bit(b) && count > 0)
    problem("block %u: marked free in the bitmap, but its refcount is %u", b, count);
  if (ismap[b] && refs[b] != 1)
    problem("block %u: map block of inode %u is named by %u pointers; map blocks are "
            "never shared", b, owner[b], refs[b]);
}

// ---- Directories ----------------------------------------------------------

// A directory entry's name, printable.
static const char *name_str(const uchar *name) {
  static char buf[DIRSIZ * 4 + 1];
  char *p = buf;
  *p = 0;
  for (int i = 0; i < DIRSIZ && name[i]; i++)
    p += sprintf(p, name[i] >= 0x20 && name[i] < 0x7f ? "%c" : "\\x%02x", name[i]);
  return buf;
}

// Check entry k of directory d; count the link it makes; when d is
// reachable, mark what it names reached and queue new directories.
static void entry_check(uint d, uint k, const uchar *de, uint *queue, uint *nqueue) {
  uint inum = dirent_inum(de);
  const uchar *name = de + offsetof(struct dirent, name);
  const char *want = entry_want(k);
  if (inum == 0) {
    if (want)
      problem("directory %u: entry %u is free, want '%s'", d, k, want);
    return;
  }
  const char *fault = name_fault(name);
  if (fault)
    problem("directory %u: entry %u's name '%s' %s", d, k, name_str(name), fault);
  if (inum >= sb.ninodes) {
    problem("directory %u: entry '%s' names inode %u, past the last inode %u", d,
            name_str(name), inum, sb.ninodes - 1);
    return;
  }
  if (!allocated(inum)) {
    problem("directory %u: entry '%s' names free inode %u", d, name_str(name), inum);
    return;
  }
  if (entry_misplaced(k, name)) {
    problem("directory %u: entry %u is named '%s'; '.' and '..' are entries 0 and 1, "
            "and only they", d, k, name_str(name));
    return;
  }
  if (k == 0) { // "." names d itself and is not counted
    if (inum != d)
      problem("directory %u: '.' names inode %u, not itself", d, inum);
    return;
  }
  links[inum]++;
  if (k == 1) {
    dotdot[d] = inum;
    return;
  }
  if (itype(inum) == T_DIR) {
    if (parent[inum])
      problem("directory %u: entry '%s' names directory %u, already named in directory "
              "%u; a directory has one name", d, name_str(name), inum, parent[inum]);
    else
      parent[inum] = d;
  }
  if (reached[d] && !reached[inum]) {
    reached[inum] = 1;
    if (itype(inum) == T_DIR)
      queue[(*nqueue)++] = inum;
  }
}

// Report every name that more than one used entry of directory d holds:
// lookups find only the first, so the others' files are named twice in
// the link counts but once in the tree.
static void duplicates_check(uint d, uint nentries) {
  struct named *v = zalloc(nentries ? nentries : 1, sizeof(*v));
  uint *dup = zalloc(nentries ? nentries : 1, sizeof(*dup));
  uint n = 0;
  for (uint k = 0; k < nentries; k++) {
    uint b = file_block(d, k / (BSIZE / DIRENTSZ));
    const uchar *de = b ? block(b) + k % (BSIZE / DIRENTSZ) * DIRENTSZ : 0;
    if (de == 0 || dirent_inum(de) == 0)
      continue;
    memcpy(v[n].name, de + offsetof(struct dirent, name), DIRSIZ);
    v[n++].k = k;
  }
  uint ndup = names_duplicates(v, n, dup);
  for (uint j = 0; j < ndup; j++) {
    uint i = dup[j];
    problem("directory %u: entries %u and %u have the same name '%s'", d, v[i - 1].k,
            v[i].k, name_str(v[i].name));
  }
  free(dup);
  free(v);
}

static void dir_scan(uint d, uint *queue, uint *nqueue) {
  scanned[d] = 1;
  uint size = isize(d);
  if (size % DIRENTSZ != 0)
    problem("directory %u: size %u is not a multiple of %zu", d, size, DIRENTSZ);
  if (size < 2 * DIRENTSZ)
    problem("directory %u: size %u is too small for '.' and '..'", d, size);
  uint nentries = (size < MAXFILE * BSIZE ? size : MAXFILE * BSIZE) / DIRENTSZ;
  for (uint k = 0; k < nentries; k++) {
    uint b = file_block(d, k / (BSIZE / DIRENTSZ));
    if (b) // a missing block was reported by the walk
      entry_check(d, k, block(b) + k % (BSIZE / DIRENTSZ) * DIRENTSZ, queue, nqueue);
  }
  duplicates_check(d, nentries);
}

// Scan every directory: first those reachable from the root, breadth
// first, then the rest (their entries still count as links).
static void dirs_check(void) {
  uint *queue = zalloc(sb.ninodes, sizeof(uint));
  uint nqueue = 0;
  if (itype(ROOTINO) == T_DIR) {
    reached[ROOTINO] = 1;
    parent[ROOTINO] = ROOTINO;
    queue[nqueue++] = ROOTINO;
  } else {
    problem("inode %d (the root): type %d, want a directory", ROOTINO, itype(ROOTINO));
  }
  for (uint i = 0; i < nqueue; i++)
    dir_scan(queue[i], queue, &nqueue);
  for (uint d = ROOTINO; d < sb.ninodes; d++)
    if (itype(d) == T_DIR && !scanned[d] && !orphan[d])
      dir_scan(d, queue, &nqueue);
  free(queue);
}

// The per-inode verdicts that need every directory scanned.
static void links_check(uint inum) {
  if (!allocated(inum))
    return;
  if (orphan[inum])
    return; // checked by orphans_check; nothing names it, by design
  if (!reached[inum])
    problem("inode %u: allocated (type %d, nlink %d, size %u) but not reachable from /",
            inum, itype(inum), inlink(inum), isize(inum));
  if (!nlink_matches(inlink(inum), links[inum]))
    problem("inode %u: nlink %d, but directory entries naming it: %u ('.' not counted)",
            inum, inlink(inum), links[inum]);
  if (itype(inum) == T_DIR && parent[inum] && dotdot[inum] && dotdot[inum] != parent[inum])
    problem("directory %u: '..' names inode %u, but its parent is %u", inum, dotdot[inum],
            parent[inum]);
}

// ---- The orphan list ------------------------------------------------------

// Every entry an allocated inode with nlink 0, none twice: those are
// marked orphans. Runs before the directory scan, which skips them.
static void orphans_check(void) {
  const uchar *sbp = block(1);
  uint n = get32(sbp + offsetof(struct superblock, norphan));
  if (n > NORPHAN) {
    problem("superblock: orphan list claims %u entries, but holds at most %d", n, NORPHAN);
    return; // its entries mean nothing
  }
  for (uint i = 0; i < n; i++) {
    uint inum = get32(sbp + offsetof(struct superblock, orphan) + 4 * i);
    if (inum < ROOTINO || inum >= sb.ninodes) {
      problem("orphan list: entry %u names inode %u, outside [%d, %u)", i, inum, ROOTINO,
              sb.ninodes);
    } else if (orphan[inum]) {
      problem("orphan list: inode %u is listed twice", inum);
    } else if (!allocated(inum)) {
      problem("orphan list: entry %u names free inode %u", i, inum);
    } else if (inlink(inum) != 0) {
      problem("orphan list: inode %u has nlink %d; an orphan has none", inum, inlink(inum));
    } else {
      orphan[inum] = 1;
    }
  }
  if (n)
    note("orphans: %u inodes with no links, freed at the next mount", n);
}

// After the directory scan: no directory entry names an orphan.
static void orphans_named_check(uint inum) {
  if (orphan[inum] && links[inum] != 0)
    problem("orphan list: inode %u is named by %u directory entries; an orphan has none",
            inum, links[inum]);
}

// ---- Main -----------------------------------------------------------------

static void tables_alloc(void) {
  refs = zalloc(sb.size, sizeof *refs);
  owner = zalloc(sb.size, sizeof *owner);
  ismap = zalloc(sb.size, sizeof *ismap);
  links = zalloc(sb.ninodes, sizeof *links);
  parent = zalloc(sb.ninodes, sizeof *parent);
  dotdot = zalloc(sb.ninodes, sizeof *dotdot);
  reached = zalloc(sb.ninodes, sizeof *reached);
  scanned = zalloc(sb.ninodes, sizeof *scanned);
  orphan = zalloc(sb.ninodes, sizeof *orphan);
}

// Returns the exit status.
static int report(uint inodes) {
  if (nproblems) {
    printf("fsck: %u problem%s\n", nproblems, nproblems == 1 ? "" : "s");
    return 1;
  }
  uint used = 0, shared = 0;
  for (uint b = datastart; b < sb.size; b++) {
    used += refs[b] > 0;
    shared += refs[b] > 1;
  }
  note("fsck: clean: %u inodes, %u data blocks used, %u shared", inodes, used, shared);
  return 0;
}

int main(int argc, char *argv[]) {
  int arg = 1;
  if (argc == 3 && strcmp(argv[1], "-q") == 0) {
    quiet = 1;
    arg = 2;
  }
  if (arg != argc - 1 || argv[arg][0] == '-') {
    fprintf(stderr, "usage: fsck [-q] fs.img\n");
    return 2;
  }
  imgpath = argv[arg];
  image_read();
  if (!superblock_check())
    return report(0);
  tables_alloc();
  log_replay();
  uint inodes = inodes_check();
  for (uint b = 0; b < sb.size; b++)
    block_check(b);
  orphans_check();
  dirs_check();
  for (uint inum = ROOTINO; inum < sb.ninodes; inum++) {
    orphans_named_check(inum);
    links_check(inum);
  }
  return report(inodes);
}
