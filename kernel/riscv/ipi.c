// Waking idle harts. A hart with nothing to run waits in wfi, and without
// help it would wake only for its next timer tick, up to 10 ms later,
// however long a process made runnable meanwhile has to wait. So whoever
// makes a process RUNNABLE (wakeup, kill, fork) calls ipi_wake_idle once
// it has let go of p->lock: it sends one idle hart an inter-processor
// interrupt through the SBI IPI extension, the target takes a supervisor
// software interrupt (sip.SSIP) that ends its wfi, and ipi_intr
// acknowledges it. (After p->lock, because the target's first act is to
// take p->lock to run p.)
//
// The race to close: hart A scans the process table, finds nothing, and
// is about to wfi just as hart B makes a process runnable. B must either
// be seen by A's check or see A in `idle`:
//   A: t = runnable; scan; idle |= A; if (runnable == t) wfi
//   B: p->state = RUNNABLE; runnable++; read idle: A there? send A an IPI
// All four are sequentially consistent atomics: if B's read of `idle`
// misses A, it came before A's write, so B's increment came before A's
// check, and A does not sleep. A waits with interrupts off (sstatus.SIE
// clear): wfi still ends when an enabled interrupt is pending, and the
// interrupt is taken after it, at intr_on. With interrupts on, an IPI
// landing between A's check and its wfi would be handled (and SSIP
// cleared) just before the wfi, which would then sleep to the next tick.
//
// Under QEMU's -icount, an IPI alone changes nothing (measured by
// user/wakelat.c: the woken process still waited up to 9.5 ms). Every
// hart runs in turn on one host thread, and raising an interrupt on
// another hart only marks it: the sender runs on to the end of its turn,
// which in QEMU 7.2 is the next timer deadline on the virtual clock,
// usually some hart's next tick, and only then does the target run. So
// the sender also ends its own turn: cpu_yield_turn arms its timer 100 us
// ahead, and QEMU ends the running hart's turn when a timer becomes the
// earliest one. It does so only once it holds no spinlock
// (cpu_yield_turn_unlocked): handing the turn over while holding, say,
// the pipe lock the woken reader needs made the target spin on it, and
// the wait grew to 12 ms. On real hardware the target wakes within a
// microsecond either way, and the yield costs one SBI call and an early
// timer interrupt that timer_intr does not count as a tick.
//
// Invariant: bit h of `idle` is set only by hart h, only in
// ipi_idle_wait with interrupts off; a sender clears the bit of the hart
// it sends to, so a burst of wakeups spreads over the idle harts instead
// of interrupting one hart many times for one process.
#include "kernel/riscv/ipi.h"
#include "kernel/riscv/cpu.h"
#include "kernel/riscv/sbi.h"
#include "kernel/riscv.h"

static uint64 runnable; // times a process has been made RUNNABLE
static uint idle;       // harts waiting in wfi (bit h = hart h)

uint64 ipi_idle_prepare(void) { return __atomic_load_n(&runnable, __ATOMIC_SEQ_CST); }

void ipi_idle_wait(uint64 ticket) {
  intr_off();
  uint bit = 1u << cpuid();
  __atomic_fetch_or(&idle, bit, __ATOMIC_SEQ_CST);
  if (__atomic_load_n(&runnable, __ATOMIC_SEQ_CST) == ticket)
    __asm__ volatile("wfi");
  __atomic_fetch_and(&idle, ~bit, __ATOMIC_SEQ_CST);
  intr_on(); // take the interrupt that ended the wfi
}

// Claim the lowest of these harts that is still idle: clear its bit and
// return it (as a mask), or 0 if each one woke or was claimed meanwhile.
static uint claim(uint harts) {
  while (harts) {
    uint target = harts & -harts;
    if (__atomic_fetch_and(&idle, ~target, __ATOMIC_SEQ_CST) & target)
      return target;
    harts &= ~target;
  }
  return 0;
}

// Wake the lowest idle hart other than this one, if there is one. Unless
// this hart is itself between processes (an interrupt that came while it
// was idle, say a disk completion, or the scheduler loop's own RCU work):
// its scheduler loop scans again, since `runnable` changed, and runs the
// process. A second hart woken for it would only race it there; under QEMU
// that race cost single-process disk work on 3 harts a third of its time.
void ipi_wake_idle(void) {
  __atomic_fetch_add(&runnable, 1, __ATOMIC_SEQ_CST);
  if (myproc() == 0)
    return;
  push_off(); // stay on this hart while we look at our own bit
  uint target = claim(__atomic_load_n(&idle, __ATOMIC_SEQ_CST) & ~(1u << cpuid()));
  if (target) {
    sbi_send_ipi(target, 0);
    cpu_yield_turn_unlocked(); // under an emulator, let the target run
  }
  pop_off();
}

// sip.SSIP is bit 1, as sie.SSIE is. Only the hart itself clears it.
void ipi_intr(void) { csr_clear(sip, SIE_SSIE); }
