// Fork strategies, selectable at boot (bootarg fork=eager|cow) and at run
// time (the forkmode system call), so one benchmark run can compare them.
// A third strategy (shared page tables) would be one more case here.
#include "kernel/mm/vm.h"
#include "kernel/mm/frame.h"
#include "kernel/vmstat.h"

static int fork_mode = FORK_COW;

int fork_mode_set(int mode) {
  if (mode != FORK_EAGER && mode != FORK_COW)
    return -1;
  return __atomic_exchange_n(&fork_mode, mode, __ATOMIC_RELAXED);
}

int uvm_fork(pagetable_t old, pagetable_t new, uint64 sz) {
  if (__atomic_load_n(&fork_mode, __ATOMIC_RELAXED) == FORK_EAGER)
    return uvm_copy(old, new, sz);
  frame_map_change_begin(); // references before PTEs: see the frame audit
  int r = uvm_share(old, new, sz);
  frame_map_change_end();
  return r;
}
