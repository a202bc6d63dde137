// ls: for each named path (default "."), list the file itself, or, for a
// directory, every entry in it: name (padded to DIRSIZ), type, inode
// number and size, as xv6's ls prints them; then the mode as Unix ls -l
// shows it (-rwxr-xr-x, with s for setuid/setgid), the owner and group.
//
// calf's ls always prints this long form, so `-l` is accepted (Unix
// fingers type it) and changes nothing; any other option is an error
// that prints the usage. A file whose name starts with '-' is ./-name.
//
// Invariant: each listed name comes straight from a directory entry,
// and its details from stat() on that name, so what ls shows is what an
// open() of the name would find. Errors go to fd 2 and make the exit
// status 1, but the listing goes on.
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/param.h"
#include "user/user.h"

// The last path component, padded with blanks to DIRSIZ characters so
// that the columns line up (longer names are left as they are).
static const char *fmtname(const char *path) {
  static char name[DIRSIZ + 1];
  const char *p = path + strlen(path);
  while (p > path && p[-1] != '/')
    p--;
  int n = strlen(p);
  if (n >= DIRSIZ)
    return p;
  memmove(name, p, n);
  memset(name + n, ' ', DIRSIZ - n);
  name[DIRSIZ] = 0;
  return name;
}

// "drwxr-xr-x": the type, then rwx for owner, group and other; an x that
// is also a setuid (owner) or setgid (group) bit shows as s.
static const char *fmtmode(struct stat *st) {
  static char s[11];
  s[0] = st->type == T_DIR ? 'd' : st->type == T_DEVICE ? 'c' : '-';
  for (int i = 0; i < 9; i++)
    s[1 + i] = (st->mode >> (8 - i)) & 1 ? "rwx"[i % 3] : '-';
  if (st->mode & S_ISUID)
    s[3] = s[3] == 'x' ? 's' : 'S';
  if (st->mode & S_ISGID)
    s[6] = s[6] == 'x' ? 's' : 'S';
  s[10] = 0;
  return s;
}

static void show(const char *path, struct stat *st) {
  printf("%s %d %d %d %s %d %d\n", fmtname(path), st->type, st->ino, (int)st->size,
         fmtmode(st), st->uid, st->gid);
}

// List each entry of the open directory fd, named path. Returns 0 or -1.
static int list_dir(int fd, const char *path) {
  char buf[MAXPATH];
  int len = strlen(path);
  if (len + 1 + DIRSIZ + 1 > sizeof(buf)) {
    fprintf(2, "ls: path too long\n");
    return -1;
  }
  strcpy(buf, path);
  char *name = buf + len;
  *name++ = '/';

  int status = 0;
  struct dirent de;
  while (read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0) // a free slot
      continue;
    memmove(name, de.name, DIRSIZ); // not NUL-terminated when DIRSIZ long
    name[DIRSIZ] = 0;
    struct stat st;
    if (stat(buf, &st) < 0) {
      fprintf(2, "ls: cannot stat %s\n", buf);
      status = -1;
      continue;
    }
    show(buf, &st);
  }
  return status;
}

static int ls(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) {
    fprintf(2, "ls: cannot open %s\n", path);
    return -1;
  }
  struct stat st;
  int r = 0;
  if (fstat(fd, &st) < 0) {
    fprintf(2, "ls: cannot stat %s\n", path);
    r = -1;
  } else if (st.type == T_DIR) {
    r = list_dir(fd, path);
  } else {
    show(path, &st);
  }
  close(fd);
  return r;
}

static void usage(void) {
  fprintf(2, "usage: ls [-l] [path...]\n"
             "  name, type (1 dir, 2 file, 3 device), inode, size, mode, owner, group;\n"
             "  always this long form, so -l changes nothing\n");
}

int main(int argc, char *argv[]) {
  int first = 1;
  for (; first < argc && argv[first][0] == '-'; first++) {
    if (strcmp(argv[first], "-l") != 0) {
      fprintf(2, "ls: unknown option %s\n", argv[first]);
      usage();
      return 1;
    }
  }
  if (first == argc)
    return ls(".") < 0;
  int status = 0;
  for (int i = first; i < argc; i++)
    if (ls(argv[i]) < 0)
      status = 1;
  return status;
}
