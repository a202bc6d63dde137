// Per-hart state: the cpus[] array, indexed by hart id, and interrupt
// nesting.
//
// Invariant: a hart touches only its own cpus[] entry, with interrupts off
// (a process that reads mycpu() and is then moved to another hart would
// hold the wrong one); noff counts the outstanding push_off()s, and
// interrupts are off whenever noff > 0.
#include "kernel/riscv/cpu.h"
#include "kernel/riscv.h"
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
  if (c->noff == 0 && c->intena)
    intr_on();
}
