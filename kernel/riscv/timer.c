// The clock. Each hart asks the SBI for its own timer interrupt one tick
// ahead, and re-arms it on every interrupt; that interrupt is what makes
// the scheduler preempt a process. Only the boot hart advances `ticks`
// (the clock that uptime() and pause() see), so the clock rate does not
// depend on how many harts run.
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

void timer_inithart(void) {
  // Let user mode read time, cycle and instret (rdtime etc.): benchmarks
  // and user tools time themselves without a system call.
  csr_write(scounteren, 7);
  csr_set(sie, SIE_STIE);
  sbi_set_timer(r_time() + INTERVAL);
}

void timer_intr(void) {
  if (cpuid() == clock_hart) {
    spin_lock(&tickslock);
    ticks++;
    wakeup(&ticks);
    spin_unlock(&tickslock);
  }
  sbi_set_timer(r_time() + INTERVAL); // also clears the pending interrupt
}
