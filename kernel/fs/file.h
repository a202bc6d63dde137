// Open files: the objects that file descriptors point to. See kernel/fs/file.c.
#ifndef CALF_FILE_H
#define CALF_FILE_H

#include "kernel/types.h"
#include "kernel/param.h"

struct pipe;
struct inode;
struct cred;

struct file {
  enum { FD_NONE, FD_PIPE, FD_INODE, FD_DEVICE } type;
  int ref; // reference count
  char readable;
  char writable;
  struct pipe *pipe; // FD_PIPE
  struct inode *ip;  // FD_INODE and FD_DEVICE
  uint off;          // FD_INODE
  short major;       // FD_DEVICE
  struct cred *f_cred; // FD_INODE and FD_DEVICE: the opener's creds (a reference)
};

// map major device number to device functions.
struct devsw {
  int (*read)(int user_dst, uint64 dst, int n);
  int (*write)(int user_src, uint64 src, int n);
};

extern struct devsw devsw[];

#define CONSOLE 1

void fileinit(void);
uint file_table_used(void); // entries in use
struct file *filealloc(void);
void fileclose(struct file *f);
struct file *filedup(struct file *f);
int fileread(struct file *f, uint64 addr, int n);
int filewrite(struct file *f, uint64 addr, int n);
// fsync: the file's changes, mapped pages included, durable; -1 for a pipe.
int filesync(struct file *f);
int filestat(struct file *f, uint64 addr);

#endif
