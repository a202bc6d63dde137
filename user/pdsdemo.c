// pdsdemo: path copying meets page copying.
//
// A persistent search tree never changes a node: an update copies the
// nodes on the path from the root to the key it changes, d of them, and
// returns a new root; every old root still sees its own version. In a
// forked child that is almost free under copy-on-write -- the old nodes
// are only read -- except for one thing: the d new nodes must be written
// somewhere, and each page they land on that the child still shares with
// its parent costs one COW copy. Where they land is the allocator's
// choice:
//
//   bump:      new nodes go one after another at the end of an arena, so
//              an update's d nodes fill one page, or straddle two;
//   scattered: a free list whose free slots are spread over the whole heap
//              (as after a long run of allocations and frees) hands out d
//              slots on up to d different pages, each one a copy.
//
// The tree is complete, so every leaf key lies at depth d = LEVELS and
// each update of a leaf makes exactly d new nodes. The child counts its
// COW copies per update with procstat.
//
// Invariant: each run is in a child, and free frames after it is reaped
// equal free frames before.
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "user/user.h"

#define LEVELS 14                    // depth of every leaf: d
#define NKEYS ((1 << LEVELS) - 1)    // keys 1..NKEYS, every leaf at depth LEVELS
#define UPDATES 16                   // updates the child makes
#define POOL_NODES (8 * (NKEYS + 1)) // the scattered heap: 8 slots per node in use

struct node {
  int key, val;
  struct node *left, *right; // on the free list, left is the link
  uint64 pad;                // 32 bytes: 128 nodes per page
};

enum kind { BUMP, SCATTERED, NKINDS };
static const char *names[NKINDS] = {"bump (arena)", "free list, scattered"};

struct allocator {
  enum kind kind;
  struct node *bump, *end; // BUMP: the next free node and the arena's end
  struct node *free;       // SCATTERED: the free list
  int made;                // nodes handed out so far
};

// What a run measured, sent from its child to main.
struct result {
  int nodes_per_update; // d, as counted by the allocator
  int copies;           // COW copies over all updates
  int min, max;         // COW copies of the cheapest and dearest update
};

// Exit statuses must be 0 for a good run, so failure is any other.
static void fail(const char *why) {
  printf("pdsdemo: FAILED: %s\n", why);
  exit(1);
}

static uint64 next(uint64 *s) {
  uint64 z = (*s += 0x9e3779b97f4a7c15UL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
  return z ^ (z >> 31);
}

// n nodes of page-aligned memory from sbrk: eagerly mapped, so a forked
// child shares all of it, the unused part too.
static struct node *alloc_pages(uint64 n) {
  char *top = sbrk(0);
  if (sbrk(n * sizeof(struct node) + PGSIZE) == (char *)-1)
    fail("sbrk");
  return (struct node *)PGROUNDUP((uint64)top);
}

static struct node *node_alloc(struct allocator *a) {
  struct node *n;
  if (a->kind == BUMP) {
    if (a->bump == a->end)
      fail("arena full");
    n = a->bump++;
  } else {
    if (a->free == 0)
      fail("free list empty");
    n = a->free;
    a->free = n->left;
  }
  a->made++;
  return n;
}

// The allocator's memory. The scattered free list links every slot in a
// seeded random order.
static void allocator_init(struct allocator *a, enum kind kind) {
  a->kind = kind;
  a->made = 0;
  if (kind == BUMP) {
    a->bump = alloc_pages(NKEYS + UPDATES * LEVELS);
    a->end = a->bump + NKEYS + UPDATES * LEVELS;
    return;
  }
  static uint32 order[POOL_NODES];
  struct node *pool = alloc_pages(POOL_NODES);
  uint64 rng = 7;
  for (int i = 0; i < POOL_NODES; i++)
    order[i] = i;
  for (int i = POOL_NODES - 1; i > 0; i--) {
    int j = next(&rng) % (i + 1);
    uint32 t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  a->free = 0;
  for (int i = 0; i < POOL_NODES; i++) {
    pool[order[i]].left = a->free;
    a->free = &pool[order[i]];
  }
}

// A complete tree of keys lo..hi (hi - lo + 1 = 2^k - 1), value 3 * key.
static struct node *build(struct allocator *a, int lo, int hi) {
  if (lo > hi)
    return 0;
  int mid = (lo + hi) / 2;
  struct node *n = node_alloc(a);
  n->key = mid;
  n->val = 3 * mid;
  n->left = build(a, lo, mid - 1);
  n->right = build(a, mid + 1, hi);
  return n;
}

// The persistent update: a new version of t in which key has value val.
// Only the path to key is new; the rest is shared with t.
static struct node *set(struct allocator *a, struct node *t, int key, int val) {
  if (t == 0)
    fail("key not in the tree");
  struct node *n = node_alloc(a);
  *n = *t;
  if (key < t->key)
    n->left = set(a, t->left, key, val);
  else if (key > t->key)
    n->right = set(a, t->right, key, val);
  else
    n->val = val;
  return n;
}

static int get(struct node *t, int key) {
  while (t && t->key != key)
    t = key < t->key ? t->left : t->right;
  return t ? t->val : -1;
}

static uint64 cow_copies(void) {
  struct procstat ps;
  if (procstat(getpid(), &ps) < 0)
    fail("procstat");
  return ps.cow_copies;
}

// In the forked child: UPDATES updates of random leaves (the odd keys),
// each on the newest version, timed in COW copies.
static void updates(struct allocator *a, struct node *root, struct result *r) {
  struct node *versions[UPDATES + 1];
  int keys[UPDATES];
  uint64 rng = 99;
  versions[0] = root;
  r->copies = 0;
  r->min = 1 << 30;
  r->max = 0;
  for (int u = 0; u < UPDATES; u++) {
    keys[u] = 2 * (next(&rng) % ((NKEYS + 1) / 2)) + 1;
    int made = a->made;
    uint64 c0 = cow_copies();
    versions[u + 1] = set(a, versions[u], keys[u], -u);
    int c = cow_copies() - c0;
    r->nodes_per_update = a->made - made;
    if (r->nodes_per_update != LEVELS)
      fail("an update of a leaf did not make d nodes");
    r->copies += c;
    r->min = c < r->min ? c : r->min;
    r->max = c > r->max ? c : r->max;
  }
  // Every version still holds what it held: the first update's key has
  // its old value in version 0 and its new one in version 1.
  for (int u = 0; u < UPDATES; u++) {
    if (get(versions[u + 1], keys[u]) != -u)
      fail("a new version lost its update");
    if (get(versions[0], keys[u]) != 3 * keys[u])
      fail("the old version changed");
  }
}

// Build the tree with one allocator in a child, fork the updater from it;
// *frames_ok says whether every frame came back.
static void run(enum kind kind, struct result *r, int *frames_ok) {
  struct memstat m0, m1;
  memstat(&m0);
  int fd[2];
  if (pipe(fd) < 0)
    fail("pipe");
  int pid = fork();
  if (pid < 0)
    fail("fork");
  if (pid == 0) {
    close(fd[0]);
    struct allocator a; // on the stack, which each process has written
                        // (and so copied) before it counts anything
    allocator_init(&a, kind);
    struct node *root = build(&a, 1, NKEYS);
    int updater = fork();
    if (updater < 0)
      fail("fork");
    if (updater == 0) {
      struct result mine;
      updates(&a, root, &mine);
      write(fd[1], &mine, sizeof(mine));
      exit(0);
    }
    int st;
    if (wait(&st) < 0 || st != 0)
      exit(1);
    for (int k = 1; k <= NKEYS; k += 97)
      if (get(root, k) != 3 * k)
        fail("the child's updates changed the parent's tree");
    exit(0);
  }
  close(fd[1]);
  int n = read(fd[0], r, sizeof(*r));
  close(fd[0]);
  int st;
  if (wait(&st) < 0 || st != 0 || n != sizeof(*r))
    fail("a run failed");
  memstat(&m1);
  *frames_ok &= memstat_avail(&m1) == memstat_avail(&m0);
}

static void pad(int n) {
  while (n-- > 0)
    printf(" ");
}

static int digits(int v) {
  int n = 1;
  for (; v >= 10; v /= 10)
    n++;
  return n;
}

int main(void) {
  struct result res[NKINDS];
  int frames_ok = 1;
  // The shell that started us may still be inside spawn() on another
  // hart, freeing the pages that carried our arguments: let it finish
  // before the first count of free frames.
  sleep(1);
  for (int k = 0; k < NKINDS; k++)
    run(k, &res[k], &frames_ok);
  printf("pdsdemo: persistent search tree of %d keys in %d-byte nodes; an update copies\n",
         NKEYS, (int)sizeof(struct node));
  printf("its path, d = %d new nodes; %d updates in a forked child\n", LEVELS, UPDATES);
  printf("  allocator      COW copies per update:   avg  min  max\n");
  for (int k = 0; k < NKINDS; k++) {
    int avg100 = (res[k].copies * 100 + UPDATES / 2) / UPDATES; // rounded
    printf("  %s", names[k]);
    pad(39 - strlen(names[k]) - digits(avg100 / 100));
    printf("%d.%d%d", avg100 / 100, avg100 / 10 % 10, avg100 % 10);
    pad(5 - digits(res[k].min));
    printf("%d", res[k].min);
    pad(5 - digits(res[k].max));
    printf("%d\n", res[k].max);
  }
  int bump_ok = res[BUMP].max <= 2;
  int scattered_ok = res[SCATTERED].copies * 2 >= LEVELS * UPDATES;
  printf("pdsdemo: the bump allocator copies at most 2 pages per update: %s\n",
         bump_ok ? "ok" : "FAILED");
  printf("pdsdemo: the scattered free list copies at least d/2 pages per update: %s\n",
         scattered_ok ? "ok" : "FAILED");
  printf("pdsdemo: free frames back to start: %s\n", frames_ok ? "ok" : "FAILED");
  int failed = !bump_ok || !scattered_ok || !frames_ok;
  printf(failed ? "pdsdemo: FAILED\n" : "pdsdemo: OK\n");
  exit(failed);
}
