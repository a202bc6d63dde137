// The snapshot system calls: snapshot(), rollback(id) and snapdrop(id),
// for the calling process. The mechanism is kernel/proc/snapshot.c.
#include "kernel/proc/syssnap.h"
#include "kernel/proc/snapshot.h"
#include "kernel/proc/sysargs.h"
#include "kernel/sched/sched.h"

uint64 sys_snapshot(void) { return snap_take(myproc()); }

// A rollback that succeeds returns 0 into the state snapshot() recorded:
// syscall() stores it in a0, so the process sees snapshot() return 0.
uint64 sys_rollback(void) {
  int id;
  argint(0, &id);
  return snap_rollback(myproc(), id);
}

uint64 sys_snapdrop(void) {
  int id;
  argint(0, &id);
  return snap_drop(myproc(), id);
}
