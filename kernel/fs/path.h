// Splitting a path name into its elements, one at a time. Pure string
// work with no file-system state, so the host unit tests compile it as is.
#ifndef CALF_PATH_H
#define CALF_PATH_H

// Copy the first element of path into name and return what follows it,
// with leading slashes skipped either way; return 0 if there is no
// element. name must hold DIRSIZ bytes; a longer element is cut to fit
// (and then left without a NUL, like a full-length dirent name).
//   skipelem("a/bb/c", name) = "bb/c", name = "a"
//   skipelem("///a//bb", name) = "bb", name = "a"
//   skipelem("a", name) = "", name = "a"
//   skipelem("", name) = skipelem("////", name) = 0
char *skipelem(char *path, char *name);

#endif
