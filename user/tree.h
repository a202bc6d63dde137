// Directory trees for the container tools (user/tree.c): a copy-on-write
// copy of a tree made of reflinks, and the removal of a tree.
#ifndef CALF_TREE_H
#define CALF_TREE_H

#include "kernel/types.h"

// What tree_clone did, for the curious (clonetree prints it).
struct tree_stats {
  int dirs;    // directories made
  int files;   // files cloned
  int skipped; // devices and other entries left out
};

// Make dst (which must not exist) a copy of the directory tree src: the
// same directories, and a clonefile of every regular file, so that no data
// block is copied. Modes are kept, and owners too if the caller is root.
// All or nothing: on failure the part already made is removed, and -1.
// stats may be 0.
int tree_clone(const char *src, const char *dst, struct tree_stats *stats);
// Remove the tree path: every file and directory below it, then path
// itself. 0, or -1 (what could be removed is).
int tree_remove(const char *path);

#endif
