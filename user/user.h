// The user-space API: system calls (user/usys.S) and the small C library
// (user/ulib.c, user/printf.c, user/umalloc.c). Every declaration of
// xv6-riscv's user.h is here with the same signature, so xv6 lab programs
// build unchanged; calf's own calls follow.
#ifndef CALF_USER_H
#define CALF_USER_H

#include "kernel/types.h"
#include "kernel/vmstat.h"
#include "kernel/rcustat.h"
#include "kernel/spawn.h"
#include "kernel/fsstat.h"
#include "kernel/injectstat.h"
#include "kernel/ckpt.h"

struct stat;

// The C types mmap's interface names, as the MIT labs' user.h (2025) has
// them.
typedef unsigned long size_t;
typedef long int off_t;

// What sbrk and sbrklazy return when they cannot grow the heap: the
// address -1, under the name xv6 2025's user.h gives it.
#define SBRK_ERROR ((char *)-1)

// system calls
int fork(void);
int exit(int) __attribute__((noreturn));
int wait(int *);
int pipe(int *);
int write(int, const void *, int);
int read(int, void *, int);
int close(int);
int kill(int);
int exec(const char *, char **);
int open(const char *, int);
int mknod(const char *, short, short);
int unlink(const char *);
int fstat(int fd, struct stat *);
int link(const char *, const char *);
int mkdir(const char *);
int chdir(const char *);
int dup(int);
int getpid(void);
char *sbrk(int);
int pause(int);   // sleep for n clock ticks (xv6 2025's name)
int sleep(int);   // the same call under its classic name
int uptime(void); // clock ticks since boot
int poweroff(void); // shut the machine down (QEMU exits 0)
char *sbrklazy(int); // grow the heap; frames arrive on first touch
int memstat(struct memstat *);
int procstat(int pid, struct procstat *);
int frameinfo(void *va, struct frameinfo *);
int forkmode(int mode); // FORK_EAGER, FORK_COW or FORK_SHAREDPT; returns the previous mode
int memcheck(void); // debug: frames whose count disagrees with their PTEs (0 = none)
int proclist(int *pids, int max); // live pids; returns how many
// Start path with argv as a new child, after applying actions (may be 0)
// to its file descriptors. Returns the pid, or -1 with no child created.
int spawn(const char *path, char **argv, const struct spawn_actions *actions);
// Snapshots of the caller's memory and registers: snapshot() returns an id
// (> 0), and 0 again when rollback(id) later resumes from it; rollback
// does not return on success. snapdrop(id) frees one. -1 on error.
int snapshot(void);
int rollback(int id);
int snapdrop(int id);
// File reflinks: make dst, which must not exist, a new regular file that
// shares src's data blocks (copy-on-write on disk). -1 on error, with the
// file system unchanged.
int clonefile(const char *src, const char *dst);
int fsstat(struct fsstat *); // block, inode and disk counters (df)
// A process's root directory (docs/containers.md): root only. path becomes
// where absolute paths start and ".." stops, and the current directory;
// children and exec keep it. -1 on error, nothing changed.
int chroot(const char *path);
// Checkpoint and restore (docs/checkpoint.md). checkpoint writes process
// pid's state to path (created with the caller's credentials); flags 0
// lets it continue, CKPT_KILL kills it after. The caller must be allowed
// to kill pid and may not name itself (pid 0 or its own). 0, or -1.
// restore starts a child of the caller from the image at path, mode
// RESTORE_EAGER or RESTORE_LAZY, running as the caller: its pid, or -1.
int checkpoint(int pid, const char *path, int flags);
int restore(const char *path, int mode);
// Fault injection, root only (docs/inject.md): op INJECT_SET with a policy
// string, INJECT_ENTER/INJECT_LEAVE (arg unused), INJECT_STAT with a
// struct injectstat *. -1 on error.
int inject(int op, const void *arg);
// Users and groups (docs/creds.md). set*id: root may set anything, others
// only switch the effective id to the real or saved one. -1 on error,
// with nothing changed.
int getuid(void);
int geteuid(void);
int getgid(void);
int getegid(void);
int setuid(int);
int setgid(int);
int seteuid(int);
int setegid(int);
int setgroups(int n, const int *gids); // root only; stored sorted
int getgroups(int n, int *gids);       // n == 0: just the count
int chmod(const char *path, int mode); // the owner or root
int chown(const char *path, int uid, int gid); // root; -1 keeps an id
// Memory mappings (docs/pagecache.md), with the MIT mmap lab's interface:
// PROT_*, MAP_* and MS_* are in kernel/fcntl.h. mmap returns the address,
// or (void *)-1 on error; munmap and msync 0 or -1.
void *mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int munmap(void *addr, size_t len);
int msync(void *addr, size_t len, int flags);
int fsync(int fd); // the file durable (commits the log: every change before it)
int sync(void);    // every change made so far durable
int umask(int mask);                   // returns the old mask
int rcustat(struct rcustat *);         // RCU and cred counters (docs/rcu.md)
int credid(void); // debug: which cred object the caller uses

// ulib.c
int stat(const char *, struct stat *);
char *strcpy(char *, const char *);
void *memmove(void *, const void *, int);
char *strchr(const char *, char c);
int strcmp(const char *, const char *);
char *gets(char *, int max);
uint strlen(const char *);
void *memset(void *, int, uint);
int atoi(const char *);
int memcmp(const void *, const void *, uint);
void *memcpy(void *, const void *, uint);
uint64 rdtime(void);    // the time CSR: ticks of the 10 MHz timebase
uint64 rdcycle(void);
uint64 rdinstret(void);

// spawn_actions helpers (ulib.c): each returns 0, or -1 if the list is full.
void spawn_actions_init(struct spawn_actions *);
int spawn_add_open(struct spawn_actions *, int fd, const char *path, int omode);
int spawn_add_close(struct spawn_actions *, int fd);
int spawn_add_dup2(struct spawn_actions *, int fd, int newfd);

// printf.c
void fprintf(int, const char *, ...) __attribute__((format(printf, 2, 3)));
void printf(const char *, ...) __attribute__((format(printf, 1, 2)));
void column(const char *s, int w); // s right-aligned in w columns, on stdout
void column_num(uint64 v, int w);

// umalloc.c
void *malloc(uint);
void free(void *);

#endif
