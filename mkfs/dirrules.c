// Directory rules for the host tools (see dirrules.h).
//
// Names on disk are DIRSIZ bytes, NUL-padded, with no NUL when exactly
// DIRSIZ long: every comparison here looks at no more than DIRSIZ bytes,
// as the kernel's namecmp does, and never past the entry.
//
// Invariant: these functions read only their arguments and write only
// the array they are given; mkfs and fsck decide what to do with the
// verdicts (die, or report a problem).
#include <stdlib.h>
#include <string.h>

#include "mkfs/dirrules.h"

const char *image_name(const char *path) {
  const char *slash = strrchr(path, '/');
  const char *name = slash ? slash + 1 : path;
  return name[0] == '_' ? name + 1 : name;
}

const char *image_name_fault(const char *name) {
  if (name[0] == '\0')
    return "empty";
  if (strchr(name, '/'))
    return "slash";
  if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
    return "reserved";
  if (strlen(name) > DIRSIZ)
    return "long";
  return 0;
}

const char *name_fault(const uchar *name) {
  const uchar *nul = memchr(name, 0, DIRSIZ);
  size_t len = nul ? (size_t)(nul - name) : DIRSIZ;
  if (len == 0)
    return "is empty";
  if (memchr(name, '/', len))
    return "contains '/'";
  for (size_t i = len; i < DIRSIZ; i++)
    if (name[i])
      return "is not NUL-padded";
  return 0;
}

int name_is(const uchar *name, const char *s) {
  return strncmp((const char *)name, s, DIRSIZ) == 0;
}

const char *entry_want(uint k) { return k == 0 ? "." : k == 1 ? ".." : 0; }

int entry_misplaced(uint k, const uchar *name) {
  const char *want = entry_want(k);
  return want ? !name_is(name, want) : name_is(name, ".") || name_is(name, "..");
}

static int named_cmp(const void *a, const void *b) {
  const struct named *x = a, *y = b;
  int c = memcmp(x->name, y->name, DIRSIZ);
  return c ? c : (x->k > y->k) - (x->k < y->k);
}

uint names_duplicates(struct named *v, uint n, uint *dup) {
  qsort(v, n, sizeof(*v), named_cmp);
  uint ndup = 0;
  for (uint i = 1; i < n; i++)
    if (memcmp(v[i].name, v[i - 1].name, DIRSIZ) == 0)
      dup[ndup++] = i;
  return ndup;
}

int nlink_matches(short nlink, uint entries) { return nlink >= 0 && (uint)nlink == entries; }
