// The clock. Each hart asks the SBI for its own timer interrupt one tick
// ahead, and re-arms it on every interrupt; that interrupt is what makes
// the scheduler preempt a process. Only the boot hart advances `ticks`
// (the clock that uptime() and pause() see), so the clock rate does not
// depend on how many harts run.
//
// A hart may also arm its timer early, to end its turn under an emulator
// (cpu_yield_turn, kernel/riscv/cpu.c). Invariant: cpus[h].next_tick is
// when hart h's next real tick is due; an interrupt that comes before it is
// not a tick, and only re-arms the timer for it.
#include "kernel/riscv/timer.h"
#include "kernel/riscv/sbi.h"
#include "kernel/riscv.h"
#include "kernel/sched/sched.h"

uint ticks;
struct spinlock tickslock;
static int clock_hart;

#define INTERVAL (TIMEBASE_HZ / TICK_HZ)

void timer_init(void) {
  spin_init(&tickslock, "time");
  clock_hart = cpuid();
}

static void arm_tick(uint64 when) {
  mycpu()->next_tick = when;
  sbi_set_timer(when);
}

void timer_inithart(void) {
  // Let user mode read time, cycle and instret (rdtime etc.): benchmarks
  // and user tools time themselves without a system call.
  csr_write(scounteren, 7);
  csr_set(sie, SIE_STIE);
  arm_tick(r_time() + INTERVAL);
}

int timer_intr(void) {
  if (r_time() < mycpu()->next_tick) {
    sbi_set_timer(mycpu()->next_tick); // early: also clears the pending interrupt
    return 0;
  }
  if (cpuid() == clock_hart) {
    spin_lock(&tickslock);
    ticks++;
    wakeup(&ticks);
    spin_unlock(&tickslock);
  }
  arm_tick(r_time() + INTERVAL); // also clears the pending interrupt
  return 1;
}
