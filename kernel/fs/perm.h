// File permissions: who may read, write or execute an inode, and who may
// change its owner and mode (kernel/fs/perm.c).
#ifndef CALF_PERM_H
#define CALF_PERM_H

#include "kernel/types.h"

struct inode;
struct cred;

// What a caller may want, as the bits of one rwx triple.
#define MAY_EXEC 1 // run a file; search (look names up in) a directory
#define MAY_WRITE 2
#define MAY_READ 4

// 0 if the caller's creds allow every bit of may on ip, else -1. ip locked.
int inode_permission(struct inode *ip, int may);
// The same for open() with these O_ flags (kernel/fcntl.h).
int open_permission(struct inode *ip, int omode);
// A new inode's owner and mode: the caller's euid and egid, and 0777
// (directories) or 0666 (others) less the caller's umask. ip locked.
void inode_init_owner(struct inode *ip);
// exec's hook, with ip locked: -1 if the caller may not execute ip.
// Otherwise *newp is 0 (the identity stays) or a prepared cred with the
// setuid/setgid switch applied, for the caller to commit at exec's point
// of no return (or abort_creds on failure).
int exec_prepare_creds(struct inode *ip, struct cred **newp);

// chmod and chown on ip (locked), if the caller's creds allow them: 0, or
// -1 with ip unchanged. The caller writes ip back (iupdate).
int inode_chmod(struct inode *ip, int mode);
int inode_chown(struct inode *ip, int uid, int gid); // -1 keeps that id

#endif
