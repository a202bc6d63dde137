// Per-hart state: which hart this is, what it runs, and how deeply it has
// turned interrupts off. The lowest layer of the kernel above the machine
// itself: spinlocks, the scheduler and RCU all build on it, and it calls
// nothing above it but panic (kernel/riscv/cpu.c).
#ifndef CALF_CPU_H
#define CALF_CPU_H

#include "kernel/types.h"
#include "kernel/param.h"

struct proc;

// Callee-saved registers of a kernel thread, saved by swtch()
// (kernel/riscv/swtch.S addresses the fields by offset).
struct context {
  uint64 ra;
  uint64 sp;
  uint64 s0, s1, s2, s3, s4, s5, s6, s7, s8, s9, s10, s11;
};

// Per-hart state.
struct cpu {
  struct proc *proc;      // process running on this hart, or 0
  struct context context; // swtch() here to enter the scheduler
  int noff;               // depth of push_off() nesting
  int intena;             // were interrupts enabled before push_off()?
  uint64 next_tick;       // when this hart's next clock tick is due (time
                          // CSR units); written only by this hart's timer
  int yield_turn;         // cpu_yield_turn once noff is back to 0
} __attribute__((aligned(128)));

// The alignment keeps the size a power of two (256 bytes; the fields take
// 140). Then &cpus[cpuid()], which push_off, pop_off and mycpu compute on
// every lock and unlock, is one shift of the hart id; at 136 bytes it took
// three instructions each time, and a wakeup then took 63 locks.
_Static_assert((sizeof(struct cpu) & (sizeof(struct cpu) - 1)) == 0,
               "struct cpu: keep the size a power of two");

extern struct cpu cpus[NCPU];

// The hart id. Callers must have interrupts off, or the process could
// move to another hart right after the read.
int cpuid(void);
struct cpu *mycpu(void);
// The process this hart runs, or 0 in the scheduler loop.
struct proc *myproc(void);

// Interrupt-disable nesting: push_off/pop_off pairs (spin_lock uses them).
// Interrupts come back on only at the outermost pop_off, and only if they
// were on at the first push_off.
void push_off(void);
void pop_off(void);

// A hart that has spun long on a lock lets an emulator run the lock's
// holder (the reason is at the definition, kernel/riscv/cpu.c); a hart
// that has sent an IPI lets it run the woken hart.
void cpu_yield_turn(void);
// The same, but only once this hart holds no spinlock (noff back to 0):
// after an IPI, so the woken hart does not spin on a lock we hold.
void cpu_yield_turn_unlocked(void);

// Switch kernel threads: save the callee-saved registers in *old, load
// *new's (kernel/riscv/swtch.S).
void swtch(struct context *old, struct context *new);

#endif
