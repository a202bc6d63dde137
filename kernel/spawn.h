// spawn()'s file actions, shared by the kernel and user/user.h.
//
// A spawn_actions list is an ordered list of changes to the child's file
// descriptors, applied in the child, in order, before it runs: open a path
// on a descriptor, close one, or dup2 one onto another. user/ulib.c has
// helpers that build the list.
#ifndef CALF_SPAWN_H
#define CALF_SPAWN_H

#define SPAWN_MAX_ACTIONS 16

#define SPAWN_OPEN 1  // fd = open(path, omode)
#define SPAWN_CLOSE 2 // close(fd)
#define SPAWN_DUP2 3  // dup2(fd, newfd): newfd refers to what fd does

struct spawn_action {
  int op;
  int fd;
  int newfd;          // SPAWN_DUP2 only
  int omode;          // SPAWN_OPEN only
  const char *path;   // SPAWN_OPEN only
};

struct spawn_actions {
  int n;
  struct spawn_action a[SPAWN_MAX_ACTIONS];
};

#endif
