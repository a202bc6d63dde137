// crdemo: three ways to bring a service back, measured (docs/checkpoint.md,
// docs/cow-in-practice.md section 7, docs/benchmarks.md).
//
//   crdemo setup MB          data files, their clonetree snapshot, and a
//                            service that built MB MiB of state from them,
//                            checkpointed (and killed) into /crd/img
//   crdemo run WAY PCT       bring the service back WAY (cold, eager, lazy)
//                            with a cold page cache; it answers requests
//                            that touch PCT% of its state; one line of figures
//   crdemo bench [N]         every way at 1, 5, 25, 50 and 100%, best of N
//                            runs each (default 1); the table, the measured
//                            crossover and the one the per-page costs predict
//   crdemo model [-prev]     bench, and check that the model holds: lazy wins
//                            well below the predicted crossover and loses well
//                            above it; with -prev, also that the crossover
//                            moved down from the last model run on this disk
//                            (booted with a lower lazycost=)
//
// The ways:
//   cold   fork + exec a fresh service on the snapshot /crd/snap, which
//          rebuilds its state by reading the data files in bulk (big read()s);
//   eager  restore(RESTORE_EAGER): every page of the image is read now;
//   lazy   restore(RESTORE_LAZY): the image's pages are mapped MAP_PRIVATE
//          and each arrives on first touch (a page fault and a 4-block read).
// Lazy pays per page touched, cold and eager per page owned: lazy wins for
// small working sets. The crossover is where the two costs meet:
//   PCT* = 100 * (eager's ticks per page) / (lazy's ticks per touched page).
// The boot argument lazycost=N adds a fixed cost to each lazy fault, which
// moves PCT* down: `crdemo model` checks the figures agree.
//
// Figures: rdtime ticks (10 MHz timebase), from just before the service is
// started or restored to its first answer and to its last; frames it holds
// (free + idle cache, before and at the end: idle cache counts as free);
// block reads the disk driver issued meanwhile. Before each run, a child
// allocates every free and idle frame so that the page cache starts cold
// (evict_cache): every way reads the disk. Under -icount the instruction
// counts repeat, but waits for the disk do not: best of N runs.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/fsstat.h"
#include "kernel/vmstat.h"
#include "kernel/ckpt.h"
#include "user/user.h"
#include "user/tree.h"

#define DIR "/crd"
#define DATA DIR "/data"
#define SNAP DIR "/snap"
#define IMAGE DIR "/img"
#define REQ DIR "/req"
#define OUT DIR "/out"
#define CONF DIR "/conf"
#define MODEL DIR "/model" // the last model run's predicted crossover
#define NFILES 8
#define PG 4096
#define NREQ 10    // requests per run; the first one's answer is "first response"
#define NWAYS 3
#define NPCTS 5

static const char *ways[NWAYS] = {"cold", "eager", "lazy"};
static const int pcts[NPCTS] = {1, 5, 25, 50, 100};

// v in decimal into buf (at least 12 bytes).
static char *decimal(char *buf, int v) {
  int n = 0;
  for (int x = v; x > 0 || n == 0; x /= 10)
    n++;
  buf[n] = 0;
  for (int x = v; n > 0; x /= 10)
    buf[--n] = '0' + x % 10;
  return buf;
}

static void die(const char *why) {
  fprintf(2, "crdemo: %s\n", why);
  exit(1);
}

// The state's word w of page p: what the data files hold there, so that a
// service can check every page it touches, whichever way it came back.
static uint64 word_at(uint64 p, uint64 w) { return (p << 20) ^ (w * 0x9e3779b1UL) ^ 0xc0ffee; }

static void fill_page(uint64 *page, uint64 p) {
  for (int w = 0; w < PG / 8; w++)
    page[w] = word_at(p, w);
}

static int read_int_file(const char *path) {
  char buf[32];
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  int n = read(fd, buf, sizeof(buf) - 1);
  close(fd);
  if (n <= 0)
    return -1;
  buf[n] = 0;
  return atoi(buf);
}

static void write_text(const char *path, const char *text) {
  int fd = open(path, O_CREATE | O_WRONLY | O_TRUNC);
  if (fd < 0 || write(fd, text, strlen(text)) != strlen(text))
    die("cannot write a file under " DIR);
  close(fd);
}

static void file_name(char *buf, const char *dir, int i) {
  strcpy(buf, dir);
  int n = strlen(buf);
  buf[n] = '/';
  buf[n + 1] = 'd';
  buf[n + 2] = '0' + i;
  buf[n + 3] = 0;
}

// ---- the service ----------------------------------------------------------

struct result {
  uint64 t_first, t_done; // rdtime at the first answer and the last
  uint64 avail;           // free + idle frames at the end
  uint64 reads;           // the driver's block reads at the end
  uint64 bad;             // words that did not hold what the files say
  uint64 touched;         // pages the requests touched
};

// Read the NFILES data files under dir into state, in bulk: one read() of
// a whole file at a time.
static void build_state(char *state, uint64 bytes, const char *dir) {
  uint64 per = bytes / NFILES;
  char name[64];
  for (int i = 0; i < NFILES; i++) {
    file_name(name, dir, i);
    int fd = open(name, O_RDONLY);
    if (fd < 0 || read(fd, state + i * per, per) != per)
      die("service: cannot read its data files");
    close(fd);
  }
}

// Touch page p of state the way a request reads it (every word), counting
// the words that are wrong.
static uint64 check_page(const uint64 *page, uint64 p) {
  uint64 bad = 0;
  for (int w = 0; w < PG / 8; w++)
    bad += page[w] != word_at(p, w);
  return bad;
}

// Answer NREQ requests touching pct% of the pages, spread evenly over the
// state (a working set with no locality for read-ahead to exploit).
static void answer(char *state, uint64 npages, int pct, struct result *r) {
  uint64 k = npages * pct / 100;
  if (k == 0)
    k = 1;
  r->touched = k;
  for (int q = 0; q < NREQ; q++) {
    for (uint64 i = k * q / NREQ; i < k * (q + 1) / NREQ; i++) {
      uint64 p = i * npages / k;
      r->bad += check_page((uint64 *)(state + p * PG), p);
    }
    if (q == 0)
      r->t_first = rdtime();
  }
  r->t_done = rdtime();
}

static void put_result(const struct result *r) {
  struct memstat ms;
  struct fsstat fs;
  if (memstat(&ms) < 0 || fsstat(&fs) < 0)
    die("service: memstat, fsstat");
  struct result out = *r;
  out.avail = memstat_avail(&ms);
  out.reads = fs.reads;
  int fd = open(OUT, O_CREATE | O_WRONLY | O_TRUNC);
  if (fd < 0 || write(fd, &out, sizeof(out)) != sizeof(out))
    die("service: cannot write " OUT);
  close(fd);
}

// `crdemo serve DIR MB`: build the state from DIR's files; tell the driver
// (by closing fd 3, the write end of its pipe, after the console: nothing
// the checkpoint refuses is left open); then wait for /crd/req. A restored
// copy resumes in this loop, finds /crd/req there, and answers at once.
static void serve(const char *dir, int mb) {
  uint64 bytes = (uint64)mb << 20;
  char *state = sbrk(bytes);
  if (state == (char *)-1)
    die("service: no memory for its state");
  build_state(state, bytes, dir);
  for (int fd = 0; fd <= 3; fd++)
    close(fd);
  int pct;
  while ((pct = read_int_file(REQ)) < 0)
    pause(1);
  struct result r = {0};
  answer(state, bytes / PG, pct, &r);
  put_result(&r);
  exit(0);
}

// ---- the driver -----------------------------------------------------------

// Take every free and idle frame in a child and give them back: the page
// cache is then empty of idle pages, so the next run reads the disk. The
// child leaves a small margin for the kernel's own allocations; if
// it runs out anyway, the kernel kills the child and nobody else.
static void evict_cache(void) {
  struct memstat ms;
  if (memstat(&ms) < 0)
    die("memstat");
  // A page-table page per 512 pages taken, and some room for the kernel.
  uint64 avail = memstat_avail(&ms), margin = avail / 256 + 64;
  uint64 take = avail > margin ? avail - margin : 0;
  int pid = fork();
  if (pid < 0)
    die("fork");
  if (pid == 0) {
    char *p = sbrk(take * PG);
    if (p != (char *)-1)
      for (uint64 i = 0; i < take; i++)
        p[i * PG] = 1;
    exit(0);
  }
  wait(0);
}

static int start_cold(int mb) {
  char arg[16];
  char *argv[] = {"crdemo", "serve", SNAP, decimal(arg, mb), 0};
  int pid = fork();
  if (pid == 0) {
    exec("/crdemo", argv);
    die("cannot exec /crdemo");
  }
  return pid;
}

struct figures {
  uint64 first, done;   // ticks from the start to the first answer, the last
  long frames;          // frames the service held at the end
  uint64 reads;         // block reads
  uint64 touched;       // pages the requests touched
};

// One run: bring the service back `way`, with a cold cache, requests pct%.
static struct figures run_once(int way, int pct) {
  int mb = read_int_file(CONF);
  if (mb <= 0)
    die("no " CONF ": run crdemo setup first");
  char req[16];
  unlink(OUT);
  write_text(REQ, decimal(req, pct));
  evict_cache();
  struct memstat ms;
  struct fsstat fs;
  if (memstat(&ms) < 0 || fsstat(&fs) < 0)
    die("memstat, fsstat");
  uint64 t0 = rdtime();
  int pid = way == 0 ? start_cold(mb) : restore(IMAGE, way == 1 ? RESTORE_EAGER : RESTORE_LAZY);
  if (pid < 0)
    die(way == 0 ? "fork" : "restore failed");
  int status;
  if (wait(&status) != pid || status != 0)
    die("the service failed");
  struct result r;
  int fd = open(OUT, O_RDONLY);
  if (fd < 0 || read(fd, &r, sizeof(r)) != sizeof(r))
    die("the service left no " OUT);
  close(fd);
  unlink(REQ);
  if (r.bad)
    die("the service found its state wrong");
  return (struct figures){r.t_first - t0, r.t_done - t0, (long)memstat_avail(&ms) - (long)r.avail,
                          r.reads - fs.reads, r.touched};
}

static struct figures run_best(int way, int pct, int runs) {
  struct figures best = run_once(way, pct);
  for (int i = 1; i < runs; i++) {
    struct figures f = run_once(way, pct);
    if (f.done < best.done)
      best = f;
  }
  return best;
}

static void print_figures(int way, int pct, struct figures f) {
  column(ways[way], 5);
  column_num(pct, 5);
  column_num(f.touched, 9);
  column_num(f.first, 16);
  column_num(f.done, 16);
  column_num(f.frames, 8);
  column_num(f.reads, 13);
  printf("\n");
}

// ---- setup ----------------------------------------------------------------

static void write_data(int mb) {
  uint64 pages = ((uint64)mb << 20) / PG / NFILES;
  uint64 *page = (uint64 *)sbrk(PG);
  char name[64];
  for (int i = 0; i < NFILES; i++) {
    file_name(name, DATA, i);
    int fd = open(name, O_CREATE | O_WRONLY | O_TRUNC);
    if (fd < 0)
      die("cannot create a data file");
    for (uint64 p = 0; p < pages; p++) {
      fill_page(page, i * pages + p);
      if (write(fd, page, PG) != PG)
        die("cannot write a data file (disk full?)");
    }
    close(fd);
  }
}

// Start a service on the data, wait until it has built its state, and
// checkpoint it into the image, killing it.
static void checkpoint_service(int mb) {
  int fds[2];
  if (pipe(fds) < 0)
    die("pipe");
  char arg[16];
  decimal(arg, mb);
  int pid = fork();
  if (pid == 0) {
    close(fds[0]); // fd 3, below fds[1]: dup puts the write end there
    if (dup(fds[1]) != 3 || close(fds[1]) < 0)
      die("service: cannot put its pipe on fd 3");
    char *argv[] = {"crdemo", "serve", DATA, arg, 0};
    exec("/crdemo", argv);
    die("cannot exec /crdemo");
  }
  close(fds[1]);
  char c;
  if (read(fds[0], &c, 1) != 0)
    die("the service wrote to its pipe");
  close(fds[0]);
  if (checkpoint(pid, IMAGE, CKPT_KILL) < 0)
    die("checkpoint failed");
  wait(0);
}

static void setup(int mb) {
  if (mb < NFILES || mb % NFILES)
    die("setup: MB must be a multiple of 8");
  unlink(REQ);
  if (mkdir(DIR) < 0 && open(DIR, O_RDONLY) < 0)
    die("cannot make " DIR);
  if (mkdir(DATA) < 0)
    die(DATA " exists: setup once per disk");
  write_data(mb);
  if (tree_clone(DATA, SNAP, 0) < 0)
    die("clonetree of the data failed");
  char conf[16];
  write_text(CONF, decimal(conf, mb));
  checkpoint_service(mb);
  sync();
  printf("crdemo: setup done: %d MiB of state in %d files, snapshot %s, image %s\n", mb, NFILES,
         SNAP, IMAGE);
}

// ---- the table and the model ----------------------------------------------

struct table {
  struct figures f[NPCTS][NWAYS];
};

// The faster of cold and eager at pct index i: the best bulk way.
static struct figures bulk(const struct table *t, int i) {
  return t->f[i][0].done < t->f[i][1].done ? t->f[i][0] : t->f[i][1];
}

static void bench(struct table *t, int runs) {
  printf("  way  pct  touched  ticks to first   ticks to last  frames  blocks read\n");
  for (int i = 0; i < NPCTS; i++)
    for (int w = 0; w < NWAYS; w++) {
      t->f[i][w] = run_best(w, pcts[i], runs);
      print_figures(w, pcts[i], t->f[i][w]);
    }
}

// The model: lazy pays per page touched, the bulk ways per page owned.
// Lazy's cost per page is read off the 5% run (its fixed start-up is small
// there against its faults), bulk's off the faster bulk way's 1% run
// (nearly all of which is reading). They meet where
//   PCT * pages * lazy_per_page = pages * bulk_per_page,
// so PCT* = 100 * bulk_per_page / lazy_per_page. Returns PCT* in
// hundredths of a percent, and prints it with the measured crossover.
static long model(const struct table *t) {
  struct figures lazy = t->f[1][2], b = bulk(t, 0);
  uint64 pages = t->f[NPCTS - 1][2].touched;
  uint64 lazy_pp = lazy.done / lazy.touched, bulk_pp = b.done / pages;
  long x = (long)(10000 * bulk_pp / (lazy_pp ? lazy_pp : 1));
  printf("crdemo: lazy %d ticks per touched page; bulk %d ticks per page owned\n", (int)lazy_pp,
         (int)bulk_pp);
  printf("crdemo: predicted crossover: %d.%d%d%%%s\n", (int)(x / 100), (int)(x % 100 / 10),
         (int)(x % 10), x > 10000 ? " (beyond 100%: lazy should win at every size)" : "");
  int last_win = -1;
  for (int i = 0; i < NPCTS; i++)
    if (t->f[i][2].done < bulk(t, i).done)
      last_win = i;
  if (last_win == NPCTS - 1)
    printf("crdemo: measured: lazy wins at every size\n");
  else if (last_win < 0)
    printf("crdemo: measured: lazy loses at every size\n");
  else
    printf("crdemo: measured crossover: between %d%% and %d%%\n", pcts[last_win],
           pcts[last_win + 1]);
  return x;
}

// The model holds if lazy wins at each size well below the predicted
// crossover and loses at each well above it: a factor of 1.5 either side,
// since the disk's share of the figures is real time (see the head).
static int model_holds(const struct table *t, long x) {
  int ok = 1;
  for (int i = 0; i < NPCTS; i++) {
    long at = pcts[i] * 100L;
    int lazy_wins = t->f[i][2].done < bulk(t, i).done;
    int want_win = at * 3 < x * 2, want_lose = at * 2 > x * 3;
    if ((want_win && !lazy_wins) || (want_lose && lazy_wins)) {
      printf("crdemo: MODEL FAILS at %d%%: lazy %s\n", pcts[i], lazy_wins ? "wins" : "loses");
      ok = 0;
    }
  }
  return ok;
}

static void usage(void) {
  die("usage: crdemo setup MB | run cold|eager|lazy PCT | bench [N] | model [-prev] | serve DIR MB");
}

static int way_of(const char *name) {
  for (int w = 0; w < NWAYS; w++)
    if (strcmp(name, ways[w]) == 0)
      return w;
  usage();
  return -1;
}

int main(int argc, char *argv[]) {
  if (argc >= 4 && strcmp(argv[1], "serve") == 0)
    serve(argv[2], atoi(argv[3]));
  if (argc == 3 && strcmp(argv[1], "setup") == 0) {
    setup(atoi(argv[2]));
    exit(0);
  }
  if (argc == 4 && strcmp(argv[1], "run") == 0) {
    int pct = atoi(argv[3]);
    if (pct < 1 || pct > 100)
      die("PCT must be 1..100");
    int w = way_of(argv[2]);
    print_figures(w, pct, run_once(w, pct));
    exit(0);
  }
  static struct table t;
  if (argc <= 3 && argc >= 2 && strcmp(argv[1], "bench") == 0) {
    bench(&t, argc == 3 ? atoi(argv[2]) : 1);
    model(&t);
    exit(0);
  }
  if (argc <= 3 && argc >= 2 && strcmp(argv[1], "model") == 0) {
    int prev = argc == 3 && strcmp(argv[2], "-prev") == 0 ? read_int_file(MODEL) : -1;
    if (argc == 3 && prev < 0)
      die("model -prev: no earlier model run on this disk");
    bench(&t, 1);
    long x = model(&t);
    int ok = model_holds(&t, x);
    if (prev >= 0) {
      int down = x < prev;
      printf("crdemo: crossover %s (was %d hundredths of a percent)\n",
             down ? "moved down" : "DID NOT MOVE DOWN", prev);
      ok = ok && down;
    }
    char buf[16];
    write_text(MODEL, decimal(buf, (int)x));
    printf("crdemo: model %s (predicted %d)\n", ok ? "holds" : "FAILS", (int)x);
    exit(ok ? 0 : 1);
  }
  usage();
  return 1;
}
