// Credentials: who a process is (kernel/proc/cred.c).
//
// A struct cred is immutable once published. Processes share one (fork
// takes a reference); a process that changes identity prepares a private
// copy, edits it, and commits it. Another process's cred may be read only
// inside rcu_read_lock, through proc_cred_rcu(); a process reads its own
// through current_cred() with no lock at all.
#ifndef CALF_CRED_H
#define CALF_CRED_H

#include "kernel/types.h"
#include "kernel/sync/rcu.h"

#define NGROUPS 16 // supplementary groups per cred

// Debug checks: freed creds are poisoned, and meeting poison panics;
// readers of other processes' creds linger a little before checking.
#define CRED_DEBUG 1
#define CRED_READER_LINGER 500 // loop iterations
#define CRED_MAGIC 0x63726564u  // "cred": a live cred
#define CRED_POISON 0x6b6b6b6bu // a freed one

struct cred {
  int ref;    // references (processes, open files, exec in flight); atomic
  uint magic; // CRED_MAGIC while allocated
  uint serial; // distinct for every cred ever prepared (credid())
  int uid, euid, suid; // real, effective and saved user ids
  int gid, egid, sgid; // ... group ids
  int ngroups;
  int groups[NGROUPS]; // supplementary groups, sorted ascending
  struct rcu_head rcu; // queues the cred for freeing after a grace period
  struct cred *next_free;
};

struct proc;
struct rcustat;

// The caller's own creds. No lock: only the caller ever replaces them.
const struct cred *current_cred(void);
// A private, writable copy of the caller's creds, or 0 if none is free.
// May sleep (when too many released creds wait for a grace period).
struct cred *prepare_creds(void);
// Make new (from prepare_creds) the caller's creds; the old ones go
// through RCU. abort_creds throws an unpublished copy away.
void commit_creds(struct cred *new);
void abort_creds(struct cred *new);
// Make new p's creds. p is the caller, or a child that has not run yet.
void cred_install(struct proc *p, struct cred *new);

struct cred *get_cred(const struct cred *c);
void put_cred(const struct cred *c);
struct cred *root_cred(void); // a reference to the boot-time all-root cred

// p's creds, for a reader inside rcu_read_lock (0 if p has none).
const struct cred *proc_cred_rcu(struct proc *p);

int cred_in_group(const struct cred *c, int gid);
int cred_may_kill(struct proc *target); // may the caller kill target?
void cred_stats(struct rcustat *st);     // fills the cred fields only

#endif
