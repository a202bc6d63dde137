// Path elements (see path.h): namex in dir.c walks a path by calling
// skipelem once per element.
//
// Invariant: skipelem reads path only up to its NUL and writes at most
// DIRSIZ bytes of name; an element of DIRSIZ bytes or more fills name
// with its first DIRSIZ bytes and no NUL, which every name comparison
// (namecmp, at most DIRSIZ bytes) treats as that DIRSIZ-byte name.
#include "kernel/fs/path.h"
#include "kernel/types.h"
#include "kernel/fs.h"
#include "kernel/lib/string.h"

char *skipelem(char *path, char *name) {
  while (*path == '/')
    path++;
  if (*path == 0)
    return 0;

  char *start = path;
  while (*path != '/' && *path != 0)
    path++;
  int len = path - start;
  if (len >= DIRSIZ) {
    memmove(name, start, DIRSIZ);
  } else {
    memmove(name, start, len);
    name[len] = 0;
  }

  while (*path == '/')
    path++;
  return path;
}
