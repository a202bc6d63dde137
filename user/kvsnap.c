// kvsnap: snapshot isolation by fork, the way Redis's BGSAVE works.
//
// A small key-value store lives in this process's memory. To save it, the
// store forks: the child sees the memory exactly as it was at the fork
// (copy-on-write makes that free) and writes it to a file at leisure,
// while the parent goes on changing keys. Each page the parent changes
// during the dump costs one COW copy; procstat tells how many.
//
//   kvsnap            run the demonstration and check the dump
//   kvsnap N          the same with N updates during the dump
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

#define NKEYS 4096
#define VALSZ 60

struct record {
  int key;
  char val[VALSZ];
};

static struct record store[NKEYS]; // 256 KiB: 64 pages

static void set(int key, uint seed) {
  struct record *r = &store[key];
  r->key = key;
  for (int i = 0; i < VALSZ; i++)
    r->val[i] = 'a' + (seed + i * 7) % 26;
}

// The child: write every record, in order, to path.
static int dump(const char *path) {
  int fd = open(path, O_CREATE | O_WRONLY | O_TRUNC);
  if (fd < 0)
    return 1;
  for (int i = 0; i < NKEYS; i += 64) {
    if (write(fd, &store[i], 64 * sizeof(struct record)) != 64 * sizeof(struct record))
      return 1;
  }
  close(fd);
  return 0;
}

// Does the file at path hold exactly the store as set() with seed0 made it?
static int matches_initial(const char *path) {
  static struct record want[64], got[64];
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return 0;
  int ok = 1;
  for (int i = 0; i < NKEYS && ok; i += 64) {
    if (read(fd, got, sizeof(got)) != sizeof(got)) {
      ok = 0;
      break;
    }
    for (int j = 0; j < 64; j++) {
      want[j].key = i + j;
      for (int k = 0; k < VALSZ; k++)
        want[j].val[k] = 'a' + ((i + j) + k * 7) % 26;
    }
    ok = memcmp(want, got, sizeof(got)) == 0;
  }
  char extra;
  if (ok && read(fd, &extra, 1) != 0)
    ok = 0;
  close(fd);
  return ok;
}

int main(int argc, char *argv[]) {
  int updates = argc > 1 ? atoi(argv[1]) : 5000;
  for (int k = 0; k < NKEYS; k++)
    set(k, k); // the state the dump must show
  struct procstat before, after;
  struct memstat m0, m1;
  if (memstat(&m0) < 0 || procstat(getpid(), &before) < 0) {
    fprintf(2, "kvsnap: procstat failed\n");
    exit(1);
  }
  int pid = fork();
  if (pid < 0) {
    fprintf(2, "kvsnap: fork failed\n");
    exit(1);
  }
  if (pid == 0)
    exit(dump("kv.dump"));
  // The parent keeps serving writes while the child dumps.
  for (int u = 0; u < updates; u++)
    set((u * 2654435761U) % NKEYS, 1000 + u);
  procstat(getpid(), &after);
  int st;
  wait(&st);
  if (st != 0) {
    printf("kvsnap: the dump failed\n");
    exit(1);
  }
  uint64 copied = after.cow_copies - before.cow_copies;
  if (!matches_initial("kv.dump")) {
    printf("kvsnap: FAILED: the dump differs from the state at the fork\n");
    exit(1);
  }
  unlink("kv.dump");
  memstat(&m1);
  if (memstat_avail(&m1) != memstat_avail(&m0)) {
    printf("kvsnap: FAILED: free frames %ld before, %ld after\n", memstat_avail(&m0), memstat_avail(&m1));
    exit(1);
  }
  printf("kvsnap: dump of %d keys matches the state at the fork; the parent made %d updates "
         "meanwhile and copied %ld pages\n",
         NKEYS, updates, copied);
  exit(0);
}
