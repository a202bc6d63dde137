// The exec and spawn system calls.
//
// spawn(path, argv, actions) starts a child running path without copying
// anything of the parent's memory or page tables: it allocates a process
// slot, loads the program straight into a new page table (exec's loader,
// image_load), builds the child's descriptor table from the parent's with
// the file actions applied, and only then lets the child run. Every
// failure is found before the child exists, so it comes back to the
// caller as -1, and nothing (process, frame, open file) is left behind.
#include "kernel/proc/sysexec.h"
#include "kernel/proc/exec.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sysargs.h"
#include "kernel/fs/chroot.h"
#include "kernel/fs/file.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/sysfile.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/vm.h"
#include "kernel/mm/uaccess.h"
#include "kernel/spawn.h"
#include "kernel/lib/string.h"

static void free_args(char **argv) {
  for (int i = 0; i < MAXARG && argv[i]; i++)
    frame_put(argv[i]);
}

// Copy the user's argv (a 0-terminated array of string pointers at uargv)
// into frames, one per string, in argv[0..MAXARG). The terminating 0 must
// fit too, so at most MAXARG - 1 strings. Returns 0, or -1 with argv
// holding only what must be freed.
static int fetch_args(uint64 uargv, char **argv) {
  memset(argv, 0, MAXARG * sizeof(char *));
  for (int i = 0; i < MAXARG; i++) {
    uint64 uarg;
    if (fetchaddr(uargv + sizeof(uint64) * i, &uarg) < 0)
      return -1;
    if (uarg == 0)
      return 0; // argv[i] is already 0
    argv[i] = frame_alloc();
    if (argv[i] == 0 || fetchstr(uarg, argv[i], PGSIZE) < 0)
      return -1;
  }
  return -1; // no terminator within MAXARG entries
}

uint64 sys_exec(void) {
  char path[MAXPATH];
  char *argv[MAXARG];
  uint64 uargv;

  argaddr(1, &uargv);
  if (argstr(0, path, MAXPATH) < 0)
    return -1;
  int r = fetch_args(uargv, argv) == 0 ? exec(path, argv) : -1;
  free_args(argv);
  return r;
}

// LAB spawn: BEGIN SOLUTION
static void close_all(struct file **ofile) {
  for (int fd = 0; fd < NOFILE; fd++) {
    if (ofile[fd])
      fileclose(ofile[fd]);
    ofile[fd] = 0;
  }
}

static int bad_fd(int fd) { return fd < 0 || fd >= NOFILE; }

// Apply one file action to a descriptor table under construction.
static int apply_action(struct spawn_action *a, struct file **ofile) {
  char path[MAXPATH];
  switch (a->op) {
  case SPAWN_OPEN: {
    if (bad_fd(a->fd) || fetchstr((uint64)a->path, path, MAXPATH) < 0)
      return -1;
    struct file *f = file_open(path, a->omode);
    if (f == 0)
      return -1;
    if (ofile[a->fd])
      fileclose(ofile[a->fd]);
    ofile[a->fd] = f;
    return 0;
  }
  case SPAWN_CLOSE:
    if (bad_fd(a->fd) || ofile[a->fd] == 0)
      return -1;
    fileclose(ofile[a->fd]);
    ofile[a->fd] = 0;
    return 0;
  case SPAWN_DUP2:
    if (bad_fd(a->fd) || bad_fd(a->newfd) || ofile[a->fd] == 0)
      return -1;
    if (a->fd == a->newfd)
      return 0;
    if (ofile[a->newfd])
      fileclose(ofile[a->newfd]);
    ofile[a->newfd] = filedup(ofile[a->fd]);
    return 0;
  }
  return -1; // unknown operation
}

// The child's descriptor table: the caller's, with the actions at user
// address uactions (0 for none) applied. Returns 0, or -1 with ofile empty.
static int build_files(uint64 uactions, struct file **ofile) {
  struct proc *p = myproc();
  for (int fd = 0; fd < NOFILE; fd++)
    ofile[fd] = p->ofile[fd] ? filedup(p->ofile[fd]) : 0;
  if (uactions == 0)
    return 0;
  // The list is a page at most, so it is copied in whole; the caller
  // cannot change it while we apply it.
  _Static_assert(sizeof(struct spawn_actions) <= PGSIZE, "spawn_actions fits a page");
  struct spawn_actions *acts = frame_alloc();
  int r = acts == 0 ? -1 : copyin(p->pagetable, acts, uactions, sizeof(*acts));
  if (r == 0 && (acts->n < 0 || acts->n > SPAWN_MAX_ACTIONS))
    r = -1;
  for (int i = 0; r == 0 && i < acts->n; i++)
    r = apply_action(&acts->a[i], ofile);
  if (acts)
    frame_put(acts);
  if (r < 0)
    close_all(ofile);
  return r;
}

// Start the program at path as a new child; returns its pid or -1.
static int spawn(char *path, char **argv, uint64 uactions) {
  struct file *ofile[NOFILE];
  if (build_files(uactions, ofile) < 0)
    return -1;
  struct proc *np = proc_alloc();
  if (np == 0) {
    close_all(ofile);
    return -1;
  }
  // Loading reads the disk, and may sleep: not with a spinlock held. The
  // slot is USED, so no scheduler or wait() touches it meanwhile.
  spin_unlock(&np->lock);
  struct image img;
  // The image maps shared page-cache frames from a table no audit sees
  // until it is installed: a mapping change (kernel/proc/exec.c's exec).
  frame_map_change_begin();
  if (image_load(np, path, argv, &img) < 0) {
    frame_map_change_end();
    spin_lock(&np->lock);
    proc_abort(np);
    close_all(ofile);
    return -1;
  }
  // The arguments are on the child's stack now: free their pages before
  // the child can run, so that no one counts them as used after spawn returns.
  free_args(argv);
  argv[0] = 0;
  // proc_alloc's empty page table gives way to the image's.
  proc_freepagetable(image_install(np, &img));
  frame_map_change_end();
  memmove(np->ofile, ofile, sizeof(ofile));
  np->cwd = idup(myproc()->cwd);
  root_inherit(np, myproc());
  spin_lock(&np->lock);
  return proc_start(np);
}

uint64 sys_spawn(void) {
  char path[MAXPATH];
  char *argv[MAXARG];
  uint64 uargv, uactions;

  argaddr(1, &uargv);
  argaddr(2, &uactions);
  if (argstr(0, path, MAXPATH) < 0)
    return -1;
  int r = fetch_args(uargv, argv) == 0 ? spawn(path, argv, uactions) : -1;
  free_args(argv);
  return r;
}
// LAB spawn: END SOLUTION
// LAB spawn: BEGIN STUB
// // Your job: start the program at path as a new child of the caller,
// // built from the ELF file, with the file actions applied to a copy of
// // the caller's descriptors (see docs/labs/spawn.md). Until then the
// // shell falls back to fork and exec.
// uint64 sys_spawn(void) {
//   return -1;
// }
// LAB spawn: END STUB
