// A path for an inode: what a checkpoint records for a process's current
// directory, open files and file mappings (kernel/proc/checkpoint.c).
//
// An inode does not know its names: a file may have several (links) or
// none (unlinked while open). So the path is found by searching the
// directory tree from the process's root, depth first, for an entry with
// the inode's number: the first name found is the one recorded. The
// search is bounded (IPATH_DEPTH levels, IPATH_VISITS entries), so a huge
// tree makes the checkpoint fail rather than take forever; an unlinked
// file has no path and fails it too.
//
// Invariant: the search holds a reference on each directory on its
// current path (at most IPATH_DEPTH) and no lock between steps, so it
// never holds two inode locks at once.
#include "kernel/fs/ipath.h"
#include "kernel/fs/inode.h"
#include "kernel/fs.h"
#include "kernel/stat.h"
#include "kernel/sched/sched.h"
#include "kernel/lib/string.h"

#define IPATH_DEPTH 8
#define IPATH_VISITS 4096

struct level {
  struct inode *dp;
  uint off;               // next entry to read
  char name[DIRSIZ + 1];  // dp's name in its parent
};

// The entry at l->off, advancing it: 1, or 0 at the end of the directory.
static int next_entry(struct level *l, struct dirent *de) {
  ilock(l->dp);
  int ok = l->off + sizeof(*de) <= l->dp->size &&
           readi(l->dp, 0, (uint64)de, l->off, sizeof(*de)) == sizeof(*de);
  iunlock(l->dp);
  l->off += sizeof(*de);
  return ok;
}

// The directory inum names, referenced, or 0 if it is not a directory.
static struct inode *subdir(uint dev, uint inum) {
  struct inode *ip = iget(dev, inum);
  if (ip == 0)
    return 0;
  ilock(ip);
  int dir = ip->type == T_DIR;
  iunlock(ip);
  if (!dir) {
    iput_alone(ip);
    return 0;
  }
  return ip;
}

// "/a/b/.../name" from the levels below the root, then name.
static int join(struct level *lv, int depth, const char *name, char *buf, int max) {
  int n = 0;
  buf[0] = 0;
  for (int i = 1; i <= depth; i++) {
    const char *part = i < depth ? lv[i].name : name;
    int len = strlen(part);
    if (n + 1 + len + 1 > max)
      return -1;
    buf[n++] = '/';
    memmove(buf + n, part, len);
    n += len;
    buf[n] = 0;
  }
  return 0;
}

int inode_path(struct proc *p, struct inode *ip, char *buf, int max) {
  struct level lv[IPATH_DEPTH];
  struct inode *root = p->root ? idup(p->root) : iget(ROOTDEV, ROOTINO);
  if (root == 0 || max < 2)
    return -1;
  if (root == ip) {
    iput_alone(root);
    safestrcpy(buf, "/", max);
    return 0;
  }
  lv[0] = (struct level){root, 0, ""};
  int depth = 1, found = -1;
  for (int visits = 0; depth > 0 && found < 0 && visits < IPATH_VISITS; visits++) {
    struct level *l = &lv[depth - 1];
    struct dirent de;
    if (!next_entry(l, &de)) {
      iput_alone(l->dp);
      depth--;
      continue;
    }
    char name[DIRSIZ + 1];
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    if (de.inum == 0 || namecmp(name, ".") == 0 || namecmp(name, "..") == 0)
      continue;
    if (de.inum == ip->inum && l->dp->dev == ip->dev) {
      found = join(lv, depth, name, buf, max);
      break;
    }
    struct inode *sub = depth < IPATH_DEPTH ? subdir(l->dp->dev, de.inum) : 0;
    if (sub) {
      lv[depth] = (struct level){sub, 0, ""};
      safestrcpy(lv[depth].name, name, sizeof(lv[depth].name));
      depth++;
    }
  }
  while (depth > 0)
    iput_alone(lv[--depth].dp);
  return found;
}
