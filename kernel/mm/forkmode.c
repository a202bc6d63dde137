// Fork strategies, selectable at boot (bootarg fork=eager|cow|sharedpt)
// and at run time (the forkmode system call), so one benchmark run can
// compare them.
#include "kernel/mm/vm.h"
#include "kernel/mm/internal.h"
#include "kernel/mm/sharedpt.h"
#include "kernel/mm/frame.h"
#include "kernel/vmstat.h"

static int fork_mode = FORK_COW;

int fork_mode_set(int mode) {
  if (mode != FORK_EAGER && mode != FORK_COW && mode != FORK_SHAREDPT)
    return -1;
  return __atomic_exchange_n(&fork_mode, mode, __ATOMIC_RELAXED);
}

int uvm_fork(pagetable_t old, pagetable_t new, uint64 sz) {
  int mode = __atomic_load_n(&fork_mode, __ATOMIC_RELAXED);
  if (mode == FORK_EAGER)
    return uvm_copy(old, new, sz);
  // References before PTEs (and, shared, table counts before the marks):
  // see the frame audit.
  frame_map_change_begin();
  int r = mode == FORK_SHAREDPT ? spt_fork(old, new, sz) : uvm_share(old, new, sz);
  frame_map_change_end();
  return r;
}
