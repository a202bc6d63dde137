// crashwork: a crash-consistency workload for the log and for reflinks.
//
//   crashwork setup   make /cw and its starting files
//   crashwork run     perform the steps of `steps` below, in order
//   crashwork check   the files must be exactly as after some prefix of
//                     them: prints "consistent at step k of K", or why not
//   crashwork orphans run the orphan workload (below); it first prints
//                     the free blocks and inodes and TOP's size
//   crashwork orphancheck FREE IFREE DIRSIZE
//                     after a crash in it and a reboot: the free counts
//                     must be FREE and IFREE less what the files that
//                     still have names hold, nothing leaked
//
// Every step is one system call that changes the disk, so one log
// transaction: after a crash anywhere in `run` and a reboot, the file
// system must hold the state after steps 1..k for some k, all of each
// step or none of it. One exception: truncating a big file runs as
// several transactions (kernel/fs/reclaim.c; the harness boots with
// trimcap=32 so that E's truncation takes several), each cutting blocks
// from the end. So a crash inside TRUNC may also leave the file cut to
// a whole number of blocks between its old size and zero, its remaining
// bytes unchanged: `check` accepts that as "step k, then step k+1
// partly done".
//
// Mapped files (docs/pagecache.md): MSYNC stores through a MAP_SHARED
// mapping and msyncs, MUNMAP stores and unmaps (munmap writes the dirty
// pages home), CWRITE write()s a file whose pages are cached and mapped
// (and checks the mapping shows the new bytes). A page's write-back is
// one transaction (kernel/fs/filemap.c), so a crash inside an msync or
// munmap of several pages may leave each page old or new, never a mix
// within a page: `check` accepts that as step k+1 partly done too. What
// msync promises is checked by the harness: every step `run` reported
// done, or synced (printed once msync returned, before the munmap that
// follows it), is on disk after the reboot. The test harness stops the disk after N block
// writes (boot argument crashafter=N) for many N across the run, reboots,
// and runs `check`.
//
// `check` needs no record of what happened: it recomputes the state after
// each prefix from the step table. A file's expected contents are a
// description, not a copy (a pattern and the writes laid over it), so the
// program needs a few KiB however big the files are. The description is
// exact: every name that exists, its type, its size and every byte.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/stat.h"
#include "kernel/fs.h"
#include "kernel/riscv.h"
#include "user/user.h"

#define TOP "/cw"
#define CHUNK 4096 // bytes per read or write; a write this size is one transaction

// ---------------------------------------------------------------- model

// The names the workload uses, relative to TOP. A name with a '/' lives
// in the directory named before it.
static const char *names[] = {"A", "B", "C", "A2", "B2", "D", "D/B3", "D/C2", "E", "M", "M2"};
#define NNAMES (sizeof(names) / sizeof(names[0]))

#define MAXPATCH 8

// Data written over a file: len bytes of pattern `seed` at offset off.
struct patch {
  uint off, len;
  int seed;
};

// What one name is: absent, a directory, or a file whose bytes below
// `base` are pattern `seed`, overlaid by the patches in order.
struct node {
  int type; // 0 (absent), T_DIR or T_FILE
  uint size, base;
  int seed, npatch;
  struct patch patch[MAXPATCH];
};

enum op { CLONE, WRITE, UNLINK, TRUNC, MKDIR, MSYNC, MUNMAP, CWRITE };

struct step {
  enum op op;
  const char *name; // the file or directory the step makes or changes
  const char *src;  // CLONE: the source
  uint off, len;    // WRITE: where and how much (at most CHUNK); MSYNC,
                    // MUNMAP, CWRITE: the same, inside the file
  int seed;         // WRITE, MSYNC, MUNMAP, CWRITE: which pattern
};

// The starting files, made by setup: A with direct and indirect blocks, B
// reaching into the doubly indirect ones (past block 267), C small, E
// big enough that truncating it takes several steps of 32 blocks, M for
// the mappings: seven pages and a part page.
static const struct {
  const char *name;
  uint size;
  int seed;
} initial[] = {{"A", 20 * BSIZE, 1}, {"B", 300 * BSIZE, 2}, {"C", 700, 3}, {"E", 150 * BSIZE, 4},
               {"M", 7 * PGSIZE + 100, 5}};

// Clones, writes to both sides of a clone (in the direct, indirect and
// doubly indirect parts), a clone of a clone in a new directory,
// unlinking a source, truncating one and writing it anew, appending, and
// truncating a big file in several transactions; then a mapped file:
// write() to cached, mapped pages, msync of four whole pages, a clone of
// it and msync of three of the clone's pages (write-back to shared
// blocks: the clone gets its own, M stays), and munmap of dirty pages up
// to the part page at the end.
static const struct step steps[] = {
    {CLONE, "A2", "A"},
    {WRITE, "A2", 0, 5000, 3000, 11},
    {CLONE, "B2", "B"},
    {WRITE, "B", 0, 290000, 4096, 12},
    {WRITE, "B2", 0, 100, 2000, 13},
    {MKDIR, "D"},
    {CLONE, "D/B3", "B2"},
    {UNLINK, "B"},
    {TRUNC, "A"},
    {WRITE, "A", 0, 0, 1500, 14},
    {WRITE, "D/B3", 0, 300 * BSIZE, 3000, 15},
    {CLONE, "D/C2", "C"},
    {WRITE, "C", 0, 600, 400, 16},
    {UNLINK, "A2"},
    {TRUNC, "E"},
    {WRITE, "E", 0, 0, 2500, 17},
    {CWRITE, "M", 0, 2000, 3000, 18},
    {MSYNC, "M", 0, 1000, 3 * PGSIZE + 500, 19},       // pages 0-3
    {CLONE, "M2", "M"},
    {MSYNC, "M2", 0, 17000, 9000, 20},                 // pages 4-6
    {MUNMAP, "M", 0, 22000, 7 * PGSIZE + 100 - 22000, 21}, // pages 5-7 (7 is a part page)
};
#define NSTEPS (sizeof(steps) / sizeof(steps[0]))

static int lookup(const char *name) {
  for (int i = 0; i < NNAMES; i++)
    if (strcmp(names[i], name) == 0)
      return i;
  printf("crashwork: %s is not in the table of names\n", name);
  exit(1);
}

// Byte i of pattern `seed` (as in reflinktest): it depends on the offset
// within the block, the block and the seed.
static char pat(int seed, uint i) {
  return (char)(i * 7 + (i / BSIZE) * 13 + seed * 61 + (i >> 5));
}

static char byte_at(const struct node *f, uint i) {
  for (int p = f->npatch - 1; p >= 0; p--)
    if (i >= f->patch[p].off && i - f->patch[p].off < f->patch[p].len)
      return pat(f->patch[p].seed, i - f->patch[p].off);
  return pat(f->seed, i);
}

// The state after steps 1..k.
static void model(int k, struct node *st) {
  memset(st, 0, NNAMES * sizeof(*st));
  for (int i = 0; i < sizeof(initial) / sizeof(initial[0]); i++) {
    struct node *f = &st[lookup(initial[i].name)];
    f->type = T_FILE;
    f->size = f->base = initial[i].size;
    f->seed = initial[i].seed;
  }
  for (int s = 0; s < k; s++) {
    const struct step *p = &steps[s];
    struct node *f = &st[lookup(p->name)];
    switch (p->op) {
    case CLONE:
      *f = st[lookup(p->src)];
      break;
    case WRITE:
    case MSYNC:
    case MUNMAP:
    case CWRITE:
      f->patch[f->npatch++] = (struct patch){p->off, p->len, p->seed};
      if (p->off + p->len > f->size)
        f->size = p->off + p->len;
      break;
    case UNLINK:
      f->type = 0;
      break;
    case TRUNC:
      f->size = f->base = f->npatch = 0;
      break;
    case MKDIR:
      f->type = T_DIR;
      break;
    }
  }
}

// ---------------------------------------------------------------- doing

static char *path(char *buf, const char *name) {
  strcpy(buf, TOP "/");
  strcpy(buf + strlen(buf), name);
  return buf;
}

static void die(const char *what, const char *name) {
  printf("crashwork: %s %s failed\n", what, name);
  exit(1);
}

// Write len bytes of pattern `seed` at offset off of name, which already
// holds at least off bytes (no lseek: read up to off first; reads change
// nothing on disk, so the write is the step's one transaction).
static void write_at(const char *name, uint off, uint len, int seed) {
  static char buf[CHUNK];
  char p[64];
  int fd = open(path(p, name), O_RDWR);
  if (fd < 0)
    die("open", p);
  for (uint done = 0; done < off;) {
    uint k = off - done < CHUNK ? off - done : CHUNK;
    if (read(fd, buf, k) != k)
      die("read to the offset in", p);
    done += k;
  }
  for (uint done = 0; done < len;) {
    uint k = len - done < CHUNK ? len - done : CHUNK;
    for (uint i = 0; i < k; i++)
      buf[i] = pat(seed, done + i);
    if (write(fd, buf, k) != k)
      die("write", p);
    done += k;
  }
  close(fd);
}

static uint64 disk_writes(void);

// Map the whole of name MAP_SHARED with prot; *fd its descriptor, *size
// its size.
static char *map_whole(const char *name, int prot, int *fd, uint *size) {
  char p[64];
  struct stat st;
  if ((*fd = open(path(p, name), O_RDWR)) < 0 || fstat(*fd, &st) < 0)
    die("open", p);
  *size = st.size;
  char *m = mmap(0, st.size, prot, MAP_SHARED, *fd, 0);
  if (m == (char *)-1)
    die("mmap", p);
  return m;
}

// Store the step's pattern through a shared mapping, then msync it or
// unmap it; print the span of disk writes the write-back took.
static void mapped_step(const struct step *s, int index) {
  int fd;
  uint size;
  char *m = map_whole(s->name, PROT_READ | PROT_WRITE, &fd, &size);
  if (s->off + s->len > size)
    die("a mapped step beyond the end of", s->name);
  for (uint i = 0; i < s->len; i++)
    m[s->off + i] = pat(s->seed, i);
  uint64 lo = PGROUNDDOWN(s->off), hi = PGROUNDUP(s->off + s->len), w = disk_writes();
  if (s->op == MSYNC) {
    if (msync(m + lo, hi - lo, MS_SYNC) != 0)
      die("msync", s->name);
    printf("crashwork: msync %s writes=%ld-%ld\n", s->name, w, disk_writes());
    printf("crashwork: step %d synced\n", index + 1);
  }
  if (munmap(m, size) != 0) // after MSYNC it writes the same bytes again
    die("munmap", s->name);
  if (s->op == MUNMAP)
    printf("crashwork: munmap %s writes=%ld-%ld\n", s->name, w, disk_writes());
  close(fd);
}

// write() to a file whose pages are in the page cache and mapped: the
// mapping must show the new bytes at once (one copy of each page).
static void cached_write(const struct step *s) {
  int fd;
  uint size;
  char *m = map_whole(s->name, PROT_READ, &fd, &size);
  volatile char sum = 0;
  for (uint i = 0; i < size; i += PGSIZE)
    sum += m[i]; // every page cached and mapped
  close(fd);
  write_at(s->name, s->off, s->len, s->seed);
  for (uint i = 0; i < s->len; i++)
    if (m[s->off + i] != pat(s->seed, i))
      die("the mapping does not show a write() to", s->name);
  if (munmap(m, size) != 0)
    die("munmap", s->name);
}

static void do_step(const struct step *s, int index) {
  char p[64], q[64];
  int fd;
  switch (s->op) {
  case CLONE:
    if (clonefile(path(q, s->src), path(p, s->name)) != 0)
      die("clonefile to", p);
    break;
  case WRITE:
    write_at(s->name, s->off, s->len, s->seed);
    break;
  case UNLINK:
    if (unlink(path(p, s->name)) != 0)
      die("unlink", p);
    break;
  case TRUNC:
    if ((fd = open(path(p, s->name), O_WRONLY | O_TRUNC)) < 0)
      die("open O_TRUNC", p);
    close(fd);
    break;
  case MKDIR:
    if (mkdir(path(p, s->name)) != 0)
      die("mkdir", p);
    break;
  case MSYNC:
  case MUNMAP:
    mapped_step(s, index);
    break;
  case CWRITE:
    cached_write(s);
    break;
  }
}

static uint64 disk_writes(void) {
  struct fsstat s;
  if (fsstat(&s) != 0) {
    printf("crashwork: fsstat failed\n");
    exit(1);
  }
  return s.writes;
}

static void setup(void) {
  char p[64];
  if (mkdir(TOP) != 0)
    die("mkdir", TOP);
  for (int i = 0; i < sizeof(initial) / sizeof(initial[0]); i++) {
    int fd = open(path(p, initial[i].name), O_CREATE | O_WRONLY);
    if (fd < 0)
      die("create", p);
    close(fd);
    write_at(initial[i].name, 0, initial[i].size, initial[i].seed);
  }
  printf("crashwork: setup done\n");
}

static void run(void) {
  printf("crashwork: %d steps\n", (int)NSTEPS);
  printf("crashwork: start writes=%ld\n", disk_writes());
  for (int i = 0; i < NSTEPS; i++) {
    uint64 w = disk_writes();
    do_step(&steps[i], i);
    printf("crashwork: step %d done\n", i + 1);
    // The harness places crash points inside a truncation by its span.
    if (steps[i].op == TRUNC)
      printf("crashwork: truncate %s writes=%ld-%ld\n", steps[i].name, w, disk_writes());
  }
  printf("crashwork: end writes=%ld\n", disk_writes());
}

// ---------------------------------------------------------------- checking

// What is on disk under each name.
struct seen {
  int type;
  uint size;
};

static void look(struct seen *seen) {
  char p[64];
  for (int i = 0; i < NNAMES; i++) {
    struct stat st;
    seen[i].type = seen[i].size = 0;
    if (stat(path(p, names[i]), &st) == 0) {
      seen[i].type = st.type;
      seen[i].size = st.size;
    }
  }
}

// A name in directory dir (relative to TOP, "" for TOP itself) that the
// state st does not have, copied to stray; 0 if there is none.
static char *stray_name(const char *dir, const struct node *st, char *stray) {
  char p[64];
  struct dirent de;
  int fd = open(dir[0] ? path(p, dir) : TOP, O_RDONLY), found = 0;
  if (fd < 0)
    die("open directory", dir);
  while (!found && read(fd, &de, sizeof(de)) == sizeof(de)) {
    if (de.inum == 0 || strcmp(de.name, ".") == 0 || strcmp(de.name, "..") == 0)
      continue;
    stray[0] = 0;
    if (dir[0]) {
      strcpy(stray, dir);
      strcpy(stray + strlen(stray), "/");
    }
    uint n = strlen(stray);
    memmove(stray + n, de.name, DIRSIZ);
    stray[n + DIRSIZ] = 0;
    int i = 0;
    while (i < NNAMES && strcmp(names[i], stray) != 0)
      i++;
    found = i == NNAMES || st[i].type == 0;
  }
  close(fd);
  return found ? stray : 0;
}

// The file's bytes must be f's. Returns the first differing offset, or -1.
static long first_difference(const char *name, const struct node *f) {
  static char buf[CHUNK];
  char p[64];
  int fd = open(path(p, name), O_RDONLY);
  if (fd < 0)
    return 0;
  for (uint off = 0; off < f->size;) {
    uint k = f->size - off < CHUNK ? f->size - off : CHUNK;
    if (read(fd, buf, k) != k) {
      close(fd);
      return off;
    }
    for (uint i = 0; i < k; i++) {
      if (buf[i] != byte_at(f, off + i)) {
        close(fd);
        return off + i;
      }
    }
    off += k;
  }
  close(fd);
  return -1;
}

// Does the disk hold the state after k steps, but with name `cut` (if
// not -1) cut to size bytes? If verbose, say why not.
static int matches_with(int k, const struct seen *seen, int verbose, int cut, uint size,
                        int ignore) {
  struct node st[NNAMES];
  model(k, st);
  if (cut >= 0)
    st[cut].size = size;
  for (int i = 0; i < NNAMES; i++) {
    if (seen[i].type != st[i].type) {
      if (verbose)
        printf("crashwork:   step %d: %s has type %d, expected %d\n", k, names[i], seen[i].type,
               st[i].type);
      return 0;
    }
    if (st[i].type == T_FILE && seen[i].size != st[i].size) {
      if (verbose)
        printf("crashwork:   step %d: %s has %d bytes, expected %d\n", k, names[i], seen[i].size,
               st[i].size);
      return 0;
    }
  }
  for (int i = 0; i < NNAMES; i++) {
    long off = st[i].type == T_FILE && i != ignore ? first_difference(names[i], &st[i]) : -1;
    if (off >= 0) {
      if (verbose)
        printf("crashwork:   step %d: %s differs at byte %ld\n", k, names[i], off);
      return 0;
    }
  }
  char stray[32];
  char *bad = stray_name("", st, stray);
  if (bad == 0 && st[lookup("D")].type == T_DIR)
    bad = stray_name("D", st, stray);
  if (bad && verbose)
    printf("crashwork:   step %d: unexpected name %s\n", k, bad);
  return bad == 0;
}

// Does the disk hold the state after k steps? If verbose, say why not.
static int matches(int k, const struct seen *seen, int verbose) {
  return matches_with(k, seen, verbose, -1, 0, -1);
}

// Does the disk hold the state after k steps, with step k+1 -- a TRUNC
// that runs in several transactions -- partly done: its file cut to a
// whole number of blocks, shorter than before and not yet empty?
static int matches_partial(int k, const struct seen *seen) {
  if (k >= NSTEPS || steps[k].op != TRUNC)
    return 0;
  int i = lookup(steps[k].name);
  struct node st[NNAMES];
  model(k, st);
  if (seen[i].type != T_FILE || seen[i].size == 0 || seen[i].size >= st[i].size ||
      seen[i].size % BSIZE != 0)
    return 0;
  // Cutting the size leaves every byte below it as it was.
  return matches_with(k, seen, 0, i, seen[i].size, -1);
}

// Does the disk hold the state after k steps, with step k+1 -- an MSYNC
// or MUNMAP of several pages, one transaction each -- partly done: every
// page of its file either all old (step k) or all new (step k+1), at
// least one of each? Prints which pages are new if so.
static int matches_pages(int k, const struct seen *seen) {
  if (k >= NSTEPS || (steps[k].op != MSYNC && steps[k].op != MUNMAP))
    return 0;
  int i = lookup(steps[k].name);
  static struct node old[NNAMES], new[NNAMES]; // static: the stack is one page
  model(k, old);
  model(k + 1, new);
  if (!matches_with(k, seen, 0, -1, 0, i))
    return 0; // the other names, and this one's type and size
  static char buf[PGSIZE];
  char p[64], newpages[16 * 3 + 1] = "";
  int fd = open(path(p, names[i]), O_RDONLY), nold = 0, nnew = 0, bad = fd < 0;
  for (uint off = 0; !bad && off < old[i].size; off += PGSIZE) {
    uint n = old[i].size - off < PGSIZE ? old[i].size - off : PGSIZE;
    int is_old = 1, is_new = 1;
    if (read(fd, buf, n) != n)
      bad = 1;
    for (uint b = 0; !bad && b < n; b++) {
      is_old &= buf[b] == byte_at(&old[i], off + b);
      is_new &= buf[b] == byte_at(&new[i], off + b);
    }
    bad |= !is_old && !is_new; // torn: part old, part new, or neither
    nold += is_old && !is_new;
    nnew += is_new && !is_old;
    if (is_new && !is_old && strlen(newpages) + 4 < sizeof(newpages)) {
      char d[4] = {' ', '0' + (off / PGSIZE) / 10, '0' + (off / PGSIZE) % 10, 0};
      strcpy(newpages + strlen(newpages), d);
    }
  }
  if (fd >= 0)
    close(fd);
  if (bad || nold == 0 || nnew == 0)
    return 0;
  printf("crashwork: and step %d (%s %s) part done: new pages%s\n", k + 1,
         steps[k].op == MSYNC ? "msync" : "munmap", steps[k].name, newpages);
  return 1;
}

// Find the prefix the disk holds; if none, show how each one differs.
static int check(void) {
  struct seen seen[NNAMES];
  look(seen);
  for (int k = 0; k <= NSTEPS; k++) {
    int partial = matches_partial(k, seen);
    if (!partial && matches_pages(k, seen)) {
      printf("crashwork: consistent at step %d of %d\n", k, (int)NSTEPS);
      return 0;
    }
    if (partial || matches(k, seen, 0)) {
      printf("crashwork: consistent at step %d of %d\n", k, (int)NSTEPS);
      if (partial)
        printf("crashwork: and step %d (truncate %s) part done: %d bytes left\n", k + 1,
               steps[k].name, seen[lookup(steps[k].name)].size);
      return 0;
    }
  }
  printf("crashwork: INCONSISTENT: the files match no prefix of the %d steps\n", (int)NSTEPS);
  for (int k = 0; k <= NSTEPS; k++)
    matches(k, seen, 1);
  return 1;
}

// ---------------------------------------------------------------- orphans
//
// Files that lose their last name while still open, or whose free takes
// several transactions, are on the orphan list (kernel/fs/reclaim.c)
// until their space is free; after a crash, the mount frees them. The
// workload holds O1 open across everything: it is written, unlinked,
// written again through the open descriptor, and closed only at the end.
// Meanwhile O2 is written, cloned to O3 (a reflink: they share every data
// block), and both are unlinked, each free taking several steps (the
// harness boots with trimcap=32). A crash anywhere leaves some of the
// names; after the reboot the free counts must be exactly the starting
// ones less what those names hold: the unnamed files' space is back.

#define O1 TOP "/O1"
#define O2 TOP "/O2"
#define O3 TOP "/O3"

// Map blocks over a file of n blocks (kernel/fs/bmap.c's tree).
static uint map_blocks(uint n) {
  if (n <= NDIRECT)
    return 0;
  if (n <= NDIRECT + NINDIRECT)
    return 1;
  return 2 + (n - NDIRECT - NINDIRECT + NINDIRECT - 1) / NINDIRECT;
}

static void orphan_write(int fd, uint nblocks, int seed) {
  static char buf[CHUNK];
  for (uint done = 0; done < nblocks * BSIZE; done += CHUNK) {
    for (uint i = 0; i < CHUNK; i++)
      buf[i] = pat(seed, done + i);
    if (write(fd, buf, CHUNK) != CHUNK)
      die("write", "an orphan-workload file");
  }
}

static void orphans(void) {
  struct fsstat s;
  struct stat st;
  if (fsstat(&s) != 0 || stat(TOP, &st) != 0)
    die("fsstat or stat", TOP);
  printf("crashwork: orphans before free=%d ifree=%d dirsize=%ld\n", s.free, s.ifree, st.size);
  printf("crashwork: orphans start writes=%ld\n", disk_writes());
  int fd = open(O1, O_CREATE | O_RDWR);
  if (fd < 0)
    die("create", O1);
  orphan_write(fd, 200, 21);
  if (unlink(O1) != 0)
    die("unlink", O1);
  orphan_write(fd, 60, 22); // written after the unlink
  int fd2 = open(O2, O_CREATE | O_WRONLY);
  if (fd2 < 0)
    die("create", O2);
  orphan_write(fd2, 300, 23);
  close(fd2);
  if (clonefile(O2, O3) != 0)
    die("clonefile to", O3);
  printf("crashwork: orphans frees writes=%ld\n", disk_writes()); // the frees follow
  if (unlink(O2) != 0)
    die("unlink", O2);
  if (unlink(O3) != 0)
    die("unlink", O3);
  close(fd); // O1's last reference: freed now, in steps
  if (fsstat(&s) != 0)
    die("fsstat", TOP);
  printf("crashwork: orphans end writes=%ld free=%d ifree=%d\n", disk_writes(), s.free, s.ifree);
}

// Blocks and an inode held by path, if it has a name: *n its data blocks.
static int held(const char *path, uint *n) {
  struct stat st;
  if (stat(path, &st) != 0)
    return 0;
  *n = (st.size + BSIZE - 1) / BSIZE;
  return 1;
}

static int orphancheck(uint free0, uint ifree0, uint dirsize0) {
  struct fsstat s;
  struct stat st;
  if (fsstat(&s) != 0 || stat(TOP, &st) != 0)
    die("fsstat or stat", TOP);
  uint n1 = 0, n2 = 0, n3 = 0;
  int h1 = held(O1, &n1), h2 = held(O2, &n2), h3 = held(O3, &n3);
  // O3 is a whole clone of O2: with both named, their data is shared.
  uint data = n1 + (h3 ? n3 : n2);
  uint maps = map_blocks(n1) + map_blocks(n2) + map_blocks(n3);
  // TOP may have grown a block for the names.
  uint dirblocks = ((uint)st.size + BSIZE - 1) / BSIZE - (dirsize0 + BSIZE - 1) / BSIZE;
  uint want_free = free0 - data - maps - dirblocks;
  uint want_ifree = ifree0 - h1 - h2 - h3;
  printf("crashwork: orphans: names O1 %d O2 %d O3 %d; free %d ifree %d, want %d %d\n", h1, h2,
         h3, s.free, s.ifree, want_free, want_ifree);
  if (s.free != want_free || s.ifree != want_ifree) {
    printf("crashwork: orphans INCONSISTENT: space leaked or lost\n");
    return 1;
  }
  printf("crashwork: orphans consistent\n");
  return 0;
}

int main(int argc, char *argv[]) {
  if (argc == 2 && strcmp(argv[1], "orphans") == 0)
    orphans();
  else if (argc == 5 && strcmp(argv[1], "orphancheck") == 0)
    exit(orphancheck(atoi(argv[2]), atoi(argv[3]), atoi(argv[4])));
  else if (argc == 2 && strcmp(argv[1], "setup") == 0)
    setup();
  else if (argc == 2 && strcmp(argv[1], "run") == 0)
    run();
  else if (argc == 2 && strcmp(argv[1], "check") == 0)
    exit(check());
  else {
    fprintf(2, "usage: crashwork setup|run|check|orphans|orphancheck FREE IFREE DIRSIZE\n");
    exit(2);
  }
  exit(0);
}
