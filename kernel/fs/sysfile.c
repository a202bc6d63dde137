// File-system system calls: argument checking, then calls into the file,
// inode, directory and pipe layers.
//
// Everything user space hands us is suspect: a descriptor must be in
// range and open, a length non-negative, a path mapped and shorter than
// MAXPATH, and a buffer mapped (the copy routines check that). Any
// failure is a -1 return, never a panic. Permission checks (kernel/fs/
// perm.c): open needs r or w on the file; a new or removed name needs w
// and x on its directory; chdir needs x; path lookup needs x on every
// directory it passes through (kernel/fs/dir.c).
//
// Invariant: every call that may write the disk, including any iput,
// runs between begin_op() and end_op(), and a process's ofile[] entries
// each hold one reference on their struct file.

#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/fs.h"
#include "kernel/fsstat.h"
#include "kernel/dev/virtio_blk.h"
#include "kernel/fs/balloc.h"
#include "kernel/fs/file.h"
#include "kernel/fs/filemap.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/log.h"
#include "kernel/fs/perm.h"
#include "kernel/fs/pipe.h"
#include "kernel/fs/reclaim.h"
#include "kernel/fs/reflink.h"
#include "kernel/fs/sysfile.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/mm/uaccess.h"
#include "kernel/mm/mmap.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/cred.h"
#include "kernel/proc/sysargs.h"

// The most links an inode may have. Without a limit, struct dinode's
// short nlink wrapped negative after 32,767 links, and the next unlink
// panicked. link refuses a name beyond it, mkdir a subdirectory whose
// ".." would be one (Unix's EMLINK). 1000 is far more directories than
// this disk has inodes, and few enough links for a test to reach the
// limit in seconds (user/reltest.c).
#define NLINK_MAX 1000

// Fetch the n'th argument as a descriptor of the calling process and
// return its open file, or 0 if it is not one. *pfd gets the number.
static struct file *argfd(int n, int *pfd) {
  int fd;
  argint(n, &fd);
  if (fd < 0 || fd >= NOFILE)
    return 0;
  struct file *f = myproc()->ofile[fd];
  if (f && pfd)
    *pfd = fd;
  return f;
}

// Give f the lowest free descriptor of the calling process. On success
// the descriptor takes over the caller's reference to f.
static int fdalloc(struct file *f) {
  struct proc *p = myproc();
  for (int fd = 0; fd < NOFILE; fd++) {
    if (p->ofile[fd] == 0) {
      p->ofile[fd] = f;
      return fd;
    }
  }
  return -1;
}

uint64 sys_dup(void) {
  struct file *f = argfd(0, 0);
  if (f == 0)
    return -1;
  int fd = fdalloc(f);
  if (fd < 0)
    return -1;
  filedup(f);
  return fd;
}

// The (file, user address, length) arguments of read and write.
static struct file *arg_io(uint64 *addr, int *n) {
  argaddr(1, addr);
  argint(2, n);
  if (*n < 0)
    return 0;
  return argfd(0, 0);
}

uint64 sys_read(void) {
  uint64 addr;
  int n;
  struct file *f = arg_io(&addr, &n);
  return f ? fileread(f, addr, n) : -1;
}

uint64 sys_write(void) {
  uint64 addr;
  int n;
  struct file *f = arg_io(&addr, &n);
  return f ? filewrite(f, addr, n) : -1;
}

uint64 sys_close(void) {
  int fd;
  struct file *f = argfd(0, &fd);
  if (f == 0)
    return -1;
  myproc()->ofile[fd] = 0;
  fileclose(f);
  return 0;
}

uint64 sys_fstat(void) {
  uint64 st;
  argaddr(1, &st);
  struct file *f = argfd(0, 0);
  return f ? filestat(f, st) : -1;
}

// fsync(fd): durable when it returns, under every commit mode.
uint64 sys_fsync(void) {
  struct file *f = argfd(0, 0);
  return f ? filesync(f) : -1;
}

// sync(): every file system call that has returned is durable.
uint64 sys_sync(void) {
  log_sync();
  return 0;
}

// Make a new name, new, for the existing file old.
uint64 sys_link(void) {
  char old[MAXPATH], new[MAXPATH], name[DIRSIZ];

  if (argstr(0, old, MAXPATH) < 0 || argstr(1, new, MAXPATH) < 0)
    return -1;

  struct inode *ip = namei_in_op(old);
  if (ip == 0)
    return -1;
  // Links to directories would allow cycles.
  if (ip->type == T_DIR || ip->nlink >= NLINK_MAX) {
    iunlockput(ip);
    end_op();
    return -1;
  }

  // Count the link first: a crash between the two steps then leaves a
  // link count too high, which wastes an inode, rather than too low,
  // which would free a file that is still named.
  ip->nlink++;
  iupdate(ip);
  iunlock(ip);

  struct inode *dp = nameiparent(new, name);
  if (dp) {
    ilock(dp);
    int ok = dp->dev == ip->dev && inode_permission(dp, MAY_WRITE | MAY_EXEC) == 0 &&
             dirlink(dp, name, ip->inum) == 0;
    iunlockput(dp);
    if (ok) {
      iput(ip);
      end_op();
      return 0;
    }
  }

  ilock(ip);
  ip->nlink--;
  iupdate(ip);
  iunlockput(ip);
  end_op();
  return -1;
}

// Is directory dp empty apart from "." and ".."? A directory that cannot
// be read counts as non-empty, so it is never removed.
static int isdirempty(struct inode *dp) {
  struct dirent de;
  for (uint off = 2 * sizeof(de); off < dp->size; off += sizeof(de)) {
    if (readi(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
      return 0;
    if (de.inum != 0)
      return 0;
  }
  return 1;
}

// Remove the directory entry for name (of inode ip) at offset off of dp.
// Both are locked. Returns 0, or -1 if the entry may not go.
static int unlink_entry(struct inode *dp, struct inode *ip, uint off) {
  struct dirent de;

  if (ip->nlink < 1)
    panic("unlink: inode %d has no links", ip->inum);
  if (ip->type == T_DIR && !isdirempty(ip))
    return -1;

  memset(&de, 0, sizeof(de));
  if (writei(dp, 0, (uint64)&de, off, sizeof(de)) != sizeof(de))
    return -1;
  if (ip->type == T_DIR) {
    dp->nlink--; // the child's ".." no longer names dp
    iupdate(dp);
  }
  ip->nlink--;
  iupdate(ip);
  // Nothing names it now, but it may be open: until its space is free,
  // the orphan list accounts for it (kernel/fs/reclaim.c).
  if (ip->nlink == 0)
    orphan_add(ip);
  return 0;
}

uint64 sys_unlink(void) {
  char path[MAXPATH], name[DIRSIZ];
  uint off;

  if (argstr(0, path, MAXPATH) < 0)
    return -1;

  begin_op();
  struct inode *dp = nameiparent(path, name);
  if (dp == 0) {
    end_op();
    return -1;
  }
  ilock(dp);

  int r = -1;
  struct inode *ip = 0;
  // "." and ".." are part of a directory's structure, not names to remove.
  // Removing a name writes the directory.
  if (namecmp(name, ".") != 0 && namecmp(name, "..") != 0 &&
      inode_permission(dp, MAY_WRITE | MAY_EXEC) == 0)
    ip = dirlookup(dp, name, &off);
  if (ip) {
    ilock(ip);
    r = unlink_entry(dp, ip, off);
  }
  // dp before ip: the last iput of ip may free a big file over several
  // transactions (kernel/fs/reclaim.c), holding no other lock.
  iunlockput(dp);
  if (ip)
    iunlockput(ip);
  end_op();
  reclaim_run();
  return r;
}

// Create path as a new inode of the given type and return it locked.
// Opening an existing file with O_CREATE is not an error, so for T_FILE
// an existing file or device is returned instead; *made says which.
// Returns 0 on failure. The caller is inside a transaction.
static struct inode *create(char *path, short type, short major, short minor, int *made) {
  char name[DIRSIZ];
  *made = 0;

  struct inode *dp = nameiparent(path, name);
  if (dp == 0)
    return 0;
  ilock(dp);

  struct inode *ip = dirlookup(dp, name, 0);
  if (ip) {
    iunlockput(dp);
    ilock(ip);
    if (type == T_FILE && (ip->type == T_FILE || ip->type == T_DEVICE))
      return ip;
    iunlockput(ip);
    return 0;
  }

  // A new name writes the directory; a new subdirectory's ".." is one
  // more link to it.
  if (inode_permission(dp, MAY_WRITE | MAY_EXEC) < 0 || dp->nlink < 1 ||
      (type == T_DIR && dp->nlink >= NLINK_MAX) || (ip = ialloc(dp->dev, type)) == 0) {
    iunlockput(dp);
    return 0;
  }
  ilock(ip);
  ip->major = major;
  ip->minor = minor;
  ip->nlink = 1;
  inode_init_owner(ip);
  iupdate(ip);

  // A new directory names itself and its parent. Its "." is not counted
  // in its own nlink, to avoid a cycle of counts; its ".." is counted in
  // the parent's, below.
  if (type == T_DIR &&
      (dirlink(ip, ".", ip->inum) < 0 || dirlink(ip, "..", dp->inum) < 0))
    goto fail;
  if (dirlink(dp, name, ip->inum) < 0)
    goto fail;
  if (type == T_DIR) {
    dp->nlink++;
    iupdate(dp);
  }
  iunlockput(dp);
  *made = 1;
  return ip;

fail:
  // Unnamed and unlinked, the inode is freed by its last iput.
  ip->nlink = 0;
  iupdate(ip);
  iunlockput(ip);
  iunlockput(dp);
  return 0;
}

// Find (or, with O_CREATE, make) the inode for an open and return it
// locked, or 0 if it may not be opened in this mode. A file this open
// just created is the caller's to use whatever its mode says.
static struct inode *open_inode(char *path, int omode) {
  struct inode *ip;
  int made = 0;

  if (omode & O_CREATE) {
    ip = create(path, T_FILE, 0, 0, &made);
  } else {
    ip = namei(path);
    if (ip)
      ilock(ip);
  }
  if (ip == 0)
    return 0;

  if ((ip->type == T_DIR && omode != O_RDONLY) ||
      (ip->type == T_DEVICE && (ip->major < 0 || ip->major >= NDEV)) ||
      (!made && open_permission(ip, omode) < 0)) {
    iunlockput(ip);
    return 0;
  }
  // A program some process runs may be neither written nor truncated
  // (ETXTBSY, kernel/fs/filemap.c).
  int writes = (omode & (O_WRONLY | O_RDWR)) != 0;
  if (ip->type == T_FILE && (writes || (omode & O_TRUNC)) &&
      (writes ? write_begin(ip) : exe_running(ip)) < 0) {
    iunlockput(ip);
    return 0;
  }
  return ip;
}

// Open path as a new open file (not yet in any descriptor table): the
// work of open(), shared with spawn's file actions. Returns 0 on failure.
struct file *file_open(char *path, int omode) {
  begin_op();
  struct inode *ip = open_inode(path, omode);
  if (ip == 0) {
    end_op();
    return 0;
  }
  struct file *f = filealloc();
  if (f == 0) {
    if (ip->type == T_FILE && (omode & (O_WRONLY | O_RDWR)))
      write_end(ip); // open_inode counted it
    iunlockput(ip);
    end_op();
    return 0;
  }

  if (ip->type == T_DEVICE) {
    f->type = FD_DEVICE;
    f->major = ip->major;
  } else {
    f->type = FD_INODE;
    f->off = 0;
  }
  f->ip = ip;
  f->readable = !(omode & O_WRONLY);
  f->writable = (omode & O_WRONLY) || (omode & O_RDWR);
  // The file keeps the creds it was opened with: reads and writes check
  // nothing more, so it works on after a chmod or a setuid.
  f->f_cred = get_cred(current_cred());

  if ((omode & O_TRUNC) && ip->type == T_FILE)
    itrunc(ip);

  iunlock(ip);
  end_op();
  return f;
}

uint64 sys_open(void) {
  char path[MAXPATH];
  int omode;

  argint(1, &omode);
  if (argstr(0, path, MAXPATH) < 0)
    return -1;
  struct file *f = file_open(path, omode);
  if (f == 0)
    return -1;
  int fd = fdalloc(f);
  if (fd < 0)
    fileclose(f);
  return fd;
}

// Create a directory, or a device node, at the path in argument 0.
static uint64 make_node(short type, short major, short minor) {
  char path[MAXPATH];

  if (argstr(0, path, MAXPATH) < 0)
    return -1;
  int made;
  begin_op();
  struct inode *ip = create(path, type, major, minor, &made);
  if (ip == 0) {
    end_op();
    return -1;
  }
  iunlockput(ip);
  end_op();
  return 0;
}

uint64 sys_mkdir(void) { return make_node(T_DIR, 0, 0); }

// mknod: root only. A device node hands its driver to whoever may open it.
uint64 sys_mknod(void) {
  int major, minor;
  argint(1, &major);
  argint(2, &minor);
  if (current_cred()->euid != 0)
    return -1;
  return make_node(T_DEVICE, major, minor);
}

uint64 sys_chdir(void) {
  char path[MAXPATH];
  struct proc *p = myproc();

  if (argstr(0, path, MAXPATH) < 0)
    return -1;
  struct inode *ip = namei_dir_in_op(path);
  if (ip == 0)
    return -1;
  iput(p->cwd);
  end_op();
  p->cwd = ip;
  return 0;
}

uint64 sys_pipe(void) {
  uint64 fdarray; // user pointer to an array of two ints
  struct file *rf, *wf;
  struct proc *p = myproc();

  argaddr(0, &fdarray);
  if (pipealloc(&rf, &wf) < 0)
    return -1;

  int fds[2];
  fds[0] = fdalloc(rf);
  fds[1] = fds[0] < 0 ? -1 : fdalloc(wf);
  if (fds[1] < 0 || copyout(p->pagetable, fdarray, fds, sizeof(fds)) < 0) {
    // Undo: the descriptors were never visible to the process.
    if (fds[0] >= 0)
      p->ofile[fds[0]] = 0;
    if (fds[1] >= 0)
      p->ofile[fds[1]] = 0;
    fileclose(rf);
    fileclose(wf);
    return -1;
  }
  return 0;
}

// fsstat(struct fsstat *st): the file system's block and inode figures
// and the disk's write and flush counts. Reads the tables without a
// transaction, so figures taken while others write are a moment's view.
uint64 sys_fsstat(void) {
  uint64 addr;
  argaddr(0, &addr);
  struct fsstat st;
  memset(&st, 0, sizeof(st));
  block_stats(ROOTDEV, &st);
  inode_stats(ROOTDEV, &st);
  virtio_blk_stats(&st.reads, &st.writes, &st.flushes);
  log_stats(&st.commits, &st.commitmode);
  st.files = file_table_used();
  return copyout(myproc()->pagetable, addr, (char *)&st, sizeof(st));
}

// clonefile(src, dst): a reflink (kernel/fs/reflink.c).
uint64 sys_clonefile(void) {
  char srcpath[MAXPATH], dstpath[MAXPATH];
  if (argstr(0, srcpath, MAXPATH) < 0 || argstr(1, dstpath, MAXPATH) < 0)
    return -1;
  return clonefile(srcpath, dstpath);
}

// mmap(addr, len, prot, flags, fd, off): map a file (or, with
// MAP_ANONYMOUS, fresh zeroed memory; fd is then ignored). Returns the
// address, or -1 ((void *)-1 to the caller). docs/pagecache.md.
uint64 sys_mmap(void) {
  uint64 addr, len, off;
  int prot, flags;
  argaddr(0, &addr);
  argaddr(1, &len);
  argint(2, &prot);
  argint(3, &flags);
  argaddr(5, &off);
  if (flags & MAP_ANONYMOUS)
    return off == 0 ? vma_map(myproc(), addr, len, prot, flags, 0, 0, 0) : -1;
  return file_mmap(argfd(4, 0), addr, len, prot, flags, off);
}
