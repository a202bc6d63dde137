// prefork: the memory of a pre-forked server, measured against a model.
//
// A server (Apache's prefork, a gunicorn master) builds its state once and
// forks a pool of workers that start out sharing all of it. Every page a
// worker writes becomes that worker's private copy, and a worker that dies
// is replaced by a fresh fork of the parent, sharing everything again. How
// much stays shared is a race between writing and dying: with S pages of
// state, writes at rate L (uniform over the pages) and lifetimes
// exponential with mean T, a page outlives a worker unwritten with
// probability 1 / (1 + L*T/S). In steady state the age of a live worker is
// again exponential with mean T, so at any moment a worker still shares
// S / (1 + L*T/S) pages with the parent, on average.
//
// The clocks are simulated, so the run is exact and repeatable: each
// worker draws its lifetime and the times of its writes from its own
// seeded generator (slot and generation), and the parent moves simulated
// time forward in steps of T/4. At each step every live worker runs up to
// the step's time and reports back; a worker whose lifetime ends exits and
// is replaced by a new fork born at that instant. Then, with every worker
// paused, the parent samples memstat. Because the parent and the workers
// write nothing else after the pool starts, the frames in use beyond the
// start of the pool are exactly the workers' private copies of state
// pages, so "pages a worker still shares" = S - copies / N, and procstat
// must agree with it worker by worker (checked at every sample).
//
// Invariant: each experiment runs in a child, and free frames after it is
// reaped equal free frames before.
//
//   prefork          run the settings, compare with the model, check
//   prefork SEED     the same with another seed
#include "kernel/types.h"
#include "kernel/riscv.h"
#include "user/user.h"

#define S 128           // pages of shared state
#define NWORKERS 8      // workers alive at any moment
#define T 64            // mean lifetime of a worker, in ticks of simulated time
#define STEPS_PER_T 4   // samples per mean lifetime
#define WARMUP 3        // lifetimes before sampling starts (the pool starts young)
#define MEASURE 40      // lifetimes sampled
#define TOLERANCE 15    // percent between measured and predicted sharing

// Simulated time is fixed point, in 1/65536 of a tick: the kernel saves no
// floating-point registers, so user programs use none.
#define ONE (1UL << 16)
#define LN2 45426UL // ln 2 in the same fixed point

static int rates[] = {1, 2, 4}; // L, writes per tick: L*T/S = 0.5, 1, 2
#define NRATES (sizeof(rates) / sizeof(rates[0]))

// ---- the generator and exponential draws ----

// splitmix64: a tiny generator with good statistics, one 64-bit state.
static uint64 next(uint64 *s) {
  uint64 z = (*s += 0x9e3779b97f4a7c15UL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9UL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebUL;
  return z ^ (z >> 31);
}

// -log2(u / 2^32) in fixed point, for 0 < u < 2^32: shift u until its top
// bit is set (each shift is one whole unit), then take the fractional
// bits of log2 of the mantissa in [1, 2) by repeated squaring.
static uint64 neglog2(uint32 u) {
  uint64 x = u;
  int e = 1;
  while ((x & 0x80000000UL) == 0) {
    x <<= 1;
    e++;
  }
  uint64 frac = 0; // log2(x / 2^31), 16 bits
  for (int i = 0; i < 16; i++) {
    x = (x * x) >> 31;
    frac <<= 1;
    if (x >= (1UL << 32)) {
      x >>= 1;
      frac |= 1;
    }
  }
  return ((uint64)e << 16) - frac;
}

// An exponentially distributed time with the given mean, by inversion:
// mean * -ln(U) for U uniform in (0, 1).
static uint64 draw_exp(uint64 *rng, uint64 mean) {
  uint32 u = (next(rng) >> 32) | 1;
  return mean * (neglog2(u) * LN2 >> 16) >> 16;
}

// ---- the pool ----

struct worker {
  uint64 rng;
  uint64 death;      // simulated time at which it exits
  uint64 next_write; // simulated time of its next write
  int gen;           // workers this slot had before this one
  int pid;
  int cmd;           // write end of its pipe: "run until time t"
};

struct pool {
  char *state;   // S pages, built by the parent
  uint64 gap;    // mean time between a worker's writes (1/L)
  uint64 seed;
  int done[2];   // workers report "reached t" here
  struct worker w[NWORKERS];
};

static void fail(const char *why) {
  printf("prefork: FAILED: %s\n", why);
  exit(1);
}

// A worker: on each command, write random pages at the times its
// generator draws, up to the commanded time or its death.
static void worker_run(struct worker *w, struct pool *p, int cmd) {
  uint64 until;
  while (read(cmd, &until, sizeof(until)) == sizeof(until)) {
    uint64 end = until < w->death ? until : w->death;
    while (w->next_write < end) {
      p->state[next(&w->rng) % S * PGSIZE]++;
      w->next_write += draw_exp(&w->rng, p->gap);
    }
    if (w->death <= until)
      exit(0);
    write(p->done[1], "r", 1);
  }
  exit(0); // the parent closed the pipe: the run is over
}

// Fork the worker for slot i, born at simulated time birth.
static void start(struct pool *p, int i, uint64 birth) {
  struct worker *w = &p->w[i];
  w->rng = p->seed ^ ((uint64)i << 32) ^ ((uint64)w->gen * 0x2545f4914f6cdd1dUL);
  w->death = birth + draw_exp(&w->rng, T * ONE);
  w->next_write = birth + draw_exp(&w->rng, p->gap);
  int fd[2];
  if (pipe(fd) < 0)
    fail("pipe");
  int pid = fork();
  if (pid < 0)
    fail("fork");
  if (pid == 0) {
    // Keep only our own pipe and the report pipe's write end, so that a
    // pipe is freed as soon as its worker and the parent let go of it.
    close(fd[1]);
    close(p->done[0]);
    for (int j = 0; j < NWORKERS; j++)
      if (j != i && p->w[j].pid > 0)
        close(p->w[j].cmd);
    worker_run(w, p, fd[0]);
  }
  close(fd[0]);
  w->pid = pid;
  w->cmd = fd[1];
}

static void command(struct worker *w, uint64 until) {
  if (write(w->cmd, &until, sizeof(until)) != sizeof(until))
    fail("command a worker");
}

static void await_report(struct pool *p) {
  char c;
  if (read(p->done[0], &c, 1) != 1)
    fail("read a worker's report");
}

static void reap(void) {
  int st;
  if (wait(&st) < 0 || st != 0)
    fail("a worker failed");
}

// Move simulated time to `until`: every worker runs up to it; those that
// die on the way are reaped and replaced, in slot order, by workers born
// at the moment of their death (who may die in turn before `until`).
// Returns with every worker paused at `until`.
static void advance(struct pool *p, uint64 until) {
  int alive = 0, dying = 0;
  for (int i = 0; i < NWORKERS; i++) {
    command(&p->w[i], until);
    if (p->w[i].death > until)
      alive++;
    else
      dying++;
  }
  while (alive-- > 0)
    await_report(p);
  while (dying-- > 0)
    reap();
  for (int i = 0; i < NWORKERS; i++) {
    struct worker *w = &p->w[i];
    while (w->death <= until) {
      close(w->cmd);
      w->gen++;
      start(p, i, w->death);
      command(w, until);
      if (w->death > until)
        await_report(p);
      else
        reap();
    }
  }
}

static uint64 used_frames(void) {
  struct memstat ms;
  if (memstat(&ms) < 0)
    fail("memstat");
  return ms.total_frames - memstat_avail(&ms);
}

// Pages of state worker w still shares with the parent, by procstat: its
// shared pages minus those outside the state (text, data), `other`.
static uint64 shared_by_procstat(struct worker *w, uint64 other) {
  struct procstat ps;
  if (procstat(w->pid, &ps) < 0)
    fail("procstat");
  return ps.shared_pages - other;
}

// What one setting measured, sent from the experiment to main.
struct result {
  uint64 samples;
  uint64 copies_sum;     // sum over samples of the workers' private copies
  uint64 resident_sum;   // sum over samples of the frames the run holds
  uint64 resident_peak;
  uint64 resident_start; // frames it holds with the pool forked, before any write
  uint64 memstat_shared_sum;
  int agree;             // procstat agreed with memstat at every sample
};

// The parent builds its state and forks the pool, which then waits at
// simulated time 0.
static void pool_open(struct pool *p, int rate, uint64 seed) {
  memset(p, 0, sizeof(*p)); // no worker yet
  char *top = sbrk(0);
  if (sbrk((S + 1) * PGSIZE) == (char *)-1)
    fail("sbrk");
  p->state = (char *)PGROUNDUP((uint64)top);
  for (int i = 0; i < S; i++)
    p->state[i * PGSIZE] = i;
  p->gap = ONE / rate;
  p->seed = seed * 0x9e3779b97f4a7c15UL + rate;
  if (pipe(p->done) < 0)
    fail("pipe");
  for (int i = 0; i < NWORKERS; i++)
    start(p, i, 0);
  advance(p, 0); // every worker has set itself up
}

static void pool_close(struct pool *p) {
  for (int i = 0; i < NWORKERS; i++)
    close(p->w[i].cmd); // each worker reads end-of-file and exits
  for (int i = 0; i < NWORKERS; i++)
    reap();
}

// One sample, every worker paused. `base` is the frames in use when the
// pool was forked, `before` those before the state was built, `other`
// a worker's shared pages outside the state.
static void sample(struct pool *p, uint64 base, uint64 before, uint64 other, struct result *r) {
  struct memstat ms;
  if (memstat(&ms) < 0)
    fail("memstat");
  uint64 used = ms.total_frames - memstat_avail(&ms);
  uint64 copies = used - base, shared = 0;
  for (int i = 0; i < NWORKERS; i++)
    shared += shared_by_procstat(&p->w[i], other);
  if (shared != (uint64)NWORKERS * S - copies)
    r->agree = 0;
  r->samples++;
  r->copies_sum += copies;
  r->resident_sum += used - before;
  if (used - before > r->resident_peak)
    r->resident_peak = used - before;
  r->memstat_shared_sum += ms.shared_frames;
}

static void experiment(int rate, uint64 seed, struct result *r) {
  // On the stack, not in a global: the parent writes it after every fork,
  // and a data page written after a fork would be copied and counted.
  struct pool pool;
  uint64 before = used_frames();
  pool_open(&pool, rate, seed);
  uint64 base = used_frames();
  struct procstat ps;
  if (procstat(pool.w[0].pid, &ps) < 0)
    fail("procstat");
  memset(r, 0, sizeof(*r));
  r->agree = 1;
  r->resident_start = base - before;
  uint64 step = T * ONE / STEPS_PER_T;
  for (int k = 1; k <= (WARMUP + MEASURE) * STEPS_PER_T; k++) {
    advance(&pool, k * step);
    if (k > WARMUP * STEPS_PER_T)
      sample(&pool, base, before, ps.shared_pages - S, r);
  }
  pool_close(&pool);
}

// ---- reporting ----


// v / 10^places as a decimal with that many places, right-aligned.
static void column_fixed(long v, int places, int w) {
  char buf[24];
  int i = sizeof(buf) - 1, neg = v < 0;
  uint64 u = neg ? -v : v;
  buf[i] = 0;
  for (int d = 0; d <= places || u > 0; d++) {
    if (d == places && places > 0)
      buf[--i] = '.';
    buf[--i] = '0' + u % 10;
    u /= 10;
  }
  if (neg)
    buf[--i] = '-';
  column(buf + i, w);
}

// Run one setting in a child, so that every frame it used is accounted
// for; returns whether they all came back.
static int run_setting(int rate, uint64 seed, struct result *r) {
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
    struct result mine;
    experiment(rate, seed, &mine);
    write(fd[1], &mine, sizeof(mine));
    exit(0);
  }
  close(fd[1]);
  int n = read(fd[0], r, sizeof(*r));
  close(fd[0]);
  int st;
  wait(&st);
  if (n != sizeof(*r) || st != 0)
    fail("the experiment failed");
  memstat(&m1);
  return memstat_avail(&m1) == memstat_avail(&m0);
}

// The measured and predicted pages a worker shares, times 10, and the
// error between them in tenths of a percent.
struct verdict {
  long measured, model, error;
  int ok;
};

static struct verdict judge(struct result *r, int L) {
  struct verdict v;
  v.measured = S * 10L - (long)(r->copies_sum * 10 / (NWORKERS * r->samples));
  v.model = S * 10L * S / (S + L * T);
  v.error = (v.measured - v.model) * 1000 / v.model;
  v.ok = v.error <= TOLERANCE * 10 && v.error >= -TOLERANCE * 10;
  return v;
}

static void print_row(struct result *r, int L, struct verdict *v) {
  column_fixed(L, 0, 3);
  column_fixed(L * T * 10L / S, 1, 7);
  column_fixed(v->measured, 1, 14);
  column_fixed(v->model, 1, 7);
  column_fixed(v->error, 1, 6);
  printf("%%");
  column_fixed(r->resident_sum * 10 / r->samples, 1, 14);
  column_fixed(r->resident_peak, 0, 6);
  column_fixed(r->resident_start * 10 + NWORKERS * (S * 10L - v->model), 1, 7);
  column_fixed(r->memstat_shared_sum * 10 / r->samples, 1, 15);
  printf("\n");
}

int main(int argc, char *argv[]) {
  uint64 seed = argc > 1 ? atoi(argv[1]) : 1;
  // The shell that started us may still be inside spawn() on another
  // hart, freeing the pages that carried our arguments: let it finish
  // before the first count of free frames.
  sleep(1);
  struct result res[NRATES];
  struct verdict v[NRATES];
  int frames_ok = 1, failed = 0;
  for (int k = 0; k < NRATES; k++) {
    frames_ok &= run_setting(rates[k], seed, &res[k]);
    if (res[k].samples == 0)
      fail("no samples");
    v[k] = judge(&res[k], rates[k]);
  }
  printf("prefork: S=%d pages of state, N=%d workers, lifetimes exponential with mean\n", S,
         NWORKERS);
  printf("T=%d ticks, sampled every %d ticks for %d T after %d T of warm-up (seed %ld)\n", T,
         T / STEPS_PER_T, MEASURE, WARMUP, seed);
  printf("  L  L*T/S shared/worker  model  error  resident avg  peak  model memstat shared\n");
  for (int k = 0; k < NRATES; k++)
    print_row(&res[k], rates[k], &v[k]);
  for (int k = 0; k < NRATES; k++) {
    printf("prefork L=%d: shared pages per worker within %d%% of the model: %s\n", rates[k],
           TOLERANCE, v[k].ok ? "ok" : "FAILED");
    printf("prefork L=%d: procstat agrees with memstat at every sample: %s\n", rates[k],
           res[k].agree ? "ok" : "FAILED");
    failed |= !v[k].ok || !res[k].agree;
  }
  printf("prefork: free frames back to start: %s\n", frames_ok ? "ok" : "FAILED");
  failed |= !frames_ok;
  printf(failed ? "prefork: FAILED\n" : "prefork: OK\n");
  exit(failed);
}
