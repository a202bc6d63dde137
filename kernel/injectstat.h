// Fault injection as user space sees it: the inject() system call's
// operations and the figures it reports (kernel/debug/inject.c,
// docs/inject.md). Shared by the kernel and user/user.h.
#ifndef CALF_INJECTSTAT_H
#define CALF_INJECTSTAT_H

#include "kernel/types.h"

// inject(op, arg), root only:
#define INJECT_SET 1   // arg: a policy string, as the inject= boot argument
#define INJECT_ENTER 2 // put the caller (and its future children) in scope
#define INJECT_LEAVE 3 // take the caller out of scope
#define INJECT_STAT 4  // arg: a struct injectstat to fill in
#define INJECT_CHILDREN 5 // leave the caller out, but put the children it
                          // makes from now on in scope (a test runner)

// The classes of failure, each with its own policy.
#define INJECT_FRAME 0 // the frame allocator returns 0
#define INJECT_BUF 1   // the buffer cache has no buffer for bread_run_try
#define INJECT_DISK 2  // the disk reports an I/O error on a read
#define INJECT_CRED 3  // prepare_creds finds no free cred
#define INJECT_NCLASS 4

// A class's policy.
#define INJECT_OFF 0
#define INJECT_EVERY 1  // every nth call fails
#define INJECT_RANDOM 2 // each call fails with probability 1/n (seeded)

#define INJECT_NSITE 7
#define INJECT_NAME 16

struct injectsite {
  char name[INJECT_NAME]; // "frame", "bread_run_try", ...
  int cls;                // INJECT_FRAME ...
  int excluded;           // never fails, on purpose (inject.c says why)
  uint64 calls;           // calls made by processes in scope
  uint64 injected;        // ... of which were made to fail
};

struct injectstat {
  int mode[INJECT_NCLASS]; // INJECT_OFF, INJECT_EVERY or INJECT_RANDOM
  uint64 n[INJECT_NCLASS];
  uint64 seed;
  int scope;  // the caller: 0 out of scope, 1 in, 2 its children will be
  int nsites;
  struct injectsite site[INJECT_NSITE];
};

#endif
