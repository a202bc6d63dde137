// RCU and credential figures reported to user space by rcustat(). Shared
// by the kernel (kernel/sync/rcu.c, kernel/proc/cred.c) and user/user.h.
// Times are in ticks of the 10 MHz timebase (rdtime), 100 ns each.
#ifndef CALF_RCUSTAT_H
#define CALF_RCUSTAT_H

#include "kernel/types.h"

struct rcustat {
  uint64 gp_completed;      // grace periods completed since boot
  uint64 gp_time_total;     // their durations added up (rdtime ticks)
  uint64 gp_time_max;       // the longest one
  uint64 cb_queued;         // callbacks handed to call_rcu()
  uint64 cb_run;            // ... and run after their grace period
  uint64 sync_calls;        // synchronize_rcu() calls
  uint64 creds_live;        // cred objects allocated and not yet freed
  uint64 creds_waiting;     // ... of which released, waiting for a grace period
  uint64 creds_waiting_max; // the most that ever waited at once
  uint64 creds_throttled;   // prepare_creds() waited because too many were waiting
};

// prepare_creds() waits for a grace period once this many released creds
// are waiting for one, so an identity-changing loop cannot outrun
// reclamation: the waiting list stays bounded.
#define CRED_WAITING_LIMIT 64

#endif
