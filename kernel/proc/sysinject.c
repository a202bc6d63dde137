// inject(op, arg): the run-time switch of fault injection
// (kernel/debug/inject.c): set the policy, enter or leave the scope, read
// the figures. Root only, every operation: the policy is the whole
// machine's, and the figures tell how other processes' calls went.
#include "kernel/proc/sysinject.h"
#include "kernel/proc/sysargs.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/cred.h"
#include "kernel/mm/uaccess.h"
#include "kernel/debug/inject.h"

uint64 sys_inject(void) {
  int op;
  uint64 addr;
  argint(0, &op);
  argaddr(1, &addr);
  if (current_cred()->euid != 0)
    return -1;
  switch (op) {
  case INJECT_SET: {
    char spec[96];
    if (argstr(1, spec, sizeof(spec)) < 0)
      return -1;
    return inject_set(spec);
  }
  case INJECT_ENTER:
    inject_scope(INJECT_SCOPE_IN);
    return 0;
  case INJECT_LEAVE:
    inject_scope(INJECT_SCOPE_OUT);
    return 0;
  case INJECT_CHILDREN:
    inject_scope(INJECT_SCOPE_CHILDREN);
    return 0;
  case INJECT_STAT: {
    struct injectstat st;
    inject_stat(&st);
    return copyout(myproc()->pagetable, addr, &st, sizeof(st));
  }
  default:
    return -1;
  }
}
