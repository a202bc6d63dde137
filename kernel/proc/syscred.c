// Identity system calls: get and set the user and group ids and the
// supplementary groups, POSIX's way; and rcustat.
//
// The rule for the four set*id calls: root (effective uid 0) may set any
// id; anyone else may only set their effective id to their real or saved
// one. setuid and setgid called by root set all three ids (real,
// effective, saved), so root can give up root for good; seteuid and
// setegid set only the effective id, so root can switch back.
//
// Invariant: a call that fails returns -1 and has changed nothing; one
// that succeeds has committed exactly one new cred.
#include "kernel/proc/syscred.h"
#include "kernel/proc/cred.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/sysargs.h"
#include "kernel/sync/rcu.h"
#include "kernel/mm/uaccess.h"
#include "kernel/rcustat.h"
#include "kernel/lib/string.h"

uint64 sys_getuid(void) { return current_cred()->uid; }
uint64 sys_geteuid(void) { return current_cred()->euid; }
uint64 sys_getgid(void) { return current_cred()->gid; }
uint64 sys_getegid(void) { return current_cred()->egid; }

// A set*id call. group: the group ids rather than the user ids; all: set
// real and saved too when the caller is root (setuid/setgid).
static uint64 set_id(int group, int all) {
  int id;
  argint(0, &id);
  if (id < 0)
    return -1;
  const struct cred *old = current_cred();
  int root = old->euid == 0;
  int real = group ? old->gid : old->uid;
  int saved = group ? old->sgid : old->suid;
  if (!root && id != real && id != saved)
    return -1;
  struct cred *new = prepare_creds();
  if (new == 0)
    return -1;
  if (group) {
    new->egid = id;
    if (root && all)
      new->gid = new->sgid = id;
  } else {
    new->euid = id;
    if (root && all)
      new->uid = new->suid = id;
  }
  commit_creds(new);
  return 0;
}

uint64 sys_setuid(void) { return set_id(0, 1); }
uint64 sys_seteuid(void) { return set_id(0, 0); }
uint64 sys_setgid(void) { return set_id(1, 1); }
uint64 sys_setegid(void) { return set_id(1, 0); }

// Insertion sort: at most NGROUPS entries.
static void sort_ids(int *a, int n) {
  for (int i = 1; i < n; i++) {
    int x = a[i], j = i;
    for (; j > 0 && a[j - 1] > x; j--)
      a[j] = a[j - 1];
    a[j] = x;
  }
}

// setgroups(n, gids): root only. The list is stored sorted, so that
// permission checks can binary-search it.
uint64 sys_setgroups(void) {
  int n;
  uint64 addr;
  int gids[NGROUPS];
  argint(0, &n);
  argaddr(1, &addr);
  if (current_cred()->euid != 0 || n < 0 || n > NGROUPS)
    return -1;
  if (copyin(myproc()->pagetable, gids, addr, n * sizeof(int)) < 0)
    return -1;
  for (int i = 0; i < n; i++)
    if (gids[i] < 0)
      return -1;
  sort_ids(gids, n);
  struct cred *new = prepare_creds();
  if (new == 0)
    return -1;
  new->ngroups = n;
  memmove(new->groups, gids, n * sizeof(int));
  commit_creds(new);
  return 0;
}

// getgroups(n, gids): copy out the groups and return how many; n == 0
// only asks how many. -1 if n is too small for them.
uint64 sys_getgroups(void) {
  int n;
  uint64 addr;
  argint(0, &n);
  argaddr(1, &addr);
  const struct cred *c = current_cred();
  if (n == 0)
    return c->ngroups;
  if (n < c->ngroups)
    return -1;
  if (copyout(myproc()->pagetable, addr, c->groups, c->ngroups * sizeof(int)) < 0)
    return -1;
  return c->ngroups;
}

// credid(): which cred object the caller uses (a debugging aid: processes
// that share one report the same number).
uint64 sys_credid(void) { return current_cred()->serial; }

uint64 sys_rcustat(void) {
  uint64 addr;
  argaddr(0, &addr);
  struct rcustat st;
  memset(&st, 0, sizeof(st));
  rcu_stats(&st);
  cred_stats(&st);
  return copyout(myproc()->pagetable, addr, &st, sizeof(st));
}
