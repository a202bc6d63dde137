// fuzz: a seeded random system-call fuzzer (docs/reliability.md).
//
//   fuzz SEED ROUNDS [WORKERS [CALLS [MAPPCT]]]
//
// Prints the seed first, so any failure replays with the same arguments.
// Each round forks WORKERS children at once (default 4: one per hart),
// each of which makes CALLS (default 64) system calls by ecall: every call
// number (fsync and sync too: under commit=group, which the harness boots
// one seed with, they commit the log under the other workers' operations),
// numbers past the end and negative ones, with arguments drawn
// from a hostile pool (kernel, unaligned, unmapped and read-only pointers,
// huge and negative sizes, bad descriptors and ids, long and deep paths,
// argv arrays with bad entries). MAPPCT percent of the calls (default
// 25) are mapping calls instead (mmap, munmap, msync and touches of mapped memory, below:
// "the mapping calls"). Half the rounds run as root, half as
// uid 5. A worker may die or be killed: that is its business. A watchdog
// kills workers that are stuck (reading the console, pausing for ever),
// and any process a worker left behind is killed before the checks.
//
// After each round, with everything it started gone, the kernel must be
// as before the round: memcheck() exact and 0, the same free frames, the
// same live cred objects, open-file and in-memory inode table entries
// (fsstat), the same free disk blocks and inodes (the scratch files
// removed). The harness runs fsck on the image afterwards.
// It prints "fuzz: FAILED ..." and exits 1 on the first difference, else
// "fuzz: OK ..." with the number of calls made.
//
// Invariant: workers touch the file system only under /fz, or by new
// names in / (a worker may chdir there), all of which the round's cleanup
// removes.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/stat.h"
#include "kernel/fs.h"
#include "kernel/param.h"
#include "kernel/syscall.h"
#include "kernel/spawn.h"
#include "kernel/vmstat.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "user/user.h"
#include "user/testlib.h"

#define MAXSYS 64          // call numbers 0..MAXSYS-1, then some past the end
#define WATCHDOG_TICKS 30  // a worker still alive after this is killed
#define SETTLE_TICKS 200   // counts may lag a little (RCU frees creds late)
#define PROGRESS_EVERY 8   // calls between progress bytes to the parent

static uint64 rng;

static uint64 next(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}

static uint64 pick(uint64 n) { return next() % n; }

static long ecall(long num, long *a) {
  register long a0 asm("a0") = a[0];
  register long a1 asm("a1") = a[1];
  register long a2 asm("a2") = a[2];
  register long a3 asm("a3") = a[3];
  register long a4 asm("a4") = a[4];
  register long a5 asm("a5") = a[5];
  register long a7 asm("a7") = num;
  asm volatile("ecall"
               : "+r"(a0)
               : "r"(a1), "r"(a2), "r"(a3), "r"(a4), "r"(a5), "r"(a7)
               : "memory");
  return a0;
}

// ---- the hostile pool ----

static char longpath[MAXPATH + 64];
static char deeppath[MAXPATH - 1];
static char *paths[] = {"fa", "fb", "fc", "fc/fd", "fc/fd/fe", "fb/fa", ".", "..", "",
                        "/", longpath, deeppath, "fa/", "//fa", "fc/../fa"};

static char *buf;          // a writable page of random bytes
static char *argv_ok[] = {"fa", "x", 0};
static char *argv_bad[] = {"fa", (char *)0x80200000UL, 0};
static char *argv_long[MAXARG + 8];
static struct spawn_actions actions;

static uint64 mapped_pointer(void);

static uint64 pointer(void) {
  static const uint64 fixed[] = {
      0, 1, 4095, 4096, 0x80000000UL, 0x80200000UL, 0x87fff000UL,
      0x3fffffe000UL, 0x3ffffff000UL, 0x4000000000UL, ~0UL, ~0UL - 4095,
      0x8000000000000000UL, 0x100,
  };
  switch (pick(10)) {
  case 0: case 1:
    return fixed[pick(sizeof(fixed) / sizeof(fixed[0]))];
  case 2:
    return (uint64)buf + pick(4096); // unaligned, maybe running off the page
  case 3:
    return (uint64)paths[pick(sizeof(paths) / sizeof(paths[0]))];
  case 4:
    return pick(3) == 0 ? (uint64)argv_bad : pick(2) ? (uint64)argv_ok : (uint64)argv_long;
  case 5:
    return (uint64)&actions;
  case 6:
    return (uint64)sbrk(0) - pick(3) * 4096 + pick(16); // the heap's edge, the guard page
  case 7:
    return mapped_pointer(); // a buffer in a mapping: copyin/copyout fault it in
  default:
    return (uint64)buf;
  }
}

static uint64 number(void) {
  static const uint64 fixed[] = {
      0, 1, 2, 3, 15, 16, 17, 63, 64, 100, 4096, 0x7fffffff, 0x80000000UL,
      0xffffffffUL, ~0UL, ~0UL - 1, 0x100000000UL, 0x8000000000000000UL,
      O_CREATE | O_RDWR, O_CREATE | O_WRONLY | O_TRUNC, 0777, 04755, 5,
  };
  switch (pick(4)) {
  case 0:
    return fixed[pick(sizeof(fixed) / sizeof(fixed[0]))];
  case 1:
    return pick(24);
  case 2:
    return next();
  default:
    return -(long)pick(5000);
  }
}

static long argument(void) { return pick(2) ? pointer() : number(); }

// The call number: mostly a real one, sometimes past the end or negative.
static long callnum(int root) {
  for (;;) {
    long n = pick(8) ? (long)pick(MAXSYS) : (long)(MAXSYS + pick(1 << 20)) * (pick(2) ? 1 : -1);
    // Root may stop the machine or kill init (checkpoint with CKPT_KILL
    // too): not bugs, so not fuzzed.
    if (root && (n == SYS_poweroff || n == SYS_kill || n == SYS_checkpoint))
      continue;
    return n;
  }
}

static void pool_init(void) {
  memset(longpath, 'L', sizeof(longpath) - 1);
  for (int i = 0; i + 2 < (int)sizeof(deeppath); i += 2) {
    deeppath[i] = 'd';
    deeppath[i + 1] = '/';
  }
  for (int i = 0; i < MAXARG + 7; i++)
    argv_long[i] = "x";
  buf = sbrk(4096);
  for (int i = 0; i < 4096; i++)
    buf[i] = next();
  memmove(&actions, buf, sizeof(actions) < 4096 ? sizeof(actions) : 4096);
  actions.n = 1;
}

// ---- the mapping calls ----
//
// mmap, munmap and msync with arguments aimed at their checks: addresses
// at and around the worker's own mappings (so ranges overlap, MAP_FIXED
// lands on existing mappings, munmap splits them), at the top of the
// mapping area and past it (MMAPMAX, the trap frame, MAXVA), unaligned;
// lengths of 0, 1, a page and a bit, huge and wrapping; every prot and
// flag bit; descriptors of a file (read-write, read-only, a running
// program), a pipe, a directory, a device, a closed and an impossible
// descriptor; offsets past the end of the file, unaligned and huge. And
// touches: a child loads and stores at random places in and around the
// mappings, and passes them to read and write as buffers (the kernel's
// own accesses fault the pages in, read() into a mapping of the file it
// reads included). A store to a read-only page or past the end of a file
// kills the child: that is an expected outcome, and the worker goes on.

#define MAXMAPS 16   // mappings a worker remembers (the kernel allows NVMA)
#define NMAPFD 9

static uint64 map_at[MAXMAPS], map_len[MAXMAPS];
static int nmaps;
static int mapfd[NMAPFD]; // a file rw, the same ro, another rw, a program,
                          // a pipe's two ends, "/", the console, a closed fd

static void remember(uint64 at, uint64 len) {
  int i = nmaps < MAXMAPS ? nmaps++ : pick(MAXMAPS);
  map_at[i] = at;
  map_len[i] = len;
}

// An address inside (or just past) a mapping the worker made, or the heap
// if it has none.
static uint64 mapped_pointer(void) {
  if (nmaps == 0)
    return (uint64)buf + pick(4096);
  int i = pick(nmaps);
  return map_at[i] + pick(map_len[i] + (pick(4) ? 1 : 2 * PGSIZE)); // mostly inside
}

static uint64 map_addr(void) {
  static const uint64 fixed[] = {
      0, PGSIZE, MMAPTOP, MMAPTOP - PGSIZE, MMAPMAX, MMAPMAX - PGSIZE, MMAPMAX + PGSIZE,
      TRAPFRAME, TRAMPOLINE, MAXVA, 1UL << 63, ~0UL - PGSIZE + 1, 0x80000000UL,
  };
  int i = nmaps ? pick(nmaps) : 0;
  switch (pick(8)) {
  case 0: case 1:
    return fixed[pick(sizeof(fixed) / sizeof(fixed[0]))];
  case 2: case 3: // over, inside or just after a mapping (page aligned)
    return nmaps ? map_at[i] + (pick(map_len[i] / PGSIZE + 3) - 1) * PGSIZE : MMAPTOP;
  case 4: // unaligned
    return nmaps ? map_at[i] + 1 + pick(PGSIZE - 1) : pick(1UL << 40);
  case 5: // somewhere in the mapping area, page aligned
    return MMAPTOP - (1 + pick(1 << 12)) * PGSIZE;
  case 6:
    return PGROUNDUP((uint64)sbrk(0)) + pick(4) * (1UL << 21); // just above the heap
  default:
    return pointer();
  }
}

static uint64 map_len_arg(void) {
  static const uint64 fixed[] = {
      0, 1, PGSIZE - 1, PGSIZE, PGSIZE + 1, 2 * PGSIZE, 1UL << 21, MMAPMAX, MMAPTOP,
      ~0UL, ~0UL - PGSIZE + 1, 1UL << 63, MAXVA, 0x7fffffff,
  };
  switch (pick(4)) {
  case 0:
    return fixed[pick(sizeof(fixed) / sizeof(fixed[0]))];
  case 1:
    return pick(16) * PGSIZE + pick(2) * pick(PGSIZE);
  case 2:
    return nmaps ? map_len[pick(nmaps)] : PGSIZE;
  default:
    return (1 + pick(4)) * PGSIZE;
  }
}

static long map_prot(void) {
  return pick(8) ? (long)pick(8) : (long)number();
}

static long map_flags(void) {
  static const int kinds[] = {MAP_SHARED, MAP_PRIVATE, MAP_SHARED | MAP_PRIVATE, 0};
  if (pick(10) == 0)
    return (long)number();
  return kinds[pick(2) ? pick(2) : pick(4)] | (pick(4) ? 0 : MAP_FIXED) |
         (pick(3) ? 0 : MAP_ANONYMOUS) | (pick(16) ? 0 : 1 << pick(31));
}

static long map_fd(void) {
  switch (pick(8)) {
  case 0:
    return (long)number(); // -1, huge, 1000: none such
  default:
    return mapfd[pick(NMAPFD)];
  }
}

// Half the time 0 (an anonymous mapping needs it, and most files are a
// few pages long), else inside, past the end, unaligned or huge.
static uint64 map_off(void) {
  static const uint64 fixed[] = {PGSIZE, 2 * PGSIZE, 1UL << 20, 1UL << 32, 1UL << 44,
                                 ~0UL - PGSIZE + 1, 1UL << 63, MAXVA, 100, PGSIZE + 1};
  switch (pick(4)) {
  case 0: case 1:
    return 0;
  case 2:
    return fixed[pick(sizeof(fixed) / sizeof(fixed[0]))];
  default:
    return pick(4) * PGSIZE + (pick(4) ? 0 : pick(PGSIZE));
  }
}

// The descriptors the mapping calls use. A worker may fail to make some
// (uid 5 cannot open another worker's file for writing): they stay -1.
static void map_fds(void) {
  for (int i = 0; i < NMAPFD; i++)
    mapfd[i] = -1;
  // Two shared files, so that workers' mappings of them meet; each grows
  // by a random amount, ending in a part page now and then.
  mapfd[0] = open(pick(2) ? "ma" : "mb", O_CREATE | O_RDWR);
  for (int n = pick(4); n > 0 && mapfd[0] >= 0; n--)
    write(mapfd[0], buf, pick(2) ? PGSIZE : 1 + pick(PGSIZE)); // buf: random bytes
  mapfd[1] = open("ma", O_RDONLY);
  mapfd[2] = open("mb", O_CREATE | O_RDWR);
  mapfd[3] = open("/fuzz", O_RDONLY); // a program that runs (this one)
  int p[2];
  if (pipe(p) == 0) {
    mapfd[4] = p[0];
    mapfd[5] = p[1];
  }
  mapfd[6] = open("/", O_RDONLY);
  mapfd[7] = open("/console", O_RDWR);
  mapfd[8] = open("/README", O_RDONLY);
  if (mapfd[8] >= 0)
    close(mapfd[8]); // stays a closed descriptor (until a later open reuses it)
}

// A child touches the mappings: loads, stores, and kernel copies.
static void touch_child(void) {
  for (int n = 1 + pick(8); n > 0; n--) {
    volatile char *a = (char *)mapped_pointer();
    switch (pick(6)) {
    case 0: case 1:
      (void)*a;
      break;
    case 2: case 3:
      *a = next();
      break;
    case 4: // read() into a mapping, perhaps of the very file it reads
      read(mapfd[pick(3)], (char *)a, pick(2) ? pick(64) : PGSIZE + pick(PGSIZE));
      break;
    default: // write() from a mapping
      write(mapfd[pick(2) ? 0 : 2], (char *)a, pick(2) ? pick(64) : PGSIZE + pick(PGSIZE));
      break;
    }
  }
  exit(0);
}

static void map_call(void) {
  long a[6] = {0};
  switch (pick(10)) {
  case 0: case 1: case 2: case 3: { // mmap
    a[0] = map_addr(), a[1] = map_len_arg(), a[2] = map_prot(), a[3] = map_flags();
    a[4] = map_fd(), a[5] = map_off();
    long r = ecall(SYS_mmap, a);
    if (r != -1) // where it went, and the length asked for (not rounded up)
      remember(r, (uint64)a[1] < (1UL << 30) ? a[1] : PGSIZE);
    break;
  }
  case 4: case 5: // munmap
    a[0] = map_addr(), a[1] = map_len_arg();
    ecall(SYS_munmap, a);
    break;
  case 6: // msync
    a[0] = map_addr(), a[1] = map_len_arg();
    a[2] = pick(4) ? (long)(1 << pick(3)) : (long)number(); // MS_ASYNC, MS_INVALIDATE, MS_SYNC
    ecall(SYS_msync, a);
    break;
  case 7: case 8: { // touch in a child, which may be killed for it
    int pid = fork();
    if (pid == 0)
      touch_child();
    if (pid > 0)
      wait(0);
    break;
  }
  default: // touch here: if it kills the worker, so be it (rarely)
    if (pick(8) == 0)
      (void)*(volatile char *)mapped_pointer();
    break;
  }
}

// ---- checkpoint and restore (docs/checkpoint.md) ----
//
// checkpoint of a process near the worker's pid (siblings, the watchdog,
// itself), of pid 0, 1 or none, into /fz/ck.img; and restore of that
// image, of a copy with random bytes changed (mostly in the header and
// tables, where the checks are), or of any file in the pool, in either
// mode or a bad one. Root never asks for CKPT_KILL: it could kill init or
// the shell, as root's kill could (so root's random calls skip
// checkpoint too). A restored process is a child that runs on as the
// worker did; the round's cleanup kills it with the rest.

#define CKPT_PCT 3 // percent of a worker's plain calls that are these

static void corrupt(const char *path) {
  for (int n = 1 + pick(4); n > 0; n--) {
    long where = pick(4) ? pick(4 * PGSIZE) : pick(64 * PGSIZE);
    char bytes[8];
    for (int i = 0; i < 8; i++)
      bytes[i] = pick(4) ? next() : 0xff;
    int fd = open(path, O_RDWR); // calf has no lseek: read up to the spot
    for (long off = 0; fd >= 0 && off + 512 <= where; off += 512)
      if (read(fd, buf, 512) != 512)
        break;
    write(fd, bytes, pick(8) + 1);
    close(fd);
  }
}

// A valid image: the workers hold the progress pipe, which checkpoint
// refuses, so a child without it spins while it is saved, then restored
// (and both killed).
static void ckpt_spinner(char *img) {
  int pid = fork();
  if (pid == 0) {
    for (int fd = 0; fd < NOFILE; fd++)
      close(fd);
    for (;;)
      next();
  }
  if (pid < 0)
    return;
  int r = checkpoint(pid, img, 0) == 0 ? restore(img, pick(2)) : -1;
  kill(pid);
  wait(0);
  if (r > 0) {
    kill(r);
    wait(0);
  }
}

static void ckpt_call(int root) {
  static char *img = "/fz/ck.img";
  if (pick(3) == 0) {
    ckpt_spinner(img);
    return;
  }
  switch (pick(4)) {
  case 0: {
    int pid = pick(4) ? getpid() + (int)pick(9) - 4 : (int)pick(3);
    checkpoint(pid, img, root ? 0 : (int)pick(4));
    break;
  }
  case 1:
    restore(img, pick(4) ? (int)pick(2) : (int)number());
    break;
  case 2:
    corrupt(img);
    restore(img, pick(2));
    break;
  default:
    restore(paths[pick(sizeof(paths) / sizeof(paths[0]))], pick(2));
    break;
  }
}

// ---- a worker ----

// Make calls calls, reporting progress on fd out (while it is open).
static int map_pct = 25; // percent of a worker's calls that are mapping calls

static void worker(int root, int calls, int out) {
  // setuid can fail (under fault injection, inject run fuzz): a worker
  // meant to be uid 5 must not go on as root, which may call poweroff.
  if (!root && setuid(5) < 0)
    exit(1);
  close(0);
  close(1);
  close(2);
  chdir("/fz");
  map_fds();
  // Half the root workers run chrooted in /fz (docs/containers.md): their
  // paths then start there and ".." stops there, as random calls find out;
  // map_fds's files, /fuzz among them, stay open from before.
  if (root && pick(2))
    chroot("/fz");
  char token = '.';
  for (int i = 1; i <= calls; i++) {
    if (pick(100) < map_pct) {
      map_call();
    } else if (pick(100) < CKPT_PCT) {
      ckpt_call(root);
    } else {
      long a[6];
      for (int k = 0; k < 6; k++)
        a[k] = argument();
      ecall(callnum(root), a);
    }
    if (i % PROGRESS_EVERY == 0)
      write(out, &token, 1); // fails quietly once the worker closed it
  }
  exit(0);
}

// ---- the round: workers, watchdog, strays ----

static struct procset base_procs; // alive before the first round

// Kill every process that was not there before the round, until none is
// left: the workers and the watchdog, which we reap, and their orphans,
// which init reaps. Returns 0, or -1 if some outlive SETTLE_TICKS.
static int kill_strays(void) {
  procset_strays(&base_procs, 1);
  while (wait(0) > 0)
    ;
  return procset_settle(&base_procs, 0, SETTLE_TICKS) < 0 ? -1 : 0;
}

// Run one round; returns the calls its workers reported.
static long round_run(int root, int nworkers, int calls) {
  int progress[2];
  if (pipe(progress) < 0)
    return -1;
  int pids[NCPU * 2];
  for (int w = 0; w < nworkers; w++) {
    uint64 seed = next();
    pids[w] = fork();
    if (pids[w] == 0) {
      rng = seed | 1;
      close(progress[0]);
      worker(root, calls, progress[1]);
    }
  }
  close(progress[1]);
  int dog = fork();
  if (dog == 0) {
    pause(WATCHDOG_TICKS);
    for (int w = 0; w < nworkers; w++)
      if (pids[w] > 0)
        kill(pids[w]);
    exit(0);
  }
  for (int w = 0; w < nworkers; w++)
    wait(0);
  if (dog > 0)
    kill(dog);
  char c;
  long made = 0;
  kill_strays();
  while (read(progress[0], &c, 1) == 1)
    made += PROGRESS_EVERY;
  close(progress[0]);
  return made;
}

// ---- cleanup and the checks ----

// Call f(dir, name) on every name in directory dir (but "." and "..").
static void dir_each(char *dir, void (*f)(char *dir, char *name)) {
  int fd = open(dir, O_RDONLY);
  struct dirent de;
  while (fd >= 0 && read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0 || strcmp(de.name, ".") == 0 || strcmp(de.name, "..") == 0)
      continue;
    char name[DIRSIZ + 1];
    memmove(name, de.name, DIRSIZ);
    name[DIRSIZ] = 0;
    f(dir, name);
  }
  if (fd >= 0)
    close(fd);
}

static void remove_tree(char *path);

static void remove_entry(char *dir, char *name) {
  char sub[MAXPATH];
  if (strlen(dir) + strlen(name) + 2 > sizeof(sub))
    return;
  strcpy(sub, dir);
  if (strcmp(dir, "/") != 0)
    strcpy(sub + strlen(sub), "/");
  strcpy(sub + strlen(sub), name);
  remove_tree(sub);
}

// Remove path and, if it is a directory, everything in it. (stat fails on
// a device node with a bad major number: that is not a directory.)
static void remove_tree(char *path) {
  struct stat st;
  if (stat(path, &st) == 0 && st.type == T_DIR) {
    chmod(path, 0755);
    dir_each(path, remove_entry);
  }
  unlink(path);
}

// The names in / before the fuzzing: a worker whose cwd is / (by chdir
// to "/" or "..") may make files there, named from the pool or from
// random bytes (a path pointer into buf).
#define MAXROOT 128
static char root_names[MAXROOT][DIRSIZ + 1];
static int nroot;

static void show(char *dir, char *name) { printf("fuzz: %s has '%s'\n", dir, name); }

static void root_remember(char *dir, char *name) {
  if (nroot < MAXROOT)
    strcpy(root_names[nroot++], name);
}

static void root_remove_new(char *dir, char *name) {
  for (int i = 0; i < nroot; i++)
    if (strcmp(root_names[i], name) == 0)
      return;
  remove_entry(dir, name);
}

// Put back what root workers may have changed outside /fz, and empty /fz.
static void cleanup(void) {
  forkmode(FORK_COW);
  chown("/", 0, 0);
  chmod("/", 0755);
  remove_tree("/fz");
  dir_each("/", root_remove_new);
  mkdir("/fz");
  chmod("/fz", 0777);
}

static int atoi_u(char *s) { return s ? atoi(s) : 0; }

int main(int argc, char *argv[]) {
  if (argc < 3) {
    printf("usage: fuzz SEED ROUNDS [WORKERS [CALLS [MAPPCT]]]\n");
    exit(2);
  }
  uint64 seed = atoi_u(argv[1]);
  int rounds = atoi_u(argv[2]);
  int nworkers = argc > 3 ? atoi_u(argv[3]) : 4;
  int calls = argc > 4 ? atoi_u(argv[4]) : 64;
  if (argc > 5)
    map_pct = atoi_u(argv[5]);
  if (nworkers < 1 || nworkers > NCPU * 2 || calls < 1) {
    printf("fuzz: 1 to %d workers, at least 1 call\n", NCPU * 2);
    exit(2);
  }
  printf("fuzz: seed %ld rounds %d workers %d calls %d mapping calls %d%%\n", seed, rounds,
         nworkers, calls, map_pct);
  rng = seed * 0x9E3779B97F4A7C15UL | 1;
  pool_init();
  remove_tree("/fz");
  dir_each("/", root_remember);
  cleanup();
  procset_note(&base_procs);
  struct sys_counts base = sys_counts(), now;
  long made = 0;
  for (int r = 0; r < rounds; r++) {
    int root = r % 2 == 0;
    long m = round_run(root, nworkers, calls);
    if (m < 0 || kill_strays() < 0) {
      printf("fuzz: FAILED seed %ld round %d: could not run or stop the workers\n", seed, r);
      exit(1);
    }
    made += m;
    cleanup();
    int bad = memcheck();
    if (bad != 0) {
      printf("fuzz: FAILED seed %ld round %d: memcheck %d\n", seed, r, bad);
      exit(1);
    }
    if (sys_counts_settle(base, &now, 1, SETTLE_TICKS) < 0) {
      printf("fuzz: FAILED seed %ld round %d (%s): ", seed, r, root ? "root" : "uid 5");
      sys_counts_print(base, now, 1);
      printf("\n");
      dir_each("/", show);
      exit(1);
    }
  }
  remove_tree("/fz");
  printf("fuzz: OK seed %ld: %d rounds, %ld calls made, counts back after every round\n", seed,
         rounds, made);
  exit(0);
}
