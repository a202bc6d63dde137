// ckpttest: checkpoint and restore (docs/checkpoint.md).
//
// A worker (a forked child running work()) computes over its heap, a lazily
// reserved heap area, an anonymous mapping, a private file mapping it
// writes and a shared one it reads, and logs one line per step to a file
// it keeps open. Its log after an uninterrupted run is the reference: a
// run checkpointed halfway and restored (eager or lazy, killed or left to
// finish) must leave the same log, byte for byte, which also proves the
// file offsets, the current directory (the worker reopens its log by a
// relative name at the end) and a fork after restore right.
//
// Tests (ckpttest [NAME]): eager, lazy, continue, malformed (over 30 crafted
// images, each refused with every count back), perm (unprivileged users),
// refuse (self, no such pid, a pipe; an image already there stays as it
// was), asleep (targets in pause() and wait(), whose calls restart).
// reboot-save and reboot-restore are run by the harness around a reboot.
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "kernel/memlayout.h"
#include "kernel/riscv.h"
#include "user/user.h"
#include "user/testlib.h"

#define HEAP_PAGES 40
#define ANON_PAGES 12
#define PRIV_PAGES 3
#define STEPS 240
#define LINE 20 // every log line is this long

static uint mix(uint h, const char *p, int n) {
  for (int i = 0; i < n; i += 8)
    h = (h ^ (uchar)p[i]) * 16777619u;
  return h;
}

static void line(int fd, const char *what, uint v) {
  char buf[LINE + 1];
  memset(buf, ' ', LINE);
  buf[LINE - 1] = '\n';
  int n = strlen(what);
  memmove(buf, what, n);
  for (int i = 0; i < 8; i++)
    buf[n + 1 + i] = "0123456789abcdef"[(v >> (28 - 4 * i)) & 15];
  // Under fault injection a write may fail or stop short: finish it (a
  // failed write changes nothing; a short one wrote its first bytes).
  for (int done = 0, try = 0; done < LINE; try++) {
    check(try < 50, "log write");
    int n = write(fd, buf + done, LINE - done);
    done += n > 0 ? n : 0;
  }
}

// Try f until it gives something other than fail (fault injection).
#define RETRY(expr, fail)                                                      \
  ({                                                                           \
    __typeof__(expr) r_;                                                       \
    for (int t_ = 0; (r_ = (expr)) == (fail) && t_ < 50; t_++)                 \
      ;                                                                        \
    r_;                                                                        \
  })

// The worker: never returns.
static void work(const char *log, int steps) {
  int fd = RETRY(open(log, O_CREATE | O_WRONLY | O_TRUNC), -1);
  char *heap = RETRY(sbrk(HEAP_PAGES * PGSIZE), SBRK_ERROR);
  char *lazy = RETRY(sbrklazy(8 * PGSIZE), SBRK_ERROR);
  char *anon = RETRY((char *)mmap(0, ANON_PAGES * PGSIZE, PROT_READ | PROT_WRITE,
                                  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0), (char *)-1);
  int dfd = RETRY(open("ckdata", O_RDONLY), -1);
  char *priv = RETRY((char *)mmap(0, PRIV_PAGES * PGSIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, dfd, 0),
                     (char *)-1);
  close(dfd);
  int sfd = RETRY(open("ckshared", O_RDONLY), -1);
  char *shr = RETRY((char *)mmap(0, PGSIZE, PROT_READ, MAP_SHARED, sfd, 0), (char *)-1);
  char buf[10];
  check(fd >= 0 && heap != SBRK_ERROR && lazy != SBRK_ERROR && anon != (char *)-1 &&
            priv != (char *)-1 && shr != (char *)-1 && RETRY(read(sfd, buf, 10), -1) == 10,
        "worker setup");
  uint h = 1;
  for (int i = 0; i < steps; i++) {
    for (int p = 0; p < HEAP_PAGES; p++)
      heap[p * PGSIZE + (i * 7) % PGSIZE] += i + p;
    for (int p = 0; p < ANON_PAGES; p++)
      anon[p * PGSIZE + (i * 11) % PGSIZE] ^= i * p;
    priv[(i * 13) % (PRIV_PAGES * PGSIZE)] += 1;
    lazy[(i % 2) * 4 * PGSIZE + i % 64] += 1;
    for (int round = 0; round < 4; round++) {
      h = mix(h, heap, HEAP_PAGES * PGSIZE);
      h = mix(h, anon, ANON_PAGES * PGSIZE);
      h = mix(h, priv, PRIV_PAGES * PGSIZE);
      h = mix(h, shr, PGSIZE);
    }
    h = mix(h, lazy, 8);
    line(fd, "step", h);
  }
  check(read(sfd, buf, 10) == 10, "shared file read"); // its offset was kept
  h = mix(h, buf, 10);
  int pid = fork(); // after a lazy restore: the child faults pages in too
  if (pid == 0) {
    line(fd, "child", mix(mix(1, heap, HEAP_PAGES * PGSIZE), anon, ANON_PAGES * PGSIZE));
    exit(0);
  }
  wait(0);
  line(fd, "uid", getuid());
  line(fd, "end", h);
  struct stat st;
  int again = open(log, O_RDONLY); // by a relative name: the cwd was kept
  check(again >= 0 && fstat(again, &st) == 0 && st.size == (steps + 3) * LINE, "log length");
  exit(0);
}

static int start_worker(const char *log, int steps) {
  int pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0)
    work(log, steps);
  return pid;
}

static int file_size(const char *path) {
  struct stat st;
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  int r = fstat(fd, &st) == 0 ? (int)st.size : -1;
  close(fd);
  return r;
}

// Wait until the worker logged n lines.
static void wait_lines(const char *log, int n) {
  for (int t = 0; t < 2000 && file_size(log) < n * LINE; t++)
    pause(1);
  check(file_size(log) >= n * LINE, "worker did not log its first lines");
}

static int wait_status(int pid) {
  int st = -1;
  check(wait(&st) == pid, "wait");
  return st;
}

static char *slurp(const char *path, int *n) {
  *n = file_size(path);
  check(*n >= 0, "open to read");
  char *buf = malloc(*n + 1);
  int fd = open(path, O_RDONLY);
  check(buf && read(fd, buf, *n) == *n, "read whole file");
  close(fd);
  return buf;
}

// In a child, so that the buffers' heap goes with it (the counts a test
// compares include this process's frames).
static void same_files(const char *a, const char *b) {
  int kid = fork();
  check(kid >= 0, "fork");
  if (kid > 0) {
    check(wait_status(kid) == 0, "logs differ");
    return;
  }
  int na, nb;
  char *x = slurp(a, &na), *y = slurp(b, &nb);
  if (na != nb || memcmp(x, y, na) != 0) {
    printf("ckpttest %s: %s (%d bytes) and %s (%d bytes) differ\n", test_name, a, na, b, nb);
    fail("restored run's log differs from the uninterrupted run's");
  }
  exit(0);
}

static int put_file(const char *path, int bytes, int seed) {
  int fd = open(path, O_CREATE | O_WRONLY | O_TRUNC);
  char buf[256];
  for (int i = 0; fd >= 0 && i < bytes; i += sizeof(buf)) {
    for (int j = 0; j < (int)sizeof(buf); j++)
      buf[j] = seed + i + j * 3;
    if (write(fd, buf, sizeof(buf)) != sizeof(buf)) {
      close(fd);
      return -1;
    }
  }
  close(fd);
  return fd >= 0 ? 0 : -1;
}

static char *leftovers[] = {"ref.log", "run.log", "w.img", "good.img", "bad.img",
                            "steal.img", "x.img", "p.img", "ckdata", "ckshared", 0};

// A directory of its own for a test, with the worker's data files. (What
// a failed run left there goes first: under fault injection, runs fail.)
static void enter(const char *dir) {
  if (chdir(dir) == 0) {
    for (int i = 0; leftovers[i]; i++)
      unlink(leftovers[i]);
    chdir("/");
    unlink(dir);
  }
  // Under fault injection the setup may fail: try again (the test is of
  // checkpoint and restore, which should get to run).
  int ok = 0;
  for (int try = 0; try < 50 && !ok; try++)
    ok = (mkdir(dir) == 0 || chdir(dir) == 0) && chdir(dir) == 0 &&
         put_file("ckdata", PRIV_PAGES * PGSIZE, 1) == 0 && put_file("ckshared", PGSIZE, 7) == 0;
  check(ok, "mkdir, chdir, data files");
}

static void leave(const char *dir, char **names) {
  for (int i = 0; names[i]; i++)
    unlink(names[i]);
  unlink("ckdata");
  unlink("ckshared");
  check(chdir("/") == 0 && unlink(dir) == 0, "remove the test directory");
}

// The reference log, then a checkpointed run: killed at the checkpoint
// (kill) or left to finish, restored with mode, both logs compared.
static void round_trip(int mode, int kill_it) {
  struct sys_counts base = sys_counts(), now;
  enter("/ckt");
  EXPECT(wait_status(start_worker("ref.log", STEPS)), 0);
  int pid = start_worker("run.log", STEPS);
  wait_lines("run.log", 10);
  EXPECT(checkpoint(pid, "w.img", kill_it ? CKPT_KILL : 0), 0);
  int st = wait_status(pid);
  check(kill_it ? st != 0 : st == 0, "the target's fate after the checkpoint");
  struct memstat m0 = mem_stats();
  int r = restore("w.img", mode);
  check(r > 0, "restore");
  EXPECT(wait_status(r), 0);
  struct memstat m1 = mem_stats();
  if (mode == RESTORE_LAZY)
    check(m1.restore_faults > m0.restore_faults, "a lazy restore took no restore faults");
  same_files("ref.log", "run.log");
  leave("/ckt", (char *[]){"ref.log", "run.log", "w.img", 0});
  if (sys_counts_settle(base, &now, 1, 200) < 0) {
    sys_counts_print(base, now, 1);
    fail("counts did not come back");
  }
}

static void eager(void) { round_trip(RESTORE_EAGER, 1); }
static void lazy(void) { round_trip(RESTORE_LAZY, 1); }
static void cont(void) {
  round_trip(RESTORE_EAGER, 0);
  round_trip(RESTORE_LAZY, 0);
}

// ---- malformed images ----

static char *img;
static int img_n;

static struct ckpt_header *H(char *b) { return (struct ckpt_header *)b; }
static struct ckpt_run *R(char *b, int i) { return (struct ckpt_run *)(b + H(b)->runs_off) + i; }
static struct ckpt_map *M(char *b, int i) { return (struct ckpt_map *)(b + H(b)->maps_off) + i; }
static struct ckpt_file *F(char *b, int i) { return (struct ckpt_file *)(b + H(b)->files_off) + i; }

// Index of the first map with flags f (MAP_ANONYMOUS...) or -1.
static int map_with(char *b, int shared, int anon) {
  for (uint i = 0; i < H(b)->nmaps; i++)
    if (((M(b, i)->flags & MAP_SHARED) != 0) == shared && ((M(b, i)->flags & MAP_ANONYMOUS) != 0) == anon)
      return i;
  return -1;
}

static int first_run_above(char *b, uint64 a) {
  for (uint i = 0; i < H(b)->nruns; i++)
    if (R(b, i)->start >= a)
      return i;
  return -1;
}

// Each case mutates a copy of a good image; *n may shrink it.
static void bad_magic(char *b, int *n) { H(b)->magic ^= 1; }
static void bad_version(char *b, int *n) { H(b)->version = 99; }
static void bad_hdrsize(char *b, int *n) { H(b)->hdrsize = 8; }
static void short_header(char *b, int *n) { *n = 100; }
static void short_data(char *b, int *n) { *n = H(b)->data_off + PGSIZE; }
static void huge_nmaps(char *b, int *n) { H(b)->nmaps = 1000; }
static void huge_nruns(char *b, int *n) { H(b)->nruns = 100000; }
static void huge_nfiles(char *b, int *n) { H(b)->nfiles = 0x7fffffff; }
static void huge_npages(char *b, int *n) { H(b)->npages = 0xffffffff; }
static void maps_past_eof(char *b, int *n) { H(b)->maps_off = *n - 8; }
static void runs_wrap(char *b, int *n) { H(b)->runs_off = 0xffffffffffff0000ULL; }
static void data_unaligned(char *b, int *n) { H(b)->data_off += 8; }
static void sz_kernel(char *b, int *n) { H(b)->sz = MAXVA; }
static void pc_kernel(char *b, int *n) { H(b)->regs[0] = TRAPFRAME; }
static void name_unterminated(char *b, int *n) { memset(H(b)->name, 'A', 16); }
static void cwd_empty(char *b, int *n) { H(b)->cwd[0] = 0; }
static void cwd_unterminated(char *b, int *n) { memset(H(b)->cwd, 'a', sizeof(H(b)->cwd)); }
static void cwd_missing(char *b, int *n) { strcpy(H(b)->cwd, "/no/such/dir"); }
static void run_unaligned(char *b, int *n) { R(b, 0)->start += 8; }
static void run_trapframe(char *b, int *n) { R(b, H(b)->nruns - 1)->start = TRAPFRAME; }
static void run_kernel(char *b, int *n) { R(b, H(b)->nruns - 1)->start = 0xffffffffc0000000ULL; }
static void run_data_unaligned(char *b, int *n) { R(b, 0)->data += 100; }
static void run_data_eof(char *b, int *n) { R(b, 0)->npages = H(b)->npages + 1; }
static void run_data_before(char *b, int *n) { R(b, 0)->data = 0; }
static void run_overlap(char *b, int *n) { R(b, 1)->start = R(b, 0)->start; }
static void run_prot(char *b, int *n) { R(b, 0)->prot = 0x80; }
static void run_empty(char *b, int *n) { R(b, 0)->npages = 0; }
static void run_straddles_sz(char *b, int *n) { H(b)->sz = R(b, 0)->start + PGSIZE; }
static void run_more_rights(char *b, int *n) {
  int i = map_with(b, 0, 1);
  M(b, i)->prot = PROT_READ; // its pages were saved writable
}
static void run_in_shared(char *b, int *n) {
  int i = map_with(b, 1, 0), r = first_run_above(b, M(b, map_with(b, 0, 1))->start);
  R(b, r)->start = M(b, i)->start;
  R(b, r)->npages = 1;
}
static void map_overlap(char *b, int *n) {
  M(b, 1)->start = M(b, 0)->start;
  M(b, 1)->end = M(b, 0)->end;
}
static void map_trapframe(char *b, int *n) { M(b, 0)->end = TRAPFRAME + PGSIZE; }
static void map_below_sz(char *b, int *n) { M(b, 0)->start = 0; }
static void map_prot(char *b, int *n) { M(b, 0)->prot |= 0x100; }
static void map_flags(char *b, int *n) { M(b, 0)->flags |= MAP_SHARED | MAP_PRIVATE; }
static void map_anon_path(char *b, int *n) { strcpy(M(b, map_with(b, 0, 1))->path, "/ckt/ckdata"); }
static void map_missing(char *b, int *n) { strcpy(M(b, map_with(b, 0, 0))->path, "/no/such/file"); }
static void map_unterminated(char *b, int *n) {
  memset(M(b, map_with(b, 0, 0))->path, 'x', CKPT_PATHMAX);
}
static void map_a_dir(char *b, int *n) { strcpy(M(b, map_with(b, 0, 0))->path, "/"); }
static void file_fd(char *b, int *n) { F(b, 0)->fd = 99; }
static void file_dup_fd(char *b, int *n) { F(b, 1)->fd = F(b, 0)->fd; }
static void file_omode(char *b, int *n) { F(b, 0)->omode = O_RDWR | O_TRUNC | O_CREATE; }
static void file_missing(char *b, int *n) { strcpy(F(b, H(b)->nfiles - 1)->path, "/no/such/file"); }
static void file_kind(char *b, int *n) { F(b, 0)->kind = 9; }
static void file_offset(char *b, int *n) { F(b, H(b)->nfiles - 1)->off = 1 << 30; }
static void file_dir_for_write(char *b, int *n) {
  strcpy(F(b, 0)->path, "/");
  F(b, 0)->omode = O_RDWR;
}

static struct {
  char *name;
  void (*f)(char *, int *);
} cases[] = {
    {"bad magic", bad_magic}, {"bad version", bad_version}, {"bad hdrsize", bad_hdrsize},
    {"truncated header", short_header}, {"truncated pages", short_data},
    {"huge nmaps", huge_nmaps}, {"huge nruns", huge_nruns}, {"huge nfiles", huge_nfiles},
    {"huge npages", huge_npages}, {"maps past EOF", maps_past_eof}, {"runs offset wraps", runs_wrap},
    {"data unaligned", data_unaligned}, {"sz in kernel space", sz_kernel},
    {"pc at the trap frame", pc_kernel}, {"name unterminated", name_unterminated},
    {"cwd empty", cwd_empty}, {"cwd unterminated", cwd_unterminated}, {"cwd missing", cwd_missing},
    {"run unaligned", run_unaligned}, {"run at the trap frame", run_trapframe},
    {"run in kernel space", run_kernel}, {"run data unaligned", run_data_unaligned},
    {"run data past EOF", run_data_eof}, {"run data in the header", run_data_before},
    {"runs overlap", run_overlap}, {"run bad prot", run_prot}, {"run empty", run_empty},
    {"run straddles sz", run_straddles_sz}, {"run more rights than its map", run_more_rights},
    {"run in a shared file map", run_in_shared}, {"maps overlap", map_overlap},
    {"map over the trap frame", map_trapframe}, {"map below sz", map_below_sz},
    {"map bad prot", map_prot}, {"map bad flags", map_flags}, {"anonymous map with a path", map_anon_path},
    {"map of a missing file", map_missing}, {"map path unterminated", map_unterminated},
    {"map of a directory", map_a_dir}, {"file fd out of range", file_fd},
    {"file fd twice", file_dup_fd}, {"file omode O_TRUNC|O_CREATE", file_omode},
    {"file missing", file_missing}, {"file bad kind", file_kind}, {"file offset past EOF", file_offset},
    {"directory opened for writing", file_dir_for_write},
};

static void write_image(const char *path, char *b, int n) {
  int fd = open(path, O_CREATE | O_WRONLY | O_TRUNC);
  check(fd >= 0 && write(fd, b, n) == n, "write image");
  close(fd);
}

// Restore must give -1 in both modes, with every count as it was.
static void refused(const char *what, const char *path, int mode) {
  struct sys_counts base = sys_counts(), now;
  int r = restore(path, mode);
  if (r > 0)
    wait(0);
  if (r != -1) {
    printf("ckpttest malformed: %s (mode %d): restore gave %d\n", what, mode, r);
    fail("a malformed image was restored");
  }
  if (sys_counts_settle(base, &now, 1, 200) < 0) {
    printf("ckpttest malformed: %s: ", what);
    sys_counts_print(base, now, 1);
    fail("counts did not come back");
  }
}

// (The image copies grow this process's heap: run_tests checks the
// frames once it has exited.)
static void malformed(void) {
  enter("/ckm");
  int pid = start_worker("run.log", STEPS);
  wait_lines("run.log", 5);
  EXPECT(checkpoint(pid, "good.img", CKPT_KILL), 0);
  wait_status(pid);
  img = slurp("good.img", &img_n);
  char *b = malloc(img_n);
  check(b != 0, "malloc");
  check(H(img)->nruns >= 2 && H(img)->nmaps >= 3 && H(img)->nfiles >= 2, "a rich enough image");
  for (int i = 0; i < NELEM(cases); i++) {
    memmove(b, img, img_n);
    int n = img_n;
    cases[i].f(b, &n);
    write_image("bad.img", b, n);
    refused(cases[i].name, "bad.img", RESTORE_EAGER);
    refused(cases[i].name, "bad.img", RESTORE_LAZY);
  }
  refused("a directory as image", "/", RESTORE_EAGER);
  refused("a missing image", "/no/such.img", RESTORE_LAZY);
  refused("an empty image", "ckshared", RESTORE_EAGER); // not an image at all
  EXPECT(restore("good.img", 7), -1);                   // no such mode
  printf("ckpttest malformed: %d cases refused\n", NELEM(cases) + 4);
  free(b);
  free(img);
  leave("/ckm", (char *[]){"run.log", "good.img", "bad.img", 0});
}

// ---- who may do what ----

static void as_user(int uid) { check(setgid(uid) == 0 && setuid(uid) == 0, "setuid"); }

static void perm(void) {
  enter("/ckp");
  chmod("/ckp", 0777);
  chmod("ckdata", 0666);
  chmod("ckshared", 0666);
  int root = getpid();
  int kid = fork();
  if (kid == 0) {
    as_user(7);
    EXPECT(checkpoint(root, "/ckp/steal.img", 0), -1); // root's process
    exit(0);
  }
  EXPECT(wait_status(kid), 0);
  // The worker must be stopped part way through its run: the checkpoint
  // follows its fifth line at once (with a fork and a wait between, a
  // loaded machine once let it run to its end first).
  int pid = start_worker("run.log", STEPS);
  wait_lines("run.log", 5);
  chmod("run.log", 0666);
  EXPECT(checkpoint(pid, "w.img", CKPT_KILL), 0);
  wait_status(pid);
  chmod("w.img", 0644);
  kid = fork();
  if (kid == 0) {
    as_user(7); // restores root's image: runs as user 7
    int r = restore("/ckp/w.img", RESTORE_LAZY);
    check(r > 0, "restore by an unprivileged user");
    EXPECT(wait_status(r), 0);
    exit(0);
  }
  EXPECT(wait_status(kid), 0);
  int n;
  char *log = slurp("run.log", &n);
  if (n != (STEPS + 3) * LINE || memcmp(log + n - 2 * LINE, "uid 00000007", 12) != 0) {
    printf("ckpttest perm: run.log has %d bytes (want %d); its last lines:\n", n,
           (STEPS + 3) * LINE);
    write(1, log + (n > 4 * LINE ? n - 4 * LINE : 0), n > 4 * LINE ? 4 * LINE : n);
    fail("the restored process ran as its restorer");
  }
  free(log);
  // The restorer must be able to open every file the image names.
  chmod("run.log", 0600);
  kid = fork();
  if (kid == 0) {
    as_user(7);
    EXPECT(restore("/ckp/w.img", RESTORE_EAGER), -1);
    exit(0);
  }
  EXPECT(wait_status(kid), 0);
  leave("/ckp", (char *[]){"run.log", "w.img", "steal.img", 0});
}

static void refuse(void) {
  enter("/ckr");
  // A refused checkpoint leaves an image that is already there alone.
  int fd = open("x.img", O_CREATE | O_WRONLY);
  check(fd >= 0 && write(fd, "an earlier image", 16) == 16, "write x.img");
  close(fd);
  EXPECT(checkpoint(getpid(), "x.img", 0), -1);
  EXPECT(checkpoint(0, "x.img", 0), -1);
  EXPECT(checkpoint(99999, "x.img", 0), -1);
  EXPECT(file_size("x.img"), 16);
  int fds[2];
  check(pipe(fds) == 0, "pipe");
  int pid = start_worker("run.log", STEPS); // holds the pipe
  wait_lines("run.log", 2);
  EXPECT(checkpoint(pid, "x.img", 0), -1);
  EXPECT(file_size("x.img"), 16);
  EXPECT(checkpoint(pid, "x.img", 2), -1); // unknown flag
  kill(pid);
  wait_status(pid);
  close(fds[0]);
  close(fds[1]);
  leave("/ckr", (char *[]){"run.log", "x.img", 0});
}

// Targets asleep in a system call: the call gives up, the target parks,
// and the call runs again once it is let go (kernel/proc/checkpoint.c).
// pause() goes on with the ticks it had left, in the target and in a copy
// restored from the image; wait() goes on waiting for the same child.
static void asleep(void) {
  struct sys_counts base = sys_counts(), now;
  enter("/cks");
  int pid = fork();
  if (pid == 0)
    exit(pause(100) == 0 ? 7 : 8);
  pause(80);
  EXPECT(checkpoint(pid, "p.img", CKPT_KILL), 0);
  check(wait_status(pid) != 7, "the target was not killed");
  int t0 = uptime();
  int r = restore("p.img", RESTORE_EAGER);
  check(r > 0, "restore");
  EXPECT(wait_status(r), 7);
  // About 20 ticks were left; a pause started over would take 100.
  int took = uptime() - t0;
  if (took >= 70) {
    printf("ckpttest: the restored pause took %d ticks\n", took);
    fail("the restored pause started over");
  }
  pid = fork();
  if (pid == 0) {
    int kid = fork();
    if (kid == 0)
      exit(pause(30) == 0 ? 5 : 6);
    int st = -1;
    exit(wait(&st) == kid && st == 5 ? 9 : 10);
  }
  pause(5);
  EXPECT(checkpoint(pid, "w.img", 0), 0); // asleep in wait(), and let go again
  EXPECT(wait_status(pid), 9);
  // Asleep reading a pipe: refused (a pipe cannot be saved) as soon as
  // it stops, not after the half second a stop may wait; its read goes on.
  int fds[2];
  check(pipe(fds) == 0, "pipe");
  pid = fork();
  if (pid == 0) {
    close(fds[1]);
    char c = 0;
    exit(read(fds[0], &c, 1) == 1 && c == 'z' ? 3 : 4);
  }
  close(fds[0]);
  pause(5);
  t0 = uptime();
  EXPECT(checkpoint(pid, "w.img", 0), -1);
  check(uptime() - t0 < 40, "the refusal waited for the stop to time out");
  check(write(fds[1], "z", 1) == 1, "write to the pipe");
  close(fds[1]);
  EXPECT(wait_status(pid), 3);
  leave("/cks", (char *[]){"p.img", "w.img", 0});
  if (sys_counts_settle(base, &now, 1, 200) < 0) {
    sys_counts_print(base, now, 1);
    fail("counts did not come back");
  }
}

// The user tools, as a shell would run them.
static int run_tool(char **argv) {
  int pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    exec(argv[0], argv);
    exit(99);
  }
  int st = -1, w;
  while ((w = wait(&st)) != pid && w > 0) // the worker the tool killed may come first
    ;
  return st;
}

static void tools(void) {
  enter("/ckt");
  EXPECT(wait_status(start_worker("ref.log", STEPS)), 0);
  int pid = start_worker("run.log", STEPS);
  wait_lines("run.log", 10);
  char num[12];
  int n = 0;
  for (int v = pid; v > 0; v /= 10)
    n++;
  num[n] = 0;
  for (int v = pid; v > 0; v /= 10)
    num[--n] = '0' + v % 10;
  EXPECT(run_tool((char *[]){"/checkpoint", num, "w.img", "-k", 0}), 0);
  while (wait(0) > 0) // the worker, if run_tool did not reap it
    ;
  EXPECT(run_tool((char *[]){"/restore", "w.img", "-lazy", 0}), 0);
  same_files("ref.log", "run.log");
  EXPECT(run_tool((char *[]){"/restore", "ref.log", 0}), 1); // not an image
  leave("/ckt", (char *[]){"ref.log", "run.log", "w.img", 0});
}

// ---- across a reboot (two boots on one disk: tests/harness.py) ----

static void reboot_save(void) {
  enter("/ckb");
  EXPECT(wait_status(start_worker("ref.log", STEPS)), 0);
  int pid = start_worker("run.log", STEPS);
  wait_lines("run.log", 10);
  EXPECT(checkpoint(pid, "w.img", CKPT_KILL), 0);
  wait_status(pid);
  sync();
  printf("ckpttest: image saved\n");
}

static void reboot_restore(void) {
  check(chdir("/ckb") == 0, "chdir /ckb");
  int r = restore("w.img", RESTORE_LAZY);
  check(r > 0, "restore after reboot");
  EXPECT(wait_status(r), 0);
  same_files("ref.log", "run.log");
  leave("/ckb", (char *[]){"ref.log", "run.log", "w.img", 0});
}

// ---- what each costs (docs/checkpoint.md; the harness runs it under -icount) ----

#define COST_PAGES 2048 // 8 MiB

static void cost_worker(void) {
  char *heap = sbrk(COST_PAGES * PGSIZE);
  check(heap != SBRK_ERROR, "sbrk");
  for (int p = 0; p < COST_PAGES; p++)
    heap[p * PGSIZE] = p;
  close(open("ready", O_CREATE | O_WRONLY));
  int fd;
  while ((fd = open("go", O_RDONLY)) < 0) // a system call a round: it parks here
    ;
  close(fd);
  int t = uptime();
  for (int p = 0; p < COST_PAGES; p++) // after a restore: one touch a page
    if (heap[p * PGSIZE] != (char)p)
      exit(255);
  t = uptime() - t;
  exit(t < 250 ? t : 250); // the ticks the touches took
}

static void cost_one(const char *what, const char *img, int mode) {
  unlink("go");
  struct memstat m0 = mem_stats();
  int t0 = uptime();
  int r = restore(img, mode);
  int t1 = uptime();
  check(r > 0, "restore");
  close(open("go", O_CREATE | O_WRONLY));
  int touch = wait_status(r);
  struct memstat m1 = mem_stats();
  check(touch >= 0 && touch < 255, "the restored worker's pages");
  printf("ckpttest cost: %s: restore %d ticks, touching %d pages %d ticks, %ld restore faults\n",
         what, t1 - t0, COST_PAGES, touch, (long)(m1.restore_faults - m0.restore_faults));
}

static void cost(void) {
  enter("/ckc");
  int pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0)
    cost_worker();
  while (file_size("ready") < 0)
    pause(1);
  // Two images, made alike, so that neither restore finds the other's
  // pages in the page cache.
  EXPECT(checkpoint(pid, "c1.img", 0), 0);
  EXPECT(checkpoint(pid, "c2.img", CKPT_KILL), 0);
  wait_status(pid);
  // The first time each may read the disk (or not: what the page cache
  // kept of the writes); the second finds every page cached, so its
  // figures are the CPU's alone and repeat exactly under -icount.
  cost_one("eager first", "c1.img", RESTORE_EAGER);
  cost_one("lazy first", "c2.img", RESTORE_LAZY);
  cost_one("eager cached", "c1.img", RESTORE_EAGER);
  cost_one("lazy cached", "c2.img", RESTORE_LAZY);
  leave("/ckc", (char *[]){"c1.img", "c2.img", "go", "ready", 0});
}

static struct test tests[] = {
    {"eager", eager},   {"lazy", lazy}, {"continue", cont}, {"malformed", malformed},
    {"perm", perm},     {"refuse", refuse}, {"asleep", asleep}, {"tools", tools},
};

static struct test reboot_tests[] = { // and the one the harness runs alone
    {"reboot-save", reboot_save},
    {"cost", cost},
    {"reboot-restore", reboot_restore},
};

int main(int argc, char *argv[]) {
  test_prog = "ckpttest";
  if (argc == 2 && (memcmp(argv[1], "reboot-", 7) == 0 || strcmp(argv[1], "cost") == 0)) {
    struct test_suite s = {"CHECKPOINT", reboot_tests, NELEM(reboot_tests), 1, 0, 0};
    exit(run_tests(&s, argc, argv));
  }
  struct test_suite suite = {"CHECKPOINT", tests, NELEM(tests), 1, 0, 0};
  exit(run_tests(&suite, argc, argv));
}
