// mkfs: builds the file system image that the kernel boots from.
//
//   usage: mkfs [-s blocks] fs.img file...
//
// The image holds FSSIZE blocks (kernel/param.h) unless -s says otherwise
// (tests/fsck_check.py uses small ones). It is written sparse: blocks that
// are all zeros -- most of a fresh disk -- are holes in the image file,
// which costs no space and is quick to copy with a sparse-aware copy.
//
// Owns the on-disk layout decisions of kernel/fs.h: where the log, the
// inodes, the free bitmap, the block reference counts and the data blocks
// start (the arithmetic is layout_plan, in mkfs/diskfmt.c). Every block mkfs hands out (file or directory data, indirect
// and doubly indirect map blocks) is named by exactly one pointer, so it
// gets a reference count of 1 and its bitmap bit; free data blocks get 0
// and a clear bit; metadata blocks a set bit and a count of 0 (the rules
// of kernel/fs.h, which mkfs/fsck checks).
//
// The whole image is assembled in memory and written out only once it is
// complete, so the invariant is: either fs.img is a complete, consistent
// file system, or it does not exist. Any failure removes the image path
// (a stale image from an earlier build must not survive a failed one and
// be booted by mistake) and exits non-zero with a message on stderr.
//
// Every input file lands in the root directory under its base name with
// one leading '_' dropped: the Makefile names user programs user/_ls so
// that they cannot be confused with host programs, but students type "ls".
// Everything belongs to root (uid 0, gid 0). Programs (the '_' names) get
// mode 0755, other files 0644 and the root directory 0755; the programs in
// setuid_root[] get 04755, so they run as root whoever starts them.
//
// The disk format is little-endian (RISC-V). The host may not be, so
// every multi-byte field goes through le16()/le32() (mkfs/diskfmt.c) on
// its way into the image. An inode's own block list is kept in host order until
// inode_put(); the entries of its map blocks live in the image from the
// start, in disk order (le32() is its own inverse, so it also reads them).

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kernel/types.h"
#include "kernel/fs.h"
#include "kernel/stat.h"
#include "kernel/param.h"
#include "mkfs/diskfmt.h"
#include "mkfs/dirrules.h"

// Inodes in the image, including unused inode 0: the default image has
// room for jdemo's 1,000 files in one directory; a smaller one (-s, which
// the tests that exhaust the disk and its inodes use) has xv6's 200.
#define NINODES_DEFAULT 1200
#define NINODES_SMALL 200
#define NINODES (fssize < FSSIZE ? NINODES_SMALL : NINODES_DEFAULT)

// Programs installed setuid root: credtest checks that exec honours it.
static const char *setuid_root[] = {"suidtest"};

#define MAXFSSIZE 0x1000000 // blocks: 16 GiB, far more than anyone needs

// The on-disk layout must be representable: an inode number fits a dirent.
_Static_assert(NINODES_DEFAULT <= 65536, "inode numbers must fit a ushort");
_Static_assert(BSIZE % sizeof(struct dinode) == 0, "dinodes straddle blocks");
_Static_assert(BSIZE % sizeof(struct dirent) == 0, "dirents straddle blocks");

static uint fssize = FSSIZE;    // blocks in the image
static uchar (*disk)[BSIZE];    // the image being built, fssize blocks
static struct superblock sb;    // host-order copy of the superblock
static uint nmeta;              // metadata blocks: layout_meta(fssize, NINODES)
static uint nextinum = ROOTINO; // next free inode number
static uint nextblock;          // next free data block (nmeta at first)
static const char *imgpath;     // removed again on failure

// An inode under construction. addrs[] is in host order until
// inode_put() writes it; see the head comment.
struct building {
  uint inum;
  short type;
  short nlink;
  uint mode;               // permission bits; owner and group are root
  uint size;
  uint addrs[NDIRECT + 2]; // direct, indirect and doubly indirect blocks
  const char *what;        // name for error messages
};

// Report an error, remove the image, and exit. Never returns.
static void die(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
static void die(const char *fmt, ...) {
  va_list ap;
  fprintf(stderr, "mkfs: ");
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fprintf(stderr, "\n");
  if (imgpath && unlink(imgpath) < 0 && errno != ENOENT)
    fprintf(stderr, "mkfs: cannot remove %s: %s\n", imgpath, strerror(errno));
  exit(1);
}

// Claim the next unused data block for the one pointer that will name
// it. The image starts zeroed, so a fresh block needs no clearing (and a
// fresh map block has no entries).
static uint block_alloc(const char *what) {
  if (nextblock >= fssize)
    die("%s: out of data blocks (the image holds %u blocks)", what, fssize);
  return nextblock++;
}

static void inode_get(struct building *ip, short type, uint mode, const char *what) {
  if (nextinum >= NINODES)
    die("%s: out of inodes (the image holds %d files)", what, NINODES - ROOTINO);
  memset(ip, 0, sizeof *ip);
  ip->inum = nextinum++;
  ip->type = type;
  ip->mode = mode;
  ip->nlink = 1;
  ip->what = what;
}

// The block named by ip->addrs[i], allocated there if the slot is empty.
static uint addr_get(struct building *ip, uint i) {
  if (ip->addrs[i] == 0)
    ip->addrs[i] = block_alloc(ip->what);
  return ip->addrs[i];
}

// The block named by entry i of map block map, allocated if it is empty.
static uint map_get(struct building *ip, uint map, uint i) {
  uint *entry = (uint *)disk[map] + i;
  if (*entry == 0)
    *entry = le32(block_alloc(ip->what));
  return le32(*entry);
}

// Return the disk block holding byte offset off of ip. mkfs only appends,
// so a block not mapped yet is the next one, and is mapped now.
static uint inode_block(struct building *ip, uint off) {
  uint bn = off / BSIZE;
  if (bn < NDIRECT)
    return addr_get(ip, bn);
  bn -= NDIRECT;
  if (bn < NINDIRECT)
    return map_get(ip, addr_get(ip, NDIRECT), bn);
  bn -= NINDIRECT;
  uint ind = map_get(ip, addr_get(ip, NDIRECT + 1), bn / NINDIRECT);
  return map_get(ip, ind, bn % NINDIRECT);
}

// Append n bytes to the end of ip.
static void inode_append(struct building *ip, const void *src, uint n) {
  const uchar *p = src;
  while (n > 0) {
    uint off = ip->size % BSIZE;
    uint m = BSIZE - off < n ? BSIZE - off : n;
    memcpy(&disk[inode_block(ip, ip->size)][off], p, m);
    ip->size += m;
    p += m;
    n -= m;
  }
}

// Write ip's dinode into the image (its map blocks are there already).
static void inode_put(struct building *ip) {
  struct dinode din;
  memset(&din, 0, sizeof din);
  din.type = (short)le16(ip->type);
  din.nlink = (short)le16(ip->nlink);
  din.size = le32(ip->size);
  din.uid = din.gid = 0;
  din.mode = le32(ip->mode);
  for (int i = 0; i < NDIRECT + 2; i++)
    din.addrs[i] = le32(ip->addrs[i]);
  struct dinode *slot = (struct dinode *)disk[IBLOCK(ip->inum, sb)];
  slot[ip->inum % IPB] = din;
}

// Append the entry name -> inum to dp. name is at most DIRSIZ bytes
// (image_name() checked); shorter names are NUL-padded, as de is zeroed.
static void dir_add(struct building *dp, const char *name, uint inum) {
  uchar de[sizeof(struct dirent)];
  dirent_pack(de, name, inum);
  inode_append(dp, de, sizeof de);
}

// True if the directory being built already has an entry called name.
static int dir_has(struct building *dp, const char *name) {
  for (uint off = 0; off < dp->size; off += sizeof(struct dirent)) {
    const struct dirent *de =
        (const struct dirent *)&disk[inode_block(dp, off)][off % BSIZE];
    if (name_is((const uchar *)de->name, name))
      return 1;
  }
  return 0;
}

// The name a host path gets inside the image (dirrules.c: its last
// component without one leading '_'). Dies if that name cannot be stored.
static const char *stored_name(const char *path) {
  const char *name = image_name(path), *fault = image_name_fault(name);
  if (fault == 0)
    return name;
  if (strcmp(fault, "empty") == 0)
    die("%s: gives an empty file name", path);
  if (strcmp(fault, "slash") == 0)
    die("%s: file name contains '/'", path);
  if (strcmp(fault, "reserved") == 0)
    die("%s: '%s' is reserved", path, name);
  die("%s: name '%s' is longer than %d characters", path, name, DIRSIZ);
}

// The mode a file gets: see the head comment.
static uint file_mode(const char *path, const char *name) {
  const char *slash = strrchr(path, '/');
  if ((slash ? slash[1] : path[0]) != '_')
    return 0644;
  for (size_t i = 0; i < sizeof(setuid_root) / sizeof(setuid_root[0]); i++)
    if (strcmp(name, setuid_root[i]) == 0)
      return S_ISUID | 0755;
  return 0755;
}

// Copy the host file at path into a new inode and link it into root.
static void add_file(struct building *root, const char *path) {
  const char *name = stored_name(path);
  if (dir_has(root, name))
    die("%s: duplicate name '%s'", path, name);

  // kernel/stat.h's struct stat shadows the host's, so a directory is
  // caught by read() failing with EISDIR rather than by fstat().
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    die("%s: cannot open: %s", path, strerror(errno));

  // The whole file is read first, so one too large for any file is
  // refused as that, not as "out of data blocks" halfway through it.
  static uchar content[MAXFILE * BSIZE + 1];
  size_t len = 0;
  ssize_t n = 0;
  while (len < sizeof content && (n = read(fd, content + len, sizeof content - len)) > 0)
    len += (size_t)n;
  if (n < 0)
    die("%s: read error: %s", path, strerror(errno));
  if (len > MAXFILE * BSIZE)
    die("%s: too large (a file holds at most %d blocks, %d bytes)",
        path, (int)MAXFILE, (int)(MAXFILE * BSIZE));
  close(fd);

  struct building ip;
  inode_get(&ip, T_FILE, file_mode(path, name), path);
  inode_append(&ip, content, (uint)len);
  inode_put(&ip);
  dir_add(root, name, ip.inum);
}

// Mark blocks [0, nextblock) in use in the free bitmap, and give each
// allocated data block [nmeta, nextblock) its one reference.
static void bitmap_refs_write(void) {
  for (uint b = 0; b < nextblock; b++)
    bitmap_set(disk[BBLOCK(b, sb)], b);
  for (uint b = nmeta; b < nextblock; b++)
    refcount_put(disk[RBLOCK(b, sb)], b, 1);
}

static void superblock_write(void) {
  struct superblock *d = (struct superblock *)disk[1];
  d->magic = le32(sb.magic);
  d->size = le32(sb.size);
  d->nblocks = le32(sb.nblocks);
  d->ninodes = le32(sb.ninodes);
  d->nlog = le32(sb.nlog);
  d->logstart = le32(sb.logstart);
  d->inodestart = le32(sb.inodestart);
  d->bmapstart = le32(sb.bmapstart);
  d->refstart = le32(sb.refstart);
  d->norphan = le32(0); // the orphan list starts empty (the rest is zeros)
}

// Is block b all zeros? Such a block is left a hole in the image file.
static int block_is_zero(uint b) {
  for (uint i = 0; i < BSIZE; i++)
    if (disk[b][i])
      return 0;
  return 1;
}

// Write block b of the image at its place in the file.
static void block_write(int fd, uint b, const void *data, size_t len) {
  if (lseek(fd, (off_t)b * BSIZE, SEEK_SET) < 0)
    die("%s: seek error: %s", imgpath, strerror(errno));
  ssize_t n = write(fd, data, len);
  if (n != (ssize_t)len)
    die("%s: write error: %s", imgpath, n < 0 ? strerror(errno) : "short write");
}

static void image_write(void) {
  int fd = open(imgpath, O_WRONLY | O_CREAT | O_TRUNC, 0666);
  if (fd < 0)
    die("%s: cannot create: %s", imgpath, strerror(errno));
  for (uint b = 0; b < fssize; b++)
    if (!block_is_zero(b))
      block_write(fd, b, disk[b], BSIZE);
  // The file's length: write the last block even if it is all zeros
  // (the holes before it read as zeros).
  if (block_is_zero(fssize - 1))
    block_write(fd, fssize - 1, disk[fssize - 1], BSIZE);
  if (close(fd) < 0)
    die("%s: write error: %s", imgpath, strerror(errno));
}

static void usage(void) {
  fprintf(stderr, "usage: mkfs [-s blocks] fs.img file...\n");
  exit(2);
}

int main(int argc, char *argv[]) {
  int arg = 1;
  if (argc > 2 && strcmp(argv[1], "-s") == 0) {
    char *end;
    unsigned long n = strtoul(argv[2], &end, 10);
    if (*argv[2] == 0 || *end != 0 || n > MAXFSSIZE)
      usage();
    fssize = (uint)n;
    arg = 3;
  }
  if (arg >= argc || argv[arg][0] == '-')
    usage();
  imgpath = argv[arg];
  // The root directory can list at least "." and "..".
  nmeta = layout_meta(fssize, NINODES);
  if (nmeta >= fssize)
    die("%u blocks is too small: the metadata alone takes %u", fssize, nmeta);
  if ((disk = calloc(fssize, BSIZE)) == 0)
    die("out of memory for a %u-block image", fssize);
  nextblock = nmeta;
  layout_plan(&sb, fssize, NINODES);

  // The root directory is its own parent.
  struct building root;
  inode_get(&root, T_DIR, 0755, "/ (root directory)");
  dir_add(&root, ".", root.inum);
  dir_add(&root, "..", root.inum);
  for (int i = arg + 1; i < argc; i++)
    add_file(&root, argv[i]);
  inode_put(&root);

  bitmap_refs_write();
  superblock_write();
  image_write();
  return 0;
}
