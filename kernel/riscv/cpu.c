// Per-hart state: the cpus[] array, indexed by hart id, interrupt
// nesting, and ending a hart's turn under an emulator (cpu_yield_turn).
//
// Invariant: a hart touches only its own cpus[] entry, with interrupts off
// (a process that reads mycpu() and is then moved to another hart would
// hold the wrong one); noff counts the outstanding push_off()s, and
// interrupts are off whenever noff > 0.
#include "kernel/riscv/cpu.h"
#include "kernel/riscv.h"
#include "kernel/riscv/sbi.h"
#include "kernel/lib/printk.h"

struct cpu cpus[NCPU];

// The hart id, kept in tp since boot (kernel/riscv/entry.S).
int cpuid(void) { return r_tp(); }

struct cpu *mycpu(void) { return &cpus[cpuid()]; }

struct proc *myproc(void) {
  push_off();
  struct proc *p = mycpu()->proc;
  pop_off();
  return p;
}

void push_off(void) {
  int old = intr_get();
  intr_off();
  if (mycpu()->noff == 0)
    mycpu()->intena = old;
  mycpu()->noff += 1;
}

void pop_off(void) {
  struct cpu *c = mycpu();
  if (intr_get())
    panic("pop_off: interrupts enabled");
  if (c->noff < 1)
    panic("pop_off: unbalanced");
  c->noff -= 1;
  if (c->noff == 0 && c->yield_turn) {
    c->yield_turn = 0;
    cpu_yield_turn();
  }
  if (c->noff == 0 && c->intena)
    intr_on();
}

// Under QEMU's -icount every hart runs in one host thread, taking turns,
// and a hart's turn ends only at the next event on the virtual clock: a
// timer coming due, or a device interrupt. A hart that spins on a lock
// whose holder was stopped in the middle of its critical section spins
// until then, up to 100 ms of virtual time (QEMU's round-robin period
// when every timer has already fired), while the holder cannot run to
// release it: lock-holder preemption, as in any virtual machine (x86
// hypervisors catch PAUSE loops for the same reason). Arming the timer a
// moment ahead makes it the earliest event, and QEMU ends the spinner's
// turn there. The holder's turn then lasts until that timer comes due:
// 100 us, enough to finish any critical section (armed only 1 tick ahead,
// the holder ran about 100 instructions per turn, and a boot could take
// minutes). On real hardware it costs one SBI call per long spin and an
// early interrupt that timer_intr (kernel/riscv/timer.c) does not count as
// a tick.
#define HOLDER_TURN (10000000 / 10000) // 100 us of QEMU virt's 10 MHz time CSR

void cpu_yield_turn(void) {
  uint64 now = r_time();
  uint64 due = mycpu()->next_tick;
  if (due <= now || due > now + HOLDER_TURN) // (an overdue tick just waits 100 us)
    sbi_set_timer(now + HOLDER_TURN);
}

// After an IPI (kernel/riscv/ipi.c) the woken hart should run at once,
// but not while we still hold a spinlock it may need: that would make it
// spin (and yield back) until our next turn. So the yield waits for the
// outermost pop_off.
void cpu_yield_turn_unlocked(void) {
  push_off();
  mycpu()->yield_turn = 1;
  pop_off();
}
