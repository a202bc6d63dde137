// The rules a directory's entries obey (kernel/fs/dir.c), as the host
// tools state them: which names mkfs may store, which names fsck accepts,
// where "." and ".." sit, no name twice, and link counts that match the
// entries. Pure functions, so tests/host/dirrules_test.c checks them.
#ifndef CALF_DIRRULES_H
#define CALF_DIRRULES_H

#include "kernel/types.h"
#include "kernel/fs.h"

// The name a host file gets in mkfs's image: the last component of path
// with one leading '_' dropped.
const char *image_name(const char *path);
// Why mkfs cannot store that name ("empty", "slash", "reserved", "long"),
// or 0 if it can.
const char *image_name_fault(const char *name);

// What is wrong with an on-disk entry name (DIRSIZ bytes), or 0: names
// are non-empty, hold no '/', and are NUL-padded to DIRSIZ (DIRSIZ long
// ones have no NUL).
const char *name_fault(const uchar *name);
// Is the on-disk name (DIRSIZ bytes) the string s?
int name_is(const uchar *name, const char *s);
// The name entry k must have: "." for 0, ".." for 1, 0 for any other.
const char *entry_want(uint k);
// Is name wrong for entry k: not the name entry_want demands, or "." or
// ".." anywhere else?
int entry_misplaced(uint k, const uchar *name);

// A used entry's name and index, for finding names used twice.
struct named {
  uchar name[DIRSIZ];
  uint k;
};
// Sort v[0..n) by name, then index, and write to dup[i] the index in v of
// the i-th entry whose name equals the one before it. Returns how many.
uint names_duplicates(struct named *v, uint n, uint *dup);

// Does an inode's nlink equal the number of entries naming it ("."
// entries not counted)? A negative nlink matches nothing.
int nlink_matches(short nlink, uint entries);

#endif
