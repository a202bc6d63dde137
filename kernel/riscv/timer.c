// The clock. Each hart asks the SBI for its own timer interrupt one tick
// ahead, and re-arms it on every interrupt; that interrupt is what makes
// the scheduler preempt a process. Only the boot hart advances `ticks`
// (the clock that uptime() and pause() see), so the clock rate does not
// depend on how many harts run.
//
// A hart may also arm its timer early, to end its turn under an emulator
// (timer_yield_turn). Invariant: next_tick[h] is when hart h's next real
// tick is due; an interrupt that comes before it is not a tick, and only
// re-arms the timer for next_tick[h].
#include "kernel/riscv/timer.h"
#include "kernel/riscv/sbi.h"
#include "kernel/riscv.h"
#include "kernel/param.h"
#include "kernel/proc/proc.h"

uint ticks;
struct spinlock tickslock;
static int clock_hart;
static uint64 next_tick[NCPU]; // each touched only by its own hart

#define INTERVAL (TIMEBASE_HZ / TICK_HZ)

void timer_init(void) {
  spin_init(&tickslock, "time");
  clock_hart = cpuid();
}

static void arm_tick(uint64 when) {
  next_tick[cpuid()] = when;
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
  if (r_time() < next_tick[cpuid()]) {
    sbi_set_timer(next_tick[cpuid()]); // early: also clears the pending interrupt
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
// early interrupt that timer_intr does not count as a tick.
#define HOLDER_TURN (TIMEBASE_HZ / 10000)

void timer_yield_turn(void) {
  uint64 now = r_time();
  uint64 due = next_tick[cpuid()];
  if (due <= now || due > now + HOLDER_TURN) // (an overdue tick just waits 100 us)
    sbi_set_timer(now + HOLDER_TURN);
}
