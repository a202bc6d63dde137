// Fault injection: the frame allocator, the buffer cache, the disk and the
// cred allocator fail on purpose, every nth time or at random from a seed,
// so that the code that handles their failures runs and can be tested.
//
// Policy: one per class (kernel/injectstat.h): off, every nth call of the
// class fails, or each call fails with probability 1/n from a seeded
// generator. Set at boot by inject=frame:7,buf:13,disk:r11,cred:5,seed:42
// (r: at random) or at run time by root with inject(INJECT_SET, spec).
//
// Scope: only calls made by a process in scope can fail, as with Linux's
// make-it-fail task filter. A root process enters it with
// inject(INJECT_ENTER); its children inherit it (proc_alloc). A test
// runner can stay out and put only the children it makes from then on in
// (INJECT_CHILDREN): each test then runs under injection, and the runner
// survives to report. init and the shell stay out: they have nothing to
// do when a fork fails but give up, and init giving up is a panic. Code
// running for no process (boot, interrupts) is never in scope.
//
// Sites: each place that asks names itself (enum inject_site). Some places
// cannot fail safely: they are in the table below as excluded, with the
// reason, and count their calls (inject_count) but never fail. Any place
// not in the table does not ask at all: there is no injection by accident.
//
// Invariant: inj.lock guards the policy, the generators, every counter and
// every site's figures; a site fails only if its class is on, it is not
// excluded, and the caller is in scope.
#include "kernel/debug/inject.h"
#include "kernel/lock/spinlock.h"
#include "kernel/riscv/cpu.h"
#include "kernel/riscv/fdt.h"
#include "kernel/sched/sched.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"

static const struct {
  const char *name;
  int cls;
  int excluded;
} sites[INJ_NSITES] = {
    [INJ_FRAME] = {"frame", INJECT_FRAME, 0},
    [INJ_BREAD_TRY] = {"bread_run_try", INJECT_BUF, 0},
    // bread is what the rest of the file system reads with: inodes, the
    // bitmap and block counts, indirect blocks, directories, the
    // superblock and the log. Its callers assume it succeeds (as xv6's
    // do), and most run inside a transaction whose changes so far cannot
    // be undone; a read during log recovery or a commit has nobody to
    // report to at all.
    [INJ_BREAD] = {"bread", INJECT_BUF, 1},
    [INJ_DISK_READ_TRY] = {"disk_read_try", INJECT_DISK, 0},
    // The disk read behind a bread: excluded for bread's reasons.
    [INJ_DISK_READ] = {"disk_read", INJECT_DISK, 1},
    // Writes and flushes come from the log: writing a transaction to the
    // log, its commit record, and installing it home. A failed log write
    // cannot be reported to the process whose change it carries (it
    // returned long ago, or the commit runs for several processes at once),
    // and a failed install would leave the home locations half old, half
    // new with the log already cleared.
    [INJ_DISK_WRITE] = {"disk_write", INJECT_DISK, 1},
    [INJ_CRED] = {"cred", INJECT_CRED, 0},
};

static struct {
  struct spinlock lock;
  int mode[INJECT_NCLASS];
  uint64 n[INJECT_NCLASS];
  uint64 seed;
  uint64 calls[INJECT_NCLASS]; // calls of the class since its policy was set
  uint64 rng[INJECT_NCLASS];   // each class's generator, so classes do not
                               // disturb each other's sequences
  uint64 site_calls[INJ_NSITES], site_injected[INJ_NSITES];
} inj = {.lock = {.name = "inject"}};

// xorshift64*: small, and good enough to spread failures around.
static uint64 next_random(uint64 *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1DUL;
}

// Decide for one call of class c. Caller holds inj.lock.
static int decide(int c) {
  inj.calls[c]++;
  if (inj.mode[c] == INJECT_EVERY)
    return inj.calls[c] % inj.n[c] == 0;
  if (inj.mode[c] == INJECT_RANDOM)
    return next_random(&inj.rng[c]) % inj.n[c] == 0;
  return 0;
}

static int in_scope(void) {
  struct proc *p = myproc();
  return p != 0 && p->inject == INJECT_SCOPE_IN;
}

// Count a call at site s; decide only if the site may fail.
static int ask(enum inject_site s) {
  int c = sites[s].cls;
  // Unlocked first look: with the class off, or for a process out of
  // scope (nearly every call), this is all the cost.
  if (__atomic_load_n(&inj.mode[c], __ATOMIC_RELAXED) == INJECT_OFF || !in_scope())
    return 0;
  spin_lock(&inj.lock);
  inj.site_calls[s]++;
  int fail = !sites[s].excluded && decide(c);
  inj.site_injected[s] += fail;
  spin_unlock(&inj.lock);
  return fail;
}

int inject_fail(enum inject_site s) {
  if (sites[s].excluded)
    panic("inject_fail: site %s is excluded and may not fail", sites[s].name);
  return ask(s);
}

void inject_count(enum inject_site s) {
  if (!sites[s].excluded)
    panic("inject_count: site %s is not excluded", sites[s].name);
  ask(s);
}

// ---- the policy ------------------------------------------------------------

static const char *class_names[INJECT_NCLASS] = {"frame", "buf", "disk", "cred"};

// A decimal number at *s, advancing *s past it; -1 if there is none.
static long number(const char **s) {
  const char *p = *s;
  long v = 0;
  if (*p < '0' || *p > '9')
    return -1;
  for (; *p >= '0' && *p <= '9' && v < 1000000000L; p++)
    v = v * 10 + (*p - '0');
  *s = p;
  return v;
}

// Does the item at s start with name followed by ':'? Then skip both.
static int key(const char **s, const char *name) {
  int l = strlen(name);
  if (strncmp(*s, name, l) != 0 || (*s)[l] != ':')
    return 0;
  *s += l + 1;
  return 1;
}

// Parse one item "class:N", "class:rN" or "seed:S" at *s into the policy
// being built. Returns 0, or -1 if it is malformed.
static int parse_item(const char **s, int *mode, uint64 *n, uint64 *seed) {
  if (key(s, "seed")) {
    long v = number(s);
    *seed = v;
    return v < 0 ? -1 : 0;
  }
  for (int c = 0; c < INJECT_NCLASS; c++) {
    if (!key(s, class_names[c]))
      continue;
    int random = **s == 'r';
    *s += random;
    long v = number(s);
    if (v < 0)
      return -1;
    mode[c] = v == 0 ? INJECT_OFF : random ? INJECT_RANDOM : INJECT_EVERY;
    n[c] = v;
    return 0;
  }
  return -1;
}

// spec replaces the whole policy: classes it does not name are off; the
// seed is 1 unless given. "off" (or "") turns everything off.
int inject_set(const char *spec) {
  int mode[INJECT_NCLASS] = {0};
  uint64 n[INJECT_NCLASS] = {0};
  uint64 seed = 1;
  const char *s = spec;
  if (strncmp(s, "off", 4) == 0)
    s += 3;
  while (*s) {
    if (parse_item(&s, mode, n, &seed) < 0)
      return -1;
    if (*s == ',' && s[1] != 0)
      s++; // another item follows
    else if (*s != 0)
      return -1;
  }
  spin_lock(&inj.lock);
  for (int c = 0; c < INJECT_NCLASS; c++) {
    inj.mode[c] = mode[c];
    inj.n[c] = n[c];
    inj.calls[c] = 0;
    // Distinct, never zero (xorshift's fixed point), the same for a seed.
    inj.rng[c] = (seed + 1) * 0x9E3779B97F4A7C15UL + c;
  }
  inj.seed = seed;
  spin_unlock(&inj.lock);
  return 0;
}

void inject_boot(void) {
  char spec[96];
  if (!bootarg("inject", spec, sizeof(spec)))
    return;
  if (inject_set(spec) < 0)
    printf("inject: malformed inject=%s, injection stays off\n", spec);
  else
    printf("inject: policy %s, for processes in scope (inject run CMD)\n", spec);
}

void inject_scope(int how) { myproc()->inject = how; }

void inject_stat(struct injectstat *st) {
  memset(st, 0, sizeof(*st));
  st->scope = myproc()->inject;
  st->nsites = INJ_NSITES;
  spin_lock(&inj.lock);
  for (int c = 0; c < INJECT_NCLASS; c++) {
    st->mode[c] = inj.mode[c];
    st->n[c] = inj.n[c];
  }
  st->seed = inj.seed;
  for (int s = 0; s < INJ_NSITES; s++) {
    safestrcpy(st->site[s].name, sites[s].name, INJECT_NAME);
    st->site[s].cls = sites[s].cls;
    st->site[s].excluded = sites[s].excluded;
    st->site[s].calls = inj.site_calls[s];
    st->site[s].injected = inj.site_injected[s];
  }
  spin_unlock(&inj.lock);
}
