// A path for an inode, found by searching p's directory tree
// (kernel/fs/ipath.c).
#ifndef CALF_IPATH_H
#define CALF_IPATH_H

struct proc;
struct inode;

// Write a path from p's root that names ip into buf (max bytes with the
// NUL): 0, or -1 if none was found (unlinked, too deep, too long).
int inode_path(struct proc *p, struct inode *ip, char *buf, int max);

#endif
