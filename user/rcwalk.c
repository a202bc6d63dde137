// rcwalk: the reference-count trap. Reading an object is a write, if the
// object carries its own reference count.
//
// CPython keeps each object's reference count in the object's header, and
// every time code takes a reference (a loop variable, an argument) it
// increments the count, and decrements it when done. So a forked child
// that only *reads* a heap of objects still writes to every page of it,
// and copy-on-write copies them all: the memory a pre-forking server
// hoped to share leaks away page by page ("copy on read").
//
// The parent builds NOBJ small objects, linked in a seeded random order.
// A forked child walks the list, and for each object takes a reference,
// reads its value, follows its link and drops the reference. Three ways
// to keep the counts:
//
//   header:   in the object, as CPython does: every page gets written;
//   side:     in a separate table of counts: only the table's pages are
//             written (Ruby 2.0 moved its GC mark bits out of the objects
//             into bitmaps for the same reason);
//   immortal: objects marked immortal skip the count (CPython 3.12,
//             PEP 683): nothing is written.
//
// The child counts the pages it copied with procstat's cow_copies.
// Invariant: each walk runs in a child, and free frames after it is
// reaped equal free frames before.
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "user/user.h"

#define NOBJ 16384
#define LIMIT_PCT 5 // the side table may copy at most this share of the header walk

struct object {
  uint64 refcnt;       // the header: reference count ...
  uint64 immortal;     // ... and a flag that says "never count me"
  struct object *next; // the walk's link
  uint32 id;           // index into the side table
  uint32 value;
  char payload[96];    // the object's own data
};
_Static_assert(sizeof(struct object) == 128, "32 objects per page");

#define OBJ_PAGES (NOBJ * sizeof(struct object) / PGSIZE)
#define SIDE_PAGES (NOBJ * sizeof(uint32) / PGSIZE)

enum mode { HEADER, SIDE, IMMORTAL, NMODES };

static const char *describe[NMODES] = {
    "in each object's header", "in a side table", "nowhere: objects immortal"};

// Exit statuses carry page counts, so failure is -1.
static void fail(const char *why) {
  printf("rcwalk: FAILED: %s\n", why);
  exit(-1);
}

static uint64 next(uint64 *s) {
  uint64 z = (*s += 0x9e3779b97f4a7c15UL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
  return z ^ (z >> 31);
}

// Page-aligned memory from sbrk (the heap's end need not be aligned).
static void *alloc_pages(uint64 n) {
  char *top = sbrk(0);
  if (sbrk(n * PGSIZE + PGSIZE) == (char *)-1)
    fail("sbrk");
  return (void *)PGROUNDUP((uint64)top);
}

// The objects, with counts of 1 (the heap holds each one), linked in a
// random order by a seeded Fisher-Yates shuffle. Returns the first.
static struct object *build(struct object *objs, uint32 *side, enum mode m) {
  static uint32 order[NOBJ];
  uint64 rng = 42;
  for (int i = 0; i < NOBJ; i++)
    order[i] = i;
  for (int i = NOBJ - 1; i > 0; i--) {
    int j = next(&rng) % (i + 1);
    uint32 t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  for (int i = 0; i < NOBJ; i++) {
    struct object *o = &objs[order[i]];
    o->refcnt = 1;
    o->immortal = m == IMMORTAL;
    o->id = order[i];
    o->value = order[i] * 7 + 1;
    o->next = i + 1 < NOBJ ? &objs[order[i + 1]] : 0;
    side[order[i]] = 1;
  }
  return &objs[order[0]];
}

// Take and drop a reference. The volatile accesses are real loads and
// stores, as Py_INCREF's are: the compiler may not cancel the pair.
static void incref(struct object *o, uint32 *side, enum mode m) {
  if (m == HEADER)
    ((volatile struct object *)o)->refcnt++;
  else if (m == SIDE)
    ((volatile uint32 *)side)[o->id]++;
  else if (!o->immortal)
    ((volatile struct object *)o)->refcnt++;
}

static void decref(struct object *o, uint32 *side, enum mode m) {
  if (m == HEADER)
    ((volatile struct object *)o)->refcnt--;
  else if (m == SIDE)
    ((volatile uint32 *)side)[o->id]--;
  else if (!o->immortal)
    ((volatile struct object *)o)->refcnt--;
}

// The child's read-only walk: the sum of every value. Returns the pages
// it copied.
static int walk(struct object *first, uint32 *side, enum mode m) {
  struct procstat p0, p1;
  if (procstat(getpid(), &p0) < 0)
    fail("procstat");
  uint64 sum = 0;
  for (struct object *o = first; o;) {
    incref(o, side, m);
    sum += o->value;
    struct object *n = o->next;
    decref(o, side, m);
    o = n;
  }
  if (procstat(getpid(), &p1) < 0)
    fail("procstat");
  uint64 want = (uint64)7 * NOBJ * (NOBJ - 1) / 2 + NOBJ;
  if (sum != want)
    fail("the walk read a wrong sum");
  return p1.cow_copies - p0.cow_copies;
}

// Build the heap in a child, fork a walker from it, and return the pages
// the walker copied; *frames_ok says whether every frame came back.
static int run(enum mode m, int *frames_ok) {
  struct memstat m0, m1;
  memstat(&m0);
  int pid = fork();
  if (pid < 0)
    fail("fork");
  if (pid == 0) {
    struct object *objs = alloc_pages(OBJ_PAGES);
    uint32 *side = alloc_pages(SIDE_PAGES);
    struct object *first = build(objs, side, m);
    int walker = fork();
    if (walker < 0)
      fail("fork");
    if (walker == 0)
      exit(walk(first, side, m));
    int copied;
    if (wait(&copied) < 0)
      fail("wait");
    for (struct object *o = first; o; o = o->next)
      if (o->refcnt != 1 || side[o->id] != 1)
        fail("the walk changed the parent's counts");
    exit(copied);
  }
  int copied;
  if (wait(&copied) < 0 || copied < 0)
    fail("the walk failed");
  memstat(&m1);
  *frames_ok &= memstat_avail(&m1) == memstat_avail(&m0);
  return copied;
}

static int digits(int v) {
  int n = 1;
  for (; v >= 10; v /= 10)
    n++;
  return n;
}

// One line of the table: what, left-aligned, and n, right-aligned.
static void row(const char *what, int n) {
  printf("  %s", what);
  for (int i = strlen(what) + digits(n); i < 44; i++)
    printf(" ");
  printf("%d\n", n);
}

int main(void) {
  int copied[NMODES], frames_ok = 1;
  // The shell that started us may still be inside spawn() on another
  // hart, freeing the pages that carried our arguments: let it finish
  // before the first count of free frames.
  sleep(1);
  for (int m = 0; m < NMODES; m++)
    copied[m] = run(m, &frames_ok);
  printf("rcwalk: %d objects of %d bytes on %d pages, side table %d pages;\n", NOBJ,
         (int)sizeof(struct object), (int)OBJ_PAGES, (int)SIDE_PAGES);
  printf("a forked child reads every object once\n");
  printf("  where the count lives           pages copied\n");
  for (int m = 0; m < NMODES; m++)
    row(describe[m], copied[m]);
  int pct10 = copied[HEADER] ? copied[SIDE] * 1000 / copied[HEADER] : 1000;
  int header_ok = copied[HEADER] >= OBJ_PAGES;
  int side_ok = pct10 <= LIMIT_PCT * 10;
  int immortal_ok = copied[IMMORTAL] == 0;
  printf("rcwalk: the header walk copies every object page: %s\n", header_ok ? "ok" : "FAILED");
  printf("rcwalk: the side-table walk copies %d.%d%% of that (limit %d%%): %s\n", pct10 / 10,
         pct10 % 10, LIMIT_PCT, side_ok ? "ok" : "FAILED");
  printf("rcwalk: the immortal walk copies nothing: %s\n", immortal_ok ? "ok" : "FAILED");
  printf("rcwalk: free frames back to start: %s\n", frames_ok ? "ok" : "FAILED");
  int failed = !header_ok || !side_ok || !immortal_ok || !frames_ok;
  printf(failed ? "rcwalk: FAILED\n" : "rcwalk: OK\n");
  exit(failed);
}
