// Directory trees: tree_clone and tree_remove (user/tree.h), the user-space
// half of calf's containers (docs/containers.md).
//
// A tree is cloned the way a container runtime snapshots an image layer
// on a copy-on-write file system: each directory is made anew (a directory
// is small, and must name the new files), and each file is a reflink
// (clonefile) that shares every data block of the original. So the copy
// costs one inode per entry, one block per directory and a copy of each
// big file's index blocks: it grows with the number of files, hardly with
// their bytes (docs/containers.md has the figures).
//
// Both walks keep the paths in two static buffers, appending "/name" on
// the way down and cutting it off on the way back: the user stack is one
// page, and a path buffer per level would soon fill it. Each level holds
// one open directory, so a tree may be at most MAXDEPTH deep.
//
// Invariant: the paths in src_path and dst_path name the directories the
// walk is in; their lengths are restored before a level returns.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/stat.h"
#include "kernel/fs.h"
#include "kernel/fcntl.h"
#include "user/user.h"
#include "user/tree.h"

#define MAXDEPTH 10 // open directories at once: NOFILE is 16

static char src_path[MAXPATH], dst_path[MAXPATH];

// Append "/name" (name at most DIRSIZ bytes, maybe without a NUL) to the
// path in buf; the old length, or -1 if it would not fit.
static int path_push(char *buf, const char *name) {
  int len = strlen(buf), n = 0;
  while (n < DIRSIZ && name[n])
    n++;
  if (len + 1 + n + 1 > MAXPATH)
    return -1;
  buf[len] = '/';
  memmove(buf + len + 1, name, n);
  buf[len + 1 + n] = 0;
  return len;
}

// The next entry of the directory open as fd, "." and ".." left out, with
// its name NUL-terminated in name[DIRSIZ+1]. 1, or 0 at the end.
static int next_entry(int fd, char *name) {
  struct dirent de;
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0)
      continue;
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
      continue;
    return 1;
  }
  return 0;
}

// Give the new file dst_path src's owner (root only) and mode. chown
// first: it clears the set-id bits, which chmod then puts back.
static int copy_attrs(const struct stat *st) {
  if (geteuid() == 0 && chown(dst_path, st->uid, st->gid) < 0)
    return -1;
  return chmod(dst_path, st->mode & 07777);
}

// Clone the directory src_path (stat st) to dst_path, a new directory
// made by the caller. skip_ino: the top of the copy, never copied into
// itself.
static int clone_dir(const struct stat *st, uint skip_ino, int depth, struct tree_stats *ts) {
  ts->dirs++;
  int fd = depth > MAXDEPTH ? -1 : open(src_path, O_RDONLY);
  if (fd < 0)
    return -1;
  char name[DIRSIZ + 1];
  int r = 0;
  while (r == 0 && next_entry(fd, name)) {
    int slen = path_push(src_path, name), dlen = path_push(dst_path, name);
    struct stat est;
    if (slen < 0 || dlen < 0 || stat(src_path, &est) < 0)
      r = -1;
    else if (est.ino == skip_ino)
      ; // dst lies inside src: do not copy the copy
    else if (est.type == T_DIR)
      r = mkdir(dst_path) < 0 ? -1 : clone_dir(&est, skip_ino, depth + 1, ts);
    else if (est.type == T_FILE) {
      r = clonefile(src_path, dst_path) < 0 ? -1 : copy_attrs(&est);
      ts->files++;
    } else
      ts->skipped++; // a device: its numbers are not in struct stat
    if (slen >= 0)
      src_path[slen] = 0;
    if (dlen >= 0)
      dst_path[dlen] = 0;
  }
  close(fd);
  // The directory's own mode last: a read-only directory of the image
  // must still take its entries while it is built.
  return r == 0 ? copy_attrs(st) : -1;
}

int tree_clone(const char *src, const char *dst, struct tree_stats *stats) {
  struct tree_stats ts = {0, 0, 0};
  struct stat st, dst_st;
  if (strlen(src) >= MAXPATH || strlen(dst) >= MAXPATH || stat(src, &st) < 0 ||
      st.type != T_DIR || stat(dst, &dst_st) == 0)
    return -1;
  strcpy(src_path, src);
  strcpy(dst_path, dst);
  // Make dst first, to learn its inode: a dst inside src must not be copied
  // into itself, again and again.
  if (mkdir(dst_path) < 0)
    return -1;
  int r = stat(dst_path, &dst_st) < 0 ? -1 : clone_dir(&st, dst_st.ino, 0, &ts);
  if (r < 0)
    tree_remove(dst);
  if (stats)
    *stats = ts;
  return r;
}

// Remove everything in the directory dst_path, then the directory.
static int remove_dir(int depth) {
  int fd = depth > MAXDEPTH ? -1 : open(dst_path, O_RDONLY);
  if (fd < 0)
    return -1;
  char name[DIRSIZ + 1];
  int r = 0;
  while (next_entry(fd, name)) {
    int len = path_push(dst_path, name);
    struct stat st;
    if (len < 0 || stat(dst_path, &st) < 0)
      r = -1;
    else if (st.type == T_DIR ? remove_dir(depth + 1) < 0 : unlink(dst_path) < 0)
      r = -1;
    if (len >= 0)
      dst_path[len] = 0;
  }
  close(fd);
  return unlink(dst_path) < 0 ? -1 : r;
}

int tree_remove(const char *path) {
  struct stat st;
  if (strlen(path) >= MAXPATH || stat(path, &st) < 0)
    return -1;
  if (st.type != T_DIR)
    return unlink(path);
  strcpy(dst_path, path);
  return remove_dir(0);
}
