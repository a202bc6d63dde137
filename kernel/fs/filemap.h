// Files in address spaces: mmap of a file, and the running-program rule
// (ETXTBSY) that keeps a program's file from changing under the processes
// that run it (kernel/fs/filemap.c, docs/pagecache.md).
#ifndef CALF_FILEMAP_H
#define CALF_FILEMAP_H

#include "kernel/types.h"

struct file;
struct inode;
struct proc;
struct vma;
struct vm_object_ops;

// mmap(addr, len, prot, flags, f, off) for an open file: checks the file
// (a regular file, opened for reading; for a shared writable mapping also
// for writing; off page aligned) and maps it. The address, or -1.
uint64 file_mmap(struct file *f, uint64 addr, uint64 len, int prot, int flags, uint64 off);
// The same into process p's address space (restore builds a process that
// is not running yet: kernel/proc/restore.c).
uint64 file_mmap_into(struct proc *p, struct file *f, uint64 addr, uint64 len, int prot,
                      int flags, uint64 off);
// The inode a mapping shows, or 0 if it is not a file mapping.
struct inode *filemap_inode(const struct vma *v);
// The object operations a lazily restored process's backing uses for its
// image file (an inode, counted as running while mapped).
const struct vm_object_ops *image_object_ops(void);
// Write home what mappings changed in ip (before a clone copies it).
void file_flush_mapped(struct inode *ip);

// The running-program rule. exec: ip (locked) becomes a program a process
// runs, unless a file open for writing names it (-1). Each process running
// it holds one count (exe_dup at fork, exe_end when it execs or exits;
// exe_end drops the inode reference too, in a transaction of its own).
int exe_begin(struct inode *ip);
void exe_dup(struct inode *ip);
void exe_end(struct inode *ip);
// open and mmap: may ip (locked) be written? -1 if a process runs it.
// write_begin counts a writer; write_end (fileclose) uncounts it.
int write_begin(struct inode *ip);
int exe_running(struct inode *ip); // -1 if a process runs ip (truncation), else 0
void write_end(struct inode *ip);

#endif
