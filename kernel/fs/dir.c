// Directories and path names.
//
// A directory is an inode of type T_DIR whose contents are an array of
// struct dirent; an entry with inum 0 is an empty slot that dirlink may
// reuse. Names are at most DIRSIZ bytes; a name of exactly DIRSIZ bytes is
// stored without a terminating NUL, and longer path elements are cut to
// DIRSIZ, so every comparison looks at no more than DIRSIZ bytes.
//
// Path lookup walks one element at a time (skipelem, in path.c), holding
// the lock of only one directory at a time: it locks a directory, finds
// the next element's inode (referenced, unlocked), and unlocks the
// directory before locking the child. Looking up "." would otherwise lock the same inode twice, and
// two lookups walking in opposite directions could deadlock.
//
// Every directory a lookup passes through must grant the caller search
// (x) permission, nameiparent's final directory included. A lookup never
// climbs above the process's root (chroot, kernel/fs/chroot.c).
//
// Invariant: callers of dirlookup and dirlink hold dp's lock; namei and
// nameiparent take and release locks themselves and return an unlocked,
// referenced inode. All of them may iput, so they run inside a transaction.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "kernel/fs.h"
#include "kernel/fs/bmap.h"
#include "kernel/fs/buf.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"
#include "kernel/fs/path.h"
#include "kernel/fs/perm.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/sched/sched.h"


int namecmp(const char *s, const char *t) { return strncmp(s, t, DIRSIZ); }

// Is e the entry dir_find looks for: name's, or with name 0 an empty slot?
static int entry_is(struct dirent *e, char *name) {
  return name ? e->inum != 0 && namecmp(name, e->name) == 0 : e->inum == 0;
}

// Scan dp's entries one block at a time, each block under one buffer
// hold: a bread, a loop over the block's entries in b->data, a brelse.
// (Reading entry by entry through readi cost a bread and a brelse per
// entry, and every brelse of a buffer someone waits for wakes them.)
// With name, find the entry holding it; with name 0, the first empty slot.
// Returns 1 and fills *de and *poff if found, 0 if not, -1 if a block of
// the directory could not be read (a hole in its map).
static int dir_find(struct inode *dp, char *name, struct dirent *de, uint *poff) {
  for (uint base = 0; base < dp->size; base += BSIZE) {
    uint addr = bmap_read(dp, base / BSIZE);
    if (addr == 0)
      return -1;
    struct buf *b = bread(dp->dev, addr);
    uint n = (dp->size - base < BSIZE ? dp->size - base : BSIZE) / sizeof(*de);
    struct dirent *e = (struct dirent *)b->data;
    uint i = 0;
    while (i < n && !entry_is(&e[i], name))
      i++;
    if (i < n) {
      *de = e[i];
      *poff = base + i * sizeof(*de);
    }
    brelse(b);
    if (i < n)
      return 1;
  }
  return 0;
}

// Look for name in directory dp. If found, return its inode (referenced,
// unlocked) and set *poff to the entry's byte offset, if poff is not 0.
// Returns 0 if the name is absent, but also if the directory cannot be
// read or the inode table is full: 0 means "no inode", not "no such
// name", so a caller that must know the name is free asks dir_has_name.
struct inode *dirlookup(struct inode *dp, char *name, uint *poff) {
  if (dp->type != T_DIR)
    panic("dirlookup: inode %d is not a directory", dp->inum);
  // A removed directory (nlink 0, so empty) names nothing but itself, not
  // even its "..": its parent may have been removed and freed since, and
  // the inode number reused (xv6's usertests unlinkcwd: a process whose
  // cwd was removed opens "../").
  if (dp->nlink < 1 && namecmp(name, ".") != 0)
    return 0;

  struct dirent de;
  uint off;
  if (dir_find(dp, name, &de, &off) != 1)
    return 0;
  if (poff)
    *poff = off;
  return iget(dp->dev, de.inum);
}

// Is name in directory dp? Looks at names only, never at the inodes they
// name, so a full inode table cannot make a present name look absent.
// A directory that cannot be read counts as holding every name.
static int dir_has_name(struct inode *dp, char *name) {
  struct dirent de;
  uint off;
  return dir_find(dp, name, &de, &off) != 0;
}

// Add the entry (name, inum) to directory dp, reusing an empty slot or
// growing the directory. Returns -1 if the name exists, the disk is full,
// or dp has been removed (nlink 0: it is empty and dies with its last
// reference, so a name made in it would be lost with everything it names).
int dirlink(struct inode *dp, char *name, uint inum) {
  if (dp->nlink < 1 || dir_has_name(dp, name))
    return -1;

  struct dirent de;
  uint off;
  int found = dir_find(dp, 0, &de, &off);
  if (found < 0)
    return -1;
  if (found == 0)
    off = dp->size; // no empty slot: append

  memset(&de, 0, sizeof(de));
  strncpy(de.name, name, DIRSIZ);
  de.inum = inum;
  if (writei(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
    return -1;
  return 0;
}

// Walk path from the process's root (if it starts with '/') or its
// current directory. With want_parent, stop one element early: return
// the parent directory and copy the final element into name.
//
// The root is the disk's, or the directory chroot gave the process
// (p->root, kernel/fs/chroot.c). ".." at that root stays there, as ".."
// at the disk's root does (its ".." entry names itself): that is what
// keeps a lookup inside a chroot. (".." in a removed directory, whose
// parent may be gone and its inode reused anywhere, inside the root or
// not, finds nothing: dirlookup.)
static struct inode *namex(char *path, int want_parent, char *name) {
  struct inode *root = myproc()->root;
  struct inode *ip;
  if (*path == '/')
    ip = root ? idup(root) : iget(ROOTDEV, ROOTINO);
  else
    ip = idup(myproc()->cwd);
  if (ip == 0)
    return 0;

  while ((path = skipelem(path, name)) != 0) {
    ilock(ip);
    // Looking a name up in a directory needs search (x) permission on it.
    if (ip->type != T_DIR || inode_permission(ip, MAY_EXEC) < 0) {
      iunlockput(ip);
      return 0;
    }
    if (ip == root && namecmp(name, "..") == 0) {
      iunlock(ip); // at the root: ".." is the root itself
      continue;
    }
    if (want_parent && *path == 0) {
      iunlock(ip); // name holds the last element; ip is its directory
      return ip;
    }
    struct inode *next = dirlookup(ip, name, 0);
    iunlockput(ip);
    if (next == 0)
      return 0;
    ip = next;
  }

  // The path had no elements ("/" or ""): it has no parent to return.
  if (want_parent) {
    iput(ip);
    return 0;
  }
  return ip;
}

struct inode *namei(char *path) {
  char name[DIRSIZ];
  return namex(path, 0, name);
}

struct inode *nameiparent(char *path, char *name) { return namex(path, 1, name); }

struct inode *namei_in_op(char *path) {
  begin_op();
  struct inode *ip = namei(path);
  if (ip == 0) {
    end_op();
    return 0;
  }
  ilock(ip);
  return ip;
}

struct inode *namei_dir_in_op(char *path) {
  struct inode *ip = namei_in_op(path);
  if (ip == 0)
    return 0;
  if (ip->type != T_DIR || inode_permission(ip, MAY_EXEC) < 0) {
    iunlockput(ip);
    end_op();
    return 0;
  }
  iunlock(ip);
  return ip;
}
