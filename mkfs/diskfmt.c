// Encoding calf's disk format on the host (see diskfmt.h).
//
// The format is little-endian (RISC-V) whatever the host is: writes go
// through le16/le32, which store a value's bytes low first, and reads
// assemble fields byte by byte, so the tools are right on a big-endian
// host too.
//
// Invariant: layout_plan lays the areas out back to back in the order of
// kernel/fs.h, each with one spare block (as xv6 does), so that
// layout_meta(fssize, ninodes) == sb->size - sb->nblocks; every other
// function touches only the bytes of the one field it names.
#include <stddef.h>
#include <string.h>

#include "mkfs/diskfmt.h"
#include "kernel/param.h"

ushort le16(ushort x) {
  uchar b[2] = {x & 0xff, x >> 8};
  ushort y;
  memcpy(&y, b, sizeof y);
  return y;
}

uint le32(uint x) {
  uchar b[4] = {x & 0xff, (x >> 8) & 0xff, (x >> 16) & 0xff, x >> 24};
  uint y;
  memcpy(&y, b, sizeof y);
  return y;
}

uint get16(const uchar *p) { return p[0] | (uint)p[1] << 8; }

uint get32(const uchar *p) {
  return p[0] | (uint)p[1] << 8 | (uint)p[2] << 16 | (uint)p[3] << 24;
}

// The size of each area. One spare block in each keeps the arithmetic
// simple (and matches what xv6 students have seen).
static uint nlog(void) { return LOGBLOCKS + 1; } // header block + data blocks
static uint ninodeblocks(uint ninodes) { return ninodes / IPB + 1; }
static uint nbitmap(uint fssize) { return fssize / BPB + 1; }
static uint nrefblocks(uint fssize) { return fssize / RPB + 1; } // metadata too

uint layout_meta(uint fssize, uint ninodes) {
  return 2 + nlog() + ninodeblocks(ninodes) + nbitmap(fssize) + nrefblocks(fssize);
}

void layout_plan(struct superblock *sb, uint fssize, uint ninodes) {
  memset(sb, 0, sizeof *sb);
  sb->magic = FSMAGIC;
  sb->size = fssize;
  sb->nblocks = fssize - layout_meta(fssize, ninodes);
  sb->ninodes = ninodes;
  sb->nlog = nlog();
  sb->logstart = 2;
  sb->inodestart = sb->logstart + nlog();
  sb->bmapstart = sb->inodestart + ninodeblocks(ninodes);
  sb->refstart = sb->bmapstart + nbitmap(fssize);
}

void bitmap_set(uchar *bmap, uint b) { bmap[b % BPB / 8] |= (uchar)(1 << (b % 8)); }

int bitmap_get(const uchar *bmap, uint b) { return (bmap[b % BPB / 8] >> (b % 8)) & 1; }

void refcount_put(uchar *refs, uint b, uint count) {
  uchar *p = refs + b % RPB * sizeof(ushort);
  p[0] = count & 0xff;
  p[1] = (count >> 8) & 0xff;
}

uint refcount_get(const uchar *refs, uint b) { return get16(refs + b % RPB * sizeof(ushort)); }

void dirent_pack(uchar *de, const char *name, uint inum) {
  memset(de, 0, sizeof(struct dirent));
  de[offsetof(struct dirent, inum)] = inum & 0xff;
  de[offsetof(struct dirent, inum) + 1] = (inum >> 8) & 0xff;
  const char *nul = memchr(name, 0, DIRSIZ);
  memcpy(de + offsetof(struct dirent, name), name, nul ? (size_t)(nul - name) : DIRSIZ);
}

uint dirent_inum(const uchar *de) { return get16(de + offsetof(struct dirent, inum)); }
