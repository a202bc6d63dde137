// mmapbench: reading a 4 MiB file with read() against mapping it with
// mmap, MAP_PRIVATE and MAP_SHARED, cold and warm, and the cost of a COW
// break of a private file page (issue 23, docs/benchmarks.md,
// docs/pagecache.md). Times are rdtime ticks; run it under `make bench`
// (-icount: about 100 instructions a tick).
//
// A pass reads every 8-byte word of the file and checks their sum, as a
// program that uses the data would:
//   read():      open, read() 4 KiB at a time into a buffer and sum it, close;
//   MAP_PRIVATE: open, mmap the whole file PROT_READ, close, sum it in
//                place, munmap (each page: one fault that maps the cache's
//                frame read-only);
//   MAP_SHARED:  the same with MAP_SHARED.
// "warm": the file's pages are in the page cache (after one unmeasured
// pass): no disk, and the figures repeat to the tick. "cold": the page
// cache holds none of the file's pages, because the pass was preceded by
// evict(), which grows the heap until sbrk fails (every idle cache page
// is evicted before an allocation fails) and gives it back. A cold pass
// reads the 4 MiB from the disk, and under -icount disk waits do not
// repeat: make bench boots this benchmark with -icount sleep=on, so a
// wait lasts about as long as the host took to read (with sleep=off it
// would jump to the next 10 ms timer tick or not, as the host races the
// guest: docs/benchmarks.md, clonebench). The cold figures are the
// minimum, median and maximum of COLD_ROUNDS passes; only the warm ones
// repeat to the tick.
//
// COW break: map the (cached) file MAP_PRIVATE, PROT_READ|PROT_WRITE,
// load from every page (so each is the cache's frame, mapped read-only),
// then time one store into each page: each store is a COW break that
// copies the cache's page into a private frame. Against it, one store
// into each page of a fresh private mapping (the fault maps and copies at
// once), and a store into pages that are already private (no fault).
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/riscv.h"
#include "user/user.h"

#define FILE_MIB 4
#define FILE_BYTES (FILE_MIB * 1024 * 1024)
#define FILE_PAGES (FILE_BYTES / PGSIZE)
#define WORDS (FILE_BYTES / 8)
#define ROUNDS 5
#define COLD_ROUNDS 5
#define NAME "mmapbench.dat"

static uint64 buf[PGSIZE / 8];

static void fail(const char *what) {
  printf("mmapbench: %s FAILED\n", what);
  unlink(NAME);
  exit(1);
}

// The file: word i holds i, so a whole pass sums to WORDS*(WORDS-1)/2.
static void make_file(void) {
  int fd = open(NAME, O_CREATE | O_TRUNC | O_RDWR);
  if (fd < 0)
    fail("create");
  for (uint64 w = 0; w < WORDS;) {
    for (int i = 0; i < PGSIZE / 8; i++)
      buf[i] = w++;
    if (write(fd, buf, PGSIZE) != PGSIZE)
      fail("write");
  }
  close(fd);
}

static uint64 sum_words(const uint64 *p, int n) {
  uint64 s = 0;
  for (int i = 0; i < n; i++)
    s += p[i];
  return s;
}

static void check_sum(uint64 s) {
  if (s != (uint64)WORDS * (WORDS - 1) / 2)
    fail("sum");
}

static uint64 pass_read(void) {
  uint64 t0 = rdtime();
  int fd = open(NAME, O_RDONLY);
  if (fd < 0)
    fail("open");
  uint64 s = 0;
  int n;
  while ((n = read(fd, buf, PGSIZE)) > 0)
    s += sum_words(buf, n / 8);
  close(fd);
  uint64 t1 = rdtime();
  check_sum(s);
  return t1 - t0;
}

static uint64 pass_map(int flags) {
  uint64 t0 = rdtime();
  int fd = open(NAME, O_RDONLY);
  if (fd < 0)
    fail("open");
  uint64 *p = mmap(0, FILE_BYTES, PROT_READ, flags, fd, 0);
  close(fd);
  if (p == (uint64 *)-1)
    fail("mmap");
  uint64 s = sum_words(p, WORDS);
  if (munmap(p, FILE_BYTES) < 0)
    fail("munmap");
  uint64 t1 = rdtime();
  check_sum(s);
  return t1 - t0;
}

static uint64 pass_private(void) { return pass_map(MAP_PRIVATE); }
static uint64 pass_shared(void) { return pass_map(MAP_SHARED); }

// Empty the page cache of idle pages: take every frame there is, which
// evicts every idle cache page first, then give them back.
static void evict(void) {
  int mib = 0;
  while (sbrk(1024 * 1024) != (char *)-1)
    mib++;
  for (; mib > 0; mib--)
    sbrk(-1024 * 1024);
}

struct range {
  uint64 min, max;
};

static void take(struct range *r, uint64 t) {
  r->min = t < r->min ? t : r->min;
  r->max = t > r->max ? t : r->max;
}

// The median of n times (sorts them).
static uint64 median(uint64 *t, int n) {
  for (int i = 1; i < n; i++)
    for (int j = i; j > 0 && t[j - 1] > t[j]; j--) {
      uint64 x = t[j];
      t[j] = t[j - 1];
      t[j - 1] = x;
    }
  return t[n / 2];
}

static void print_range(struct range r) {
  column_num(r.min, 11);
  column_num(r.max, 11);
}

static uint64 (*const pass[3])(void) = {pass_read, pass_private, pass_shared};
static const char *pass_name[3] = {"read()", "MAP_PRIVATE", "MAP_SHARED"};

static void passes(void) {
  struct range cold[3], warm[3];
  uint64 cold_t[3][COLD_ROUNDS];
  struct memstat m;
  uint64 cached_after_evict = 0;
  for (int k = 0; k < 3; k++)
    cold[k] = warm[k] = (struct range){~0UL, 0};
  for (int r = 0; r < COLD_ROUNDS; r++) {
    for (int k = 0; k < 3; k++) {
      evict();
      memstat(&m);
      if (m.cache_frames > cached_after_evict)
        cached_after_evict = m.cache_frames;
      cold_t[k][r] = pass[k]();
      take(&cold[k], cold_t[k][r]);
    }
  }
  for (int k = 0; k < 3; k++) {
    pass[k](); // the file is cached now; this is the warm-up
    for (int r = 0; r < ROUNDS; r++)
      take(&warm[k], pass[k]());
  }
  printf("mmapbench: a pass reads every word of a %d MiB file (%d pages); ticks\n", FILE_MIB,
         FILE_PAGES);
  printf("cold: page cache emptied first (at most %ld cache frames left, all in use), "
         "min/median/max of %d; includes disk waits\n", cached_after_evict, COLD_ROUNDS);
  printf("warm: file in the page cache, min/max of %d; repeats\n", ROUNDS);
  printf("method          cold min   cold med   cold max   warm min   warm max  warm/page\n");
  for (int k = 0; k < 3; k++) {
    printf("%s", pass_name[k]);
    column("", 12 - strlen(pass_name[k]));
    column_num(cold[k].min, 11);
    column_num(median(cold_t[k], COLD_ROUNDS), 11);
    column_num(cold[k].max, 11);
    print_range(warm[k]);
    column_num(warm[k].min / FILE_PAGES, 11);
    printf("\n");
  }
  // The floor under every warm pass: the sum itself, pages already mapped.
  int fd = open(NAME, O_RDONLY);
  uint64 *p = mmap(0, FILE_BYTES, PROT_READ, MAP_SHARED, fd, 0);
  close(fd);
  if (p == (uint64 *)-1)
    fail("mmap");
  check_sum(sum_words(p, WORDS)); // faults every page in
  uint64 t0 = rdtime();
  check_sum(sum_words(p, WORDS));
  uint64 t1 = rdtime();
  munmap(p, FILE_BYTES);
  printf("the sum alone, every page already mapped: %ld ticks (%ld a page)\n", t1 - t0,
         (t1 - t0) / FILE_PAGES);
}

// One store into every page of p, timed.
static uint64 store_each(char *p) {
  uint64 t0 = rdtime();
  for (int i = 0; i < FILE_PAGES; i++)
    p[i * PGSIZE] = 1;
  return rdtime() - t0;
}

static char *map_private_rw(void) {
  int fd = open(NAME, O_RDONLY);
  char *p = mmap(0, FILE_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
  close(fd);
  if (p == (char *)-1)
    fail("mmap private rw");
  return p;
}

static void cow_breaks(void) {
  struct memstat m0, m1;
  uint64 best_break = ~0UL, best_fresh = ~0UL, best_private = ~0UL, copies = 0;
  for (int r = 0; r < ROUNDS; r++) {
    // Each page mapped read-only from the cache, then broken by a store.
    char *p = map_private_rw();
    check_sum(sum_words((uint64 *)p, WORDS));
    memstat(&m0);
    uint64 t = store_each(p);
    memstat(&m1);
    best_break = t < best_break ? t : best_break;
    copies = m1.cow_copies - m0.cow_copies;
    // The same pages again: private now, no fault.
    t = store_each(p);
    best_private = t < best_private ? t : best_private;
    munmap(p, FILE_BYTES);
    // A fresh private mapping, stored into first: one fault a page that
    // maps and copies at once.
    p = map_private_rw();
    t = store_each(p);
    best_fresh = t < best_fresh ? t : best_fresh;
    munmap(p, FILE_BYTES);
  }
  printf("COW break of a private file page (minimum of %d, %d pages; the file cached):\n",
         ROUNDS, FILE_PAGES);
  printf("  store into a page mapped read-only from the cache: %ld ticks a page "
         "(%ld COW copies for %d stores)\n", best_break / FILE_PAGES, copies, FILE_PAGES);
  printf("  store into an untouched page of a fresh private mapping: %ld ticks a page\n",
         best_fresh / FILE_PAGES);
  printf("  store into a page already private: %ld ticks a page\n", best_private / FILE_PAGES);
}

// The benchmark runs in a child, so that its page-table pages (evict()
// leaves those of the heap it gave back until exit) are gone when the
// parent checks that every frame came back.
int main(void) {
  struct memstat m0, m1;
  memstat(&m0);
  int pid = fork();
  if (pid == 0) {
    make_file();
    passes();
    cow_breaks();
    unlink(NAME);
    exit(0);
  }
  int st = -1;
  if (pid < 0 || wait(&st) < 0 || st != 0)
    fail("child");
  memstat(&m1);
  printf("mmapbench: frames available back to the start: %s\n",
         memstat_avail(&m1) == memstat_avail(&m0) ? "yes" : "NO");
  printf("mmapbench: done\n");
  exit(0);
}
