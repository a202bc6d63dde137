// Inodes, directories and path names. See kernel/fs/inode.c (the inode
// table, reading and writing inodes and their data), kernel/fs/bmap.c
// (block mapping), kernel/fs/dir.c (directories and path lookup).
#ifndef CALF_INODE_H
#define CALF_INODE_H

#include "kernel/types.h"
#include "kernel/fs.h"
#include "kernel/sync/sleeplock.h"

struct stat;
struct fsstat;

// in-memory copy of an inode
struct inode {
  uint dev;  // device number
  uint inum; // inode number
  int ref;   // reference count
  struct sleeplock lock; // protects everything below here
  int valid; // inode has been read from disk?

  short type; // copy of disk inode
  short major;
  short minor;
  short nlink;
  uint size;
  uint addrs[NDIRECT + 2];
  int uid; // owner
  int gid;
  int mode; // rwx bits and S_ISUID/S_ISGID (kernel/stat.h); see kernel/fs/perm.c
  int writers; // open files and shared mappings that may write it (atomic;
               // kernel/fs/filemap.c: ETXTBSY)
  int running; // processes running it as their program (atomic; the same)
};

extern struct superblock sb;

void fsinit(int dev);
void iinit(void);
struct inode *ialloc(uint dev, short type);
struct inode *iget(uint dev, uint inum); // 0 if the inode table is full
struct inode *idup(struct inode *ip);
void ilock(struct inode *ip);
void iunlock(struct inode *ip);
void iput(struct inode *ip);
void iunlockput(struct inode *ip);
// iput outside any transaction: in one of its own, and a big file it frees
// finished after (kernel/fs/reclaim.c). Open files, mappings, programs.
void iput_alone(struct inode *ip);
void iupdate(struct inode *ip);
void stati(struct inode *ip, struct stat *st);
// Fill in st's inode figures (ninodes, ifree).
void inode_stats(uint dev, struct fsstat *st);
// Read/write n bytes at offset off; user_dst/user_src select a user or
// kernel address. Return bytes moved, or -1.
int readi(struct inode *ip, int user_dst, uint64 dst, uint off, uint n);
int writei(struct inode *ip, int user_src, uint64 src, uint off, uint n);
// Read n bytes at off, all inside the file, from the disk into kernel
// memory, around the page cache (which fills itself with it). Returns n,
// or less if the disk fails. Caller holds ip->lock.
int inode_read_blocks(struct inode *ip, char *dst, uint off, uint n);

int namecmp(const char *s, const char *t);
struct inode *dirlookup(struct inode *dp, char *name, uint *poff);
int dirlink(struct inode *dp, char *name, uint inum);
struct inode *namei(char *path);
struct inode *nameiparent(char *path, char *name);
// Begin a transaction and look path up in it. Returns the inode locked,
// for the caller to iunlockput before end_op; or 0, with the transaction
// already ended, if there is no such path.
struct inode *namei_in_op(char *path);
// The same for a directory the caller may search (chdir, chroot): returned
// referenced but unlocked, the transaction still open for the caller to
// end once it has stored the pointer; or 0, with it ended.
struct inode *namei_dir_in_op(char *path);

#endif
