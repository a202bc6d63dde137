// credtest: users, credentials and RCU (docs/creds.md, docs/rcu.md).
//
// The tests, each run in its own child of credtest, which runs as root:
//   rules   every set*id transition, allowed and denied, from ten starting
//           identities (some reached through setuid and setgid copies of
//           credtest itself), checked against POSIX's rules; setgroups
//   groups  setgroups sorts and checks; membership through supplementary groups
//   fork    fork shares one cred object until the child changes identity
//   kill    who may kill whom
//   files   the permission matrix on files for owner, group, other and
//           root: open, exec, chmod, chown, umask, and f_cred
//   dirs    the permission matrix on directories
//   setuid  setuid and setgid programs, through exec and through spawn
//   rcu     readers on every hart read other processes' creds while writers
//           change identity thousands of times
// After each test, once everything it started is reaped and every cred it
// released has been through a grace period, the free-frame count and the
// number of live creds must be back where they were.
//
// usage: credtest [name]   (no name: run them all)
// credtest also runs itself, as setuid and setgid copies, for the internal
// commands "rules N" and "park [EUID]".
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "kernel/stat.h"
#include "kernel/param.h"
#include "user/user.h"
#include "user/testlib.h"

#define NGROUPS 16 // supplementary groups per process (kernel/proc/cred.h)

static struct rcustat rstat(void) {
  struct rcustat st;
  check(rcustat(&st) == 0, "rcustat");
  return st;
}

// Wait until no released cred waits for a grace period and every queued
// callback has run (grace periods advance even on idle harts).
static struct rcustat settle(void) {
  for (int i = 0; i < 500; i++) {
    struct rcustat st = rstat();
    if (st.creds_waiting == 0 && st.cb_queued == st.cb_run)
      return st;
    pause(1);
  }
  fail("released creds were not freed within 500 ticks");
  return rstat();
}

// The runner's watch: creds still allocated once reclamation has caught up.
static uint64 creds_live(void) {
  return settle().creds_live;
}

// wait() for pid in particular. Children that end meanwhile are kept for
// their own reap_pid call.
static int ended_pid[NPROC], ended_st[NPROC], nended;

static int reap_pid(int pid) {
  for (int i = 0; i < nended; i++) {
    if (ended_pid[i] == pid) {
      int st = ended_st[i];
      nended--;
      ended_pid[i] = ended_pid[nended];
      ended_st[i] = ended_st[nended];
      return st;
    }
  }
  for (;;) {
    int st;
    int p = wait(&st);
    check(p > 0, "wait: a child went missing");
    if (p == pid)
      return st;
    check(nended < NPROC, "too many children");
    ended_pid[nended] = p;
    ended_st[nended++] = st;
  }
}

// ---- Users --------------------------------------------------------------

struct user {
  int uid, gid, ngroups;
  int groups[4];
};

// The test files and directories belong to OWNER and group 20.
static struct user ROOT = {0, 0, 0};
static struct user OWNER = {10, 20, 0}; // also in the group: owner bits win
static struct user GROUP = {11, 20, 0}; // in the group by its gid
static struct user SUPP = {12, 12, 3, {40, 20, 5}}; // ... by a supplementary group
static struct user OTHER = {13, 13, 1, {21}};
static struct user *users[] = {&ROOT, &OWNER, &GROUP, &SUPP, &OTHER};
#define NUSERS (int)(sizeof(users) / sizeof(users[0]))
#define FILE_UID 10
#define FILE_GID 20

static void become(struct user *u) {
  check(setgroups(u->ngroups, u->groups) == 0, "setgroups");
  check(setgid(u->gid) == 0, "setgid");
  check(setuid(u->uid) == 0, "setuid");
}

// Run fn(arg) in a child that has become u; return its exit status.
static int as_user(struct user *u, int (*fn)(void *), void *arg) {
  int pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    become(u);
    exit(fn(arg));
  }
  return reap_pid(pid);
}

// Which rwx triple of mode applies to u, for a file of FILE_UID:FILE_GID.
static int triple(struct user *u, int mode) {
  if (u->uid == FILE_UID)
    return (mode >> 6) & 7;
  int member = u->gid == FILE_GID;
  for (int i = 0; i < u->ngroups; i++)
    member |= u->groups[i] == FILE_GID;
  return member ? (mode >> 3) & 7 : mode & 7;
}

// ---- Files ----------------------------------------------------------------

// Create (or replace) path as root with contents data, then give it an
// owner and a mode (chown first: it clears setuid and setgid bits).
static void put(const char *path, const char *data, int len, int uid, int gid, int mode) {
  int fd = open(path, O_CREATE | O_RDWR | O_TRUNC);
  check(fd >= 0, "create a test file");
  check(write(fd, data, len) == len, "write a test file");
  close(fd);
  check(chown(path, uid, gid) == 0 && chmod(path, mode) == 0, "chown/chmod as root");
}

// Copy the program at src to dst, owned by uid:gid with mode.
static void install(const char *src, const char *dst, int uid, int gid, int mode) {
  static char buf[1024];
  int in = open(src, O_RDONLY);
  int out = open(dst, O_CREATE | O_WRONLY | O_TRUNC);
  check(in >= 0 && out >= 0, "open for a copy");
  int n;
  while ((n = read(in, buf, sizeof(buf))) > 0)
    check(write(out, buf, n) == n, "write a copy");
  close(in);
  close(out);
  check(chown(dst, uid, gid) == 0 && chmod(dst, mode) == 0, "chown/chmod a copy");
}

// mode in octal, for messages (printf has no %o).
static char *octal(int mode) {
  static char s[8];
  int i = sizeof(s) - 1;
  s[i] = 0;
  do {
    s[--i] = '0' + (mode & 7);
    mode >>= 3;
  } while (mode && i > 1);
  s[--i] = '0';
  return s + i;
}

static int mode_of(const char *path) {
  struct stat st;
  check(stat(path, &st) == 0, "stat");
  return st.mode;
}

// ---- rules: the set*id matrix ---------------------------------------------

struct ids {
  int r, e, s;    // user ids: real, effective, saved
  int rg, eg, sg; // group ids
};

enum { SETUID, SETEUID, SETGID, SETEGID, SETGROUPS, NOPS };
static char *opnames[] = {"setuid", "seteuid", "setgid", "setegid", "setgroups"};
static int newgroups[] = {7, 3}; // what SETGROUPS asks for (unsorted)

// POSIX: what op(t) does to the ids in. Returns 1 (and *out) if allowed.
static int oracle(struct ids *in, int op, int t, struct ids *out) {
  *out = *in;
  int root = in->e == 0;
  switch (op) {
  case SETUID:
    if (root)
      out->r = out->s = t;
    else if (t != in->r && t != in->s)
      return 0;
    out->e = t;
    return 1;
  case SETEUID:
    if (!root && t != in->r && t != in->s)
      return 0;
    out->e = t;
    return 1;
  case SETGID:
    if (root)
      out->rg = out->sg = t;
    else if (t != in->rg && t != in->sg)
      return 0;
    out->eg = t;
    return 1;
  case SETEGID:
    if (!root && t != in->rg && t != in->sg)
      return 0;
    out->eg = t;
    return 1;
  default: // SETGROUPS
    return root;
  }
}

static int do_op(int op, int t) {
  switch (op) {
  case SETUID:
    return setuid(t);
  case SETEUID:
    return seteuid(t);
  case SETGID:
    return setgid(t);
  case SETEGID:
    return setegid(t);
  default:
    return setgroups(2, newgroups);
  }
}

// Check that the caller's ids are w: the real and effective ones as the
// get*id calls report them, the saved ones by switching to them (which
// must be allowed). Changes the effective ids: for throwaway children.
static void check_ids(struct ids *w) {
  check(getuid() == w->r && geteuid() == w->e && getgid() == w->rg && getegid() == w->eg,
        "wrong real or effective ids");
  check(setegid(w->sg) == 0 && getegid() == w->sg, "wrong saved gid");
  check(seteuid(w->s) == 0 && geteuid() == w->s, "wrong saved uid");
  if (w->s != 0)
    check(seteuid(12345) == -1 && setegid(12345) == -1, "a non-root process set a foreign id");
}

// Every op with every interesting target, each in its own child.
static void matrix(struct ids *st) {
  for (int op = 0; op < NOPS; op++) {
    int uidop = op == SETUID || op == SETEUID;
    int targets[] = {uidop ? st->r : st->rg, uidop ? st->e : st->eg, uidop ? st->s : st->sg, 0, 9};
    for (int i = 0; i < (op == SETGROUPS ? 1 : 5); i++) {
      int pid = fork();
      check(pid >= 0, "fork");
      if (pid == 0) {
        struct ids after;
        int ok = oracle(st, op, targets[i], &after);
        int r = do_op(op, targets[i]);
        if (r != (ok ? 0 : -1)) {
          printf("credtest rules: uids %d/%d/%d gids %d/%d/%d: %s(%d) returned %d\n", st->r,
                 st->e, st->s, st->rg, st->eg, st->sg, opnames[op], targets[i], r);
          exit(1);
        }
        int g[NGROUPS];
        if (op == SETGROUPS && ok)
          check(getgroups(NGROUPS, g) == 2 && g[0] == 3 && g[1] == 7, "setgroups did not sort");
        if (op == SETGROUPS && !ok)
          check(getgroups(0, g) == 0, "a refused setgroups changed the groups");
        check_ids(&after);
        exit(0);
      }
      check(reap_pid(pid) == 0, "a set*id call broke the rules");
    }
  }
}

// The starting identities. Each is reached from root by becoming
// uid:gid (if uid >= 0), exec'ing prog (a setuid or setgid copy of
// credtest, if not 0), then switching to egid and euid (if >= 0).
struct start {
  int uid, gid;
  char *prog;
  int egid, euid;
  struct ids want;
};

static struct start starts[] = {
    {-1, -1, 0, -1, -1, {0, 0, 0, 0, 0, 0}},       // root
    {-1, -1, 0, -1, 5, {0, 5, 0, 0, 0, 0}},        // root that switched euid
    {-1, -1, 0, 6, 5, {0, 5, 0, 0, 6, 0}},         // ... and egid
    {3, 4, 0, -1, -1, {3, 3, 3, 4, 4, 4}},         // an ordinary user
    {3, 4, "/ct-su0", -1, -1, {3, 0, 0, 4, 4, 4}}, // running a setuid-root program
    {3, 4, "/ct-su0", -1, 7, {3, 7, 0, 4, 4, 4}},  // ... that switched to euid 7
    {3, 4, "/ct-su4", -1, -1, {3, 4, 4, 4, 4, 4}}, // running a setuid-4 program
    {3, 4, "/ct-su4", -1, 3, {3, 3, 4, 4, 4, 4}},  // ... back to its real uid
    {3, 31, "/ct-sg33", -1, -1, {3, 3, 3, 31, 33, 33}}, // running a setgid-33 program
    {3, 31, "/ct-sg33", 31, -1, {3, 3, 3, 31, 31, 33}}, // ... back to its real gid
};
#define NSTARTS (int)(sizeof(starts) / sizeof(starts[0]))

// In the process that has reached start n up to its last switches
// (credtest runs this again after exec as "credtest rules N").
static int rules_at(int n) {
  struct start *s = &starts[n];
  if (s->egid >= 0)
    check(setegid(s->egid) == 0, "setegid to reach a start");
  if (s->euid >= 0)
    check(seteuid(s->euid) == 0, "seteuid to reach a start");
  int pid = fork();
  if (pid == 0) {
    check_ids(&s->want); // exec set the saved ids as it should
    exit(0);
  }
  check(reap_pid(pid) == 0, "a start state is not what it should be");
  matrix(&s->want);
  return 0;
}

static void rules(void) {
  install("/credtest", "/ct-su0", 0, 0, S_ISUID | 0755);
  install("/credtest", "/ct-su4", 4, 0, S_ISUID | 0755);
  install("/credtest", "/ct-sg33", 0, 33, S_ISGID | 0755);
  for (int n = 0; n < NSTARTS; n++) {
    struct start *s = &starts[n];
    int pid = fork();
    check(pid >= 0, "fork");
    if (pid == 0) {
      if (s->uid >= 0) {
        struct user u = {s->uid, s->gid, 0};
        become(&u);
      }
      if (s->prog) {
        char arg[4] = {'0' + n / 10, '0' + n % 10, 0};
        char *argv[] = {s->prog, "rules", arg, 0};
        exec(s->prog, argv);
        fail("exec of a setuid copy");
      }
      exit(rules_at(n));
    }
    check(reap_pid(pid) == 0, "rules");
  }
  unlink("/ct-su0");
  unlink("/ct-su4");
  unlink("/ct-sg33");
}

// ---- groups ---------------------------------------------------------------

static int try_read(void *path) {
  int fd = open(path, O_RDONLY);
  close(fd);
  return fd >= 0;
}

static void groups(void) {
  int g[NGROUPS + 1], out[NGROUPS + 1];
  int in[] = {9, 3, 7, 3, 1};
  check(setgroups(5, in) == 0, "setgroups");
  check(getgroups(0, 0) == 5, "getgroups(0) counts");
  check(getgroups(4, out) == -1, "getgroups into too small an array");
  check(getgroups(NGROUPS, out) == 5 && out[0] == 1 && out[1] == 3 && out[2] == 3 &&
            out[3] == 7 && out[4] == 9,
        "groups not stored sorted");
  for (int i = 0; i <= NGROUPS; i++)
    g[i] = 100 - i;
  check(setgroups(NGROUPS + 1, g) == -1, "more than NGROUPS groups");
  check(setgroups(-1, g) == -1, "a negative count");
  check(setgroups(2, (int *)0xffffffffff00UL) == -1, "a bad pointer");
  int neg[] = {4, -2};
  check(setgroups(2, neg) == -1, "a negative gid");
  check(getgroups(0, 0) == 5, "a failed setgroups changed the groups");
  check(setgroups(NGROUPS, g) == 0 && getgroups(NGROUPS, out) == NGROUPS, "NGROUPS groups");
  for (int i = 1; i < NGROUPS; i++)
    check(out[i - 1] < out[i], "sixteen groups not sorted");
  check(setgroups(0, 0) == 0 && getgroups(0, 0) == 0, "clearing the groups");

  // Membership through the sorted list: a member of 2, 4, ..., 32 reads a
  // group-only file exactly when its group is one of them.
  put("/ctgrp", "g", 1, 0, 0, 0040);
  for (int i = 0; i < NGROUPS; i++)
    g[i] = 2 * (NGROUPS - i); // given unsorted
  for (int gid = 1; gid <= 2 * NGROUPS + 1; gid++) {
    check(chown("/ctgrp", 0, gid) == 0, "chown");
    int pid = fork();
    if (pid == 0) {
      check(setgroups(NGROUPS, g) == 0 && setgid(99) == 0 && setuid(50) == 0, "become");
      exit(try_read("/ctgrp"));
    }
    int want = gid % 2 == 0 && gid <= 2 * NGROUPS;
    check(reap_pid(pid) == want, "group membership through supplementary groups");
  }
  unlink("/ctgrp");
}

// ---- fork -------------------------------------------------------------------

// A forked child uses its parent's cred object itself (one more reference,
// no copy) until it changes identity; then it has its own, one more cred
// is live, and the parent's is untouched.
static void forkshare(void) {
  int id = credid();
  settle(); // nothing left waiting, so live counts move only for us
  int pid = fork();
  if (pid == 0) {
    check(credid() == id, "the child does not share its parent's cred");
    int grandchild = fork();
    if (grandchild == 0)
      exit(credid() == id ? 0 : 1);
    check(reap_pid(grandchild) == 0, "a grandchild does not share the cred");
    uint64 live = rstat().creds_live;
    check(setgid(5) == 0, "setgid");
    check(credid() != id, "the child changed identity but kept the shared cred");
    check(rstat().creds_live == live + 1, "a change of identity should make one more cred");
    int mine = credid();
    grandchild = fork();
    if (grandchild == 0)
      exit(credid() == mine && getgid() == 5 ? 0 : 1);
    check(reap_pid(grandchild) == 0, "a grandchild does not share the new cred");
    exit(0);
  }
  check(reap_pid(pid) == 0, "fork sharing");
  check(credid() == id && getgid() == 0 && getegid() == 0, "the parent's cred changed");
}

// ---- kill -------------------------------------------------------------------

static struct user U3 = {3, 3, 0}, U4 = {4, 4, 0}, U5 = {5, 5, 0}, U6 = {6, 6, 0};

static void park_forever(void) {
  for (;;)
    pause(1000);
}

// Wait until pid runs prog (if not 0) with this uid and euid: it has
// finished becoming whoever it should be. procstat reads its creds.
static void wait_ids(int pid, char *prog, int uid, int euid) {
  for (int i = 0; i < 500; i++) {
    struct procstat ps;
    check(procstat(pid, &ps) == 0, "procstat of a parked process");
    if (ps.uid == uid && ps.euid == euid && (prog == 0 || strcmp(ps.name, prog + 1) == 0))
      return;
    pause(1);
  }
  fail("a parked process never reached its identity");
}

// A child that waits to be killed: user u (0: root) exec'ing prog (0:
// none), then switched to euid (-1: no switch); its ids are uid/euid.
static int park(struct user *u, char *prog, int euid, int uid_then, int euid_then) {
  int pid = fork();
  check(pid >= 0, "fork");
  if (pid == 0) {
    if (u)
      become(u);
    if (prog) {
      char arg[8];
      arg[0] = 0;
      if (euid >= 0) {
        arg[0] = '0' + euid;
        arg[1] = 0;
      }
      char *argv[] = {prog, "park", arg, 0};
      exec(prog, argv);
      fail("exec");
    }
    if (euid >= 0)
      check(seteuid(euid) == 0, "seteuid");
    park_forever();
  }
  wait_ids(pid, prog, uid_then, euid_then);
  return pid;
}

// Does kill(pid) succeed when sent by user u (0: root), switched to euid?
static int kill_as(struct user *u, int euid, int pid) {
  int sender = fork();
  check(sender >= 0, "fork");
  if (sender == 0) {
    if (u)
      become(u);
    if (euid >= 0)
      check(seteuid(euid) == 0, "seteuid");
    exit(kill(pid) == 0 ? 0 : 1);
  }
  return reap_pid(sender) == 0;
}

// kill must fail, and the target must live on; then root ends it.
static void denied(struct user *u, int euid, int pid, const char *why) {
  struct procstat ps;
  check(!kill_as(u, euid, pid), why);
  check(procstat(pid, &ps) == 0 && ps.state != PS_ZOMBIE, why);
  check(kill(pid) == 0 && reap_pid(pid) == -1, "root kills anyone");
}

static void allowed(struct user *u, int euid, int pid, const char *why) {
  check(kill_as(u, euid, pid), why);
  check(reap_pid(pid) == -1, "a killed process exits with -1");
}

static void kills(void) {
  install("/credtest", "/ct-su4", 4, 0, S_ISUID | 0755);
  denied(&U6, -1, park(&U5, 0, -1, 5, 5), "user 6 killed user 5");
  allowed(&U5, -1, park(&U5, 0, -1, 5, 5), "a user cannot kill its own process");
  allowed(0, -1, park(&U5, 0, -1, 5, 5), "root cannot kill a user's process");
  denied(&U5, -1, park(0, 0, -1, 0, 0), "a user killed root");
  // The target's effective uid does not count, the sender's does.
  denied(&U5, -1, park(0, 0, 5, 0, 5), "a user killed root running with its euid");
  allowed(0, 5, park(&U5, 0, -1, 5, 5), "a sender's effective uid should count");
  denied(0, 6, park(&U5, 0, -1, 5, 5), "real uid 0 with euid 6 is not root");
  // Saved uids count: (3, 3, 4) is killable by 4.
  allowed(&U4, -1, park(&U3, "/ct-su4", 3, 3, 3), "the target's saved uid should count");
  denied(&U5, -1, park(&U3, "/ct-su4", -1, 3, 4), "user 5 killed a setuid-4 program");
  allowed(&U3, -1, park(&U3, "/ct-su4", -1, 3, 4), "a user cannot kill its setuid program");
  check(kill(99999) == -1, "kill of no process");
  unlink("/ct-su4");
}

// ---- files ------------------------------------------------------------------

// What u may do with path: bit 0 open for reading, 1 for writing, 2 both.
static int try_open(void *path) {
  int r = 0, omodes[] = {O_RDONLY, O_WRONLY, O_RDWR};
  for (int i = 0; i < 3; i++) {
    int fd = open(path, omodes[i]);
    if (fd >= 0)
      r |= 1 << i;
    close(fd);
  }
  return r;
}

static int try_exec(void *path) {
  close(1); // the program (a copy of suidtest) prints nothing, then
  char *argv[] = {path, 0};
  exec(path, argv);
  return 99;
}

// The file permission matrix: every user against every mode, for open
// and for exec, on files owned by FILE_UID:FILE_GID.
static void file_matrix(void) {
  static int modes[] = {0600, 0640, 0604, 0060, 0006, 0070, 0000, 0444,
                        0222, 0777, 0707, 0460, 0406, 0046};
  for (int m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
    put("/ctf/f", "data", 4, FILE_UID, FILE_GID, modes[m]);
    for (int i = 0; i < NUSERS; i++) {
      int t = users[i]->uid == 0 ? 7 : triple(users[i], modes[m]);
      int want = (t & 4 ? 1 : 0) | (t & 2 ? 2 : 0) | ((t & 6) == 6 ? 4 : 0);
      if (as_user(users[i], try_open, "/ctf/f") != want) {
        printf("credtest files: uid %d, mode %s\n", users[i]->uid, octal(modes[m]));
        fail("open allowed or refused wrongly");
      }
    }
  }
  static int xmodes[] = {0700, 0070, 0007, 0644, 0100, 0010, 0001, 0755, 0611};
  for (int m = 0; m < sizeof(xmodes) / sizeof(xmodes[0]); m++) {
    install("/suidtest", "/ctf/x", FILE_UID, FILE_GID, xmodes[m]);
    for (int i = 0; i < NUSERS; i++) {
      int ok = users[i]->uid == 0 ? (xmodes[m] & 0111) != 0 : triple(users[i], xmodes[m]) & 1;
      if (as_user(users[i], try_exec, "/ctf/x") != (ok ? 0 : 99)) {
        printf("credtest files: uid %d, mode %s\n", users[i]->uid, octal(xmodes[m]));
        fail("exec allowed or refused wrongly");
      }
    }
  }
}

// An open file keeps working after its owner chmods it to 0: reads and
// writes check nothing after open (the file holds the opener's creds).
static int fcred(void *unused) {
  int rd = open("/ctf/mine", O_RDONLY), wr = open("/ctf/mine", O_WRONLY);
  check(rd >= 0 && wr >= 0, "the owner opens its file");
  check(chmod("/ctf/mine", 0) == 0, "the owner chmods its file");
  check(open("/ctf/mine", O_RDONLY) == -1, "a new open after chmod 0 should fail");
  char buf[8];
  check(write(wr, "new", 3) == 3, "write on a file opened before chmod");
  check(read(rd, buf, 3) == 3 && buf[0] == 'n', "read on a file opened before chmod");
  struct stat st;
  check(fstat(rd, &st) == 0 && st.mode == 0 && st.uid == FILE_UID, "fstat after chmod");
  close(rd);
  close(wr);
  return 0;
}

// chmod: owner or root; setgid only within one's groups. chown: root only.
static int owner_calls(void *unused) {
  check(chmod("/ctf/mine", 0640) == 0 && mode_of("/ctf/mine") == 0640, "owner chmod");
  check(chmod("/ctf/mine", 010000) == -1, "chmod of unknown mode bits");
  check(chown("/ctf/mine", FILE_UID, FILE_GID) == -1, "chown by a non-root owner");
  check(chmod("/ctf/root", 0777) == -1, "chmod of root's file by a user");
  check(chmod("/ctf/other-group", S_ISGID | 0750) == 0 &&
            mode_of("/ctf/other-group") == 0750,
        "setgid of a file outside the owner's groups should be dropped");
  check(chmod("/ctf/mine", S_ISGID | S_ISUID | 0750) == 0 &&
            mode_of("/ctf/mine") == (S_ISGID | S_ISUID | 0750),
        "setuid and setgid within the owner's groups");
  return 0;
}

// umask: new files and directories lose its bits; fork inherits it; a
// new file belongs to its creator's euid and egid and can be written by
// the open that created it, whatever its mode.
static int umasks(void *unused) {
  check(umask(077) == 022, "the default umask is 022");
  int fd = open("/ctf/d/u1", O_CREATE | O_RDWR);
  check(fd >= 0, "create");
  close(fd);
  check(mkdir("/ctf/d/u2") == 0, "mkdir");
  struct stat st;
  check(stat("/ctf/d/u1", &st) == 0 && st.mode == 0600 && st.uid == FILE_UID &&
            st.gid == FILE_GID,
        "a new file's mode and owner");
  check(stat("/ctf/d/u2", &st) == 0 && st.mode == 0700 && st.type == T_DIR, "a new dir's mode");
  int pid = fork();
  if (pid == 0)
    exit(umask(0) == 077 ? 0 : 1);
  check(reap_pid(pid) == 0, "fork inherits the umask");
  umask(0777);
  fd = open("/ctf/d/u3", O_CREATE | O_RDWR);
  check(fd >= 0 && write(fd, "x", 1) == 1, "the creating open writes a mode-0 file");
  close(fd);
  check(open("/ctf/d/u3", O_CREATE | O_RDWR) == -1, "O_CREATE of an existing unwritable file");
  check(mknod("/ctf/d/dev", 1, 0) == -1, "mknod by a user");
  return 0;
}

static void files(void) {
  check(mkdir("/ctf") == 0 && mkdir("/ctf/d") == 0, "mkdir");
  check(chown("/ctf/d", FILE_UID, FILE_GID) == 0, "chown a dir");
  file_matrix();

  put("/ctf/secret", "s", 1, 0, 0, 0600);
  check(as_user(&OWNER, try_open, "/ctf/secret") == 0, "a user read root's 0600 file");
  put("/ctf/mine", "old", 3, FILE_UID, FILE_GID, 0600);
  check(as_user(&OWNER, fcred, 0) == 0, "f_cred");
  put("/ctf/root", "r", 1, 0, 0, 0644);
  put("/ctf/other-group", "o", 1, FILE_UID, 30, 0644);
  check(as_user(&OWNER, owner_calls, 0) == 0, "chmod and chown rules");
  check(chmod("/ctf/root", 0600) == 0 && mode_of("/ctf/root") == 0600, "root chmods anything");
  check(chmod("/ctf/mine", S_ISUID | 0755) == 0 && chown("/ctf/mine", -1, 7) == 0,
        "root chown");
  struct stat st;
  check(stat("/ctf/mine", &st) == 0 && st.uid == FILE_UID && st.gid == 7 && st.mode == 0755,
        "chown keeps an id given as -1 and clears setuid");
  check(as_user(&OWNER, umasks, 0) == 0, "umask");

  char *gone[] = {"/ctf/f", "/ctf/x", "/ctf/secret", "/ctf/mine", "/ctf/root",
                  "/ctf/other-group", "/ctf/d/u1", "/ctf/d/u2", "/ctf/d/u3", "/ctf/d", "/ctf"};
  for (int i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
    check(unlink(gone[i]) == 0, "cleanup");
}

// ---- dirs -------------------------------------------------------------------

// What u may do in directory /ctd/d (the caller's cwd is /ctd), one bit
// each: DIR_SEARCH needs x, DIR_LIST r, the rest (new and removed names) w and x.
enum { DIR_SEARCH = 1, DIR_LIST = 2, DIR_CHDIR = 4, DIR_CREATE = 8, DIR_UNLINK = 16,
       DIR_MKDIR = 32, DIR_LINK = 64 };

static int try_dir(void *unused) {
  int r = 0, fd;
  if ((fd = open("d/f", O_RDONLY)) >= 0)
    r |= DIR_SEARCH;
  close(fd);
  if ((fd = open("d", O_RDONLY)) >= 0)
    r |= DIR_LIST;
  close(fd);
  if (chdir("d") == 0 && chdir("/ctd") == 0)
    r |= DIR_CHDIR;
  if ((fd = open("d/n", O_CREATE | O_RDWR)) >= 0)
    r |= DIR_CREATE;
  close(fd);
  if (unlink("d/u") == 0)
    r |= DIR_UNLINK;
  if (mkdir("d/m") == 0)
    r |= DIR_MKDIR;
  if (link("lf", "d/l") == 0)
    r |= DIR_LINK;
  return r;
}

static void dirs(void) {
  static int modes[] = {0700, 0500, 0300, 0100, 0600, 0070, 0050, 0007, 0003, 0000, 0777};
  check(mkdir("/ctd") == 0 && mkdir("/ctd/d") == 0 && chdir("/ctd") == 0, "mkdir");
  put("lf", "l", 1, 0, 0, 0644);
  put("d/f", "f", 1, 0, 0, 0644);
  for (int m = 0; m < sizeof(modes) / sizeof(modes[0]); m++) {
    for (int i = 0; i < NUSERS; i++) {
      check(chown("d", FILE_UID, FILE_GID) == 0 && chmod("d", modes[m]) == 0, "chmod d");
      put("d/u", "u", 1, 0, 0, 0644);
      int t = users[i]->uid == 0 ? 7 : triple(users[i], modes[m]);
      int want = (t & 1 ? DIR_SEARCH | DIR_CHDIR : 0) | (t & 4 ? DIR_LIST : 0) |
                 ((t & 3) == 3 ? DIR_CREATE | DIR_UNLINK | DIR_MKDIR | DIR_LINK : 0);
      int got = as_user(users[i], try_dir, 0);
      if (got != want) {
        printf("credtest dirs: uid %d, mode %s: did %x, should %x\n", users[i]->uid,
               octal(modes[m]), got, want);
        fail("a directory operation allowed or refused wrongly");
      }
      unlink("d/n");
      unlink("d/m");
      unlink("d/l");
    }
  }
  unlink("d/u"); // the last user may have removed it
  char *gone[] = {"d/f", "d", "lf"};
  for (int i = 0; i < sizeof(gone) / sizeof(gone[0]); i++)
    check(unlink(gone[i]) == 0, "cleanup");
  check(chdir("/") == 0 && unlink("/ctd") == 0, "cleanup");
}

// ---- setuid -----------------------------------------------------------------

// Run prog as user u, by exec or (with via_spawn) by spawn, and put what it
// printed into out.
static void capture(struct user *u, char *prog, int via_spawn, char *out, int max) {
  int p[2];
  check(pipe(p) == 0, "pipe");
  int pid = fork();
  check(pid >= 0, "fork");
  char *argv[] = {prog, 0};
  if (pid == 0) {
    close(p[0]);
    become(u);
    if (via_spawn) {
      struct spawn_actions sa;
      spawn_actions_init(&sa);
      spawn_add_dup2(&sa, p[1], 1);
      int child = spawn(prog, argv, &sa);
      exit(child > 0 && reap_pid(child) == 0 ? 0 : 1);
    }
    close(1);
    dup(p[1]);
    close(p[1]);
    exec(prog, argv);
    exit(99);
  }
  close(p[1]);
  int n = 0, k;
  while (n < max - 1 && (k = read(p[0], out + n, max - 1 - n)) > 0)
    n += k;
  out[n] = 0;
  close(p[0]);
  check(reap_pid(pid) == 0, "the program failed");
}

static void expect_output(struct user *u, char *prog, const char *want) {
  char out[128];
  for (int via_spawn = 0; via_spawn < 2; via_spawn++) {
    capture(u, prog, via_spawn, out, sizeof(out));
    if (strcmp(out, want) != 0) {
      printf("credtest setuid: %s by uid %d (%s) printed \"%s\"\n", prog, u->uid,
             via_spawn ? "spawn" : "exec", out);
      fail("a setuid or setgid program ran with the wrong ids");
    }
  }
}

static int no_exec(void *prog) {
  char *argv[] = {prog, 0};
  return exec(prog, argv) == -1 ? 0 : 1;
}

static void setuids(void) {
  struct user u10 = {10, 10, 0}, u11 = {11, 11, 0};
  check((mode_of("/suidtest") & (S_ISUID | 0777)) == (S_ISUID | 0755), "mkfs made suidtest 04755");
  expect_output(&u10, "/suidtest", "suidtest: uid=10 euid=0 gid=10 egid=10\n");
  expect_output(&ROOT, "/suidtest", "suidtest: uid=0 euid=0 gid=0 egid=0\n");
  install("/suidtest", "/ctsg", 0, 33, S_ISGID | 0755);
  expect_output(&u10, "/ctsg", "suidtest: uid=10 euid=10 gid=10 egid=33\n");
  install("/suidtest", "/ctsu", 10, 0, S_ISUID | S_ISGID | 0755);
  expect_output(&u11, "/ctsu", "suidtest: uid=11 euid=10 gid=11 egid=0\n");
  // The bits do not help a user who may not run the file at all.
  install("/suidtest", "/ctsu", 0, 0, S_ISUID | 0700);
  check(as_user(&u10, no_exec, "/ctsu") == 0, "exec of a 04700 root program by a user");
  unlink("/ctsg");
  unlink("/ctsu");
}

// ---- rcu --------------------------------------------------------------------

#define NWRITERS 4
#define NREADERS 4
#define CHANGES 1500 // identity changes per writer, two commits each

// Writer w (root) flips its euid between 0 and 100 + w, CHANGES times;
// every commit replaces its cred, and the old one goes through RCU.
static void writer(int w) {
  int g = 1000 + w;
  for (int i = 0; i < CHANGES; i++) {
    check(seteuid(100 + w) == 0 && seteuid(0) == 0, "seteuid in a writer");
    if (i % 100 == 0)
      check(setgroups(1, &g) == 0, "setgroups in a writer");
  }
}

// A reader (an ordinary user) reads the writers' creds over and over, as
// procstat and the kill permission check do in the kernel (under
// rcu_read_lock, with no lock or reference on the cred), until every
// writer is gone. Returns how many reads it made.
static int reader(int *writers) {
  int reads = 0;
  for (int alive = NWRITERS; alive > 0;) {
    alive = 0;
    for (int w = 0; w < NWRITERS; w++) {
      struct procstat ps;
      if (procstat(writers[w], &ps) < 0)
        continue;
      alive++;
      reads++;
      check(ps.uid == 0 && (ps.euid == 0 || ps.euid == 100 + w), "a reader saw a bad uid");
      check(kill(writers[w]) == -1, "a user killed a root writer");
    }
  }
  return reads;
}

// Wait on fd until the parent says go (or gives up: end of file).
static void wait_go(int fd) {
  char c;
  check(read(fd, &c, 1) == 1, "no go from the parent");
}

static void rcu(void) {
  struct rcustat s0 = settle();
  int go[2];
  check(pipe(go) == 0, "pipe");
  int writers[NWRITERS], readers[NREADERS];
  for (int w = 0; w < NWRITERS; w++) {
    if ((writers[w] = fork()) == 0) {
      wait_go(go[0]);
      writer(w);
      exit(0);
    }
    check(writers[w] > 0, "fork");
  }
  for (int r = 0; r < NREADERS; r++) {
    if ((readers[r] = fork()) == 0) {
      struct user u = {200 + r, 200 + r, 0};
      become(&u);
      wait_go(go[0]);
      exit(reader(writers) > 0 ? 0 : 2);
    }
    check(readers[r] > 0, "fork");
  }
  uint64 t0 = uptime();
  check(write(go[1], "gggggggg", NWRITERS + NREADERS) == NWRITERS + NREADERS, "go");
  close(go[0]);
  close(go[1]);
  for (int w = 0; w < NWRITERS; w++)
    check(reap_pid(writers[w]) == 0, "a writer failed");
  for (int r = 0; r < NREADERS; r++)
    check(reap_pid(readers[r]) == 0, "a reader failed or never read");
  uint64 t1 = uptime();

  struct rcustat s1 = settle();
  uint64 queued = s1.cb_queued - s0.cb_queued;
  check(s1.creds_live == s0.creds_live, "creds leaked: live count is not back");
  check(queued >= NWRITERS * (2 * CHANGES - 1), "replaced creds did not all go through RCU");
  check(s1.cb_run - s0.cb_run == queued, "callbacks queued but never run");
  check(s1.gp_completed > s0.gp_completed, "no grace period completed");
  check(s1.creds_waiting_max <= 2 * CRED_WAITING_LIMIT, "the waiting list was not bounded");
  printf("credtest rcu: %d identity changes in %ld ticks, %ld grace periods, "
         "at most %ld creds waiting, %ld throttled\n",
         2 * NWRITERS * CHANGES, t1 - t0, s1.gp_completed - s0.gp_completed,
         s1.creds_waiting_max, s1.creds_throttled - s0.creds_throttled);
}

// ---- main -------------------------------------------------------------------

static struct test tests[] = {
    {"rules", rules}, {"groups", groups}, {"fork", forkshare}, {"kill", kills},
    {"files", files}, {"dirs", dirs},     {"setuid", setuids}, {"rcu", rcu},
};

int main(int argc, char *argv[]) {
  test_prog = "credtest";
  // The internal commands that setuid copies of credtest run.
  if (argc == 3 && strcmp(argv[1], "rules") == 0) {
    test_name = "rules";
    exit(rules_at(atoi(argv[2])));
  }
  if (argc == 3 && strcmp(argv[1], "park") == 0) {
    if (argv[2][0])
      check(seteuid(atoi(argv[2])) == 0, "seteuid");
    park_forever();
  }
  if (getuid() != 0 || geteuid() != 0) {
    printf("credtest: must be run as root\n");
    exit(1);
  }
  // The shell frees our argument pages just after it starts us: let it,
  // before the first free-frame count.
  pause(2);
  struct test_suite suite = {"CRED", tests, NELEM(tests), 0, creds_live, "creds live"};
  exit(run_tests(&suite, argc, argv));
}
