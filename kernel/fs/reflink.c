// clonefile: a new file that shares another file's data blocks, the file
// system's own copy-on-write (docs/snapshots.md).
//
// A clone costs a new inode, copies of the source's indirect blocks and
// one more reference on each data block; no data is copied. Either file
// may be written afterwards: bmap_write sees the shared count and writes
// a private copy (kernel/fs/bmap.c).
//
// The call is all or nothing. It runs as one exclusive transaction (a
// clone of a big file touches many count blocks, more than an ordinary
// operation may), and builds the new file in three steps:
//   prepare: check everything that can be checked without writing
//            (names, types, permissions, log space);
//   build:   allocate the inode and clone the block map into it, while
//            no directory names it;
//   commit:  link the name.
// If build or commit fails (no space, no inode, a count at its limit) the
// abort path drops every reference taken and frees the inode again, in
// the same transaction, so the disk ends exactly as it began.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "kernel/fs.h"
#include "kernel/fs/bmap.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/filemap.h"
#include "kernel/fs/log.h"
#include "kernel/fs/perm.h"
#include "kernel/fs/reflink.h"
#include "kernel/sched/sched.h"

// Undo build: the inode loses its blocks and, having no links, is freed
// by its last iput.
static void clone_abort(struct inode *ip) {
  bmap_truncate(ip, 0);
  ip->size = 0;
  ip->nlink = 0;
  iupdate(ip);
  iunlockput(ip);
}

// A new unnamed file with src's owner-independent mode and src's blocks,
// returned locked; 0 if there is no inode or no space (nothing changed).
// dp and src are locked.
static struct inode *clone_build(struct inode *dp, struct inode *src) {
  struct inode *ip = ialloc(dp->dev, T_FILE);
  if (ip == 0)
    return 0;
  ilock(ip);
  inode_init_owner(ip);
  ip->mode = src->mode & 0777 & ~myproc()->umask; // as cp does: no set-id bits
  ip->nlink = 1;
  if (bmap_clone(ip, src) < 0) {
    clone_abort(ip);
    return 0;
  }
  ip->size = src->size;
  iupdate(ip);
  return ip;
}

// Clone src under name in directory dp (locked). 0 or -1.
static int clone_into(struct inode *dp, char *name, struct inode *src) {
  struct inode *old = dirlookup(dp, name, 0);
  if (old) {
    iput(old);
    return -1; // dst exists
  }
  if (src == dp || inode_permission(dp, MAY_WRITE | MAY_EXEC) < 0)
    return -1;

  ilock(src);
  int ok = src->type == T_FILE && inode_permission(src, MAY_READ) == 0 &&
           bmap_clone_cost(src) <= LOGBLOCKS;
  struct inode *ip = ok ? clone_build(dp, src) : 0;
  iunlock(src);
  if (ip == 0)
    return -1;

  if (dirlink(dp, name, ip->inum) < 0) {
    clone_abort(ip);
    return -1;
  }
  iunlockput(ip);
  return 0;
}

// What shared mappings of the source changed is part of it: written home
// first, so the clone gets what msync would write (kernel/fs/filemap.c).
static void flush_source(char *srcpath) {
  struct inode *src = namei_in_op(srcpath);
  if (src == 0)
    return;
  iunlock(src);
  end_op();
  file_flush_mapped(src);
  iput_alone(src);
}

int clonefile(char *srcpath, char *dstpath) {
  char name[DIRSIZ];
  flush_source(srcpath);
  begin_op_exclusive();
  int r = -1;
  struct inode *src = namei(srcpath);
  struct inode *dp = src ? nameiparent(dstpath, name) : 0;
  if (dp) {
    ilock(dp);
    r = clone_into(dp, name, src);
    iunlockput(dp);
  }
  if (src)
    iput(src);
  end_op();
  return r;
}
