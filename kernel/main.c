// Boot: bring up each subsystem in dependency order on the boot hart, then
// start the other harts and enter the scheduler on all of them.
//
// The boot hart is whichever hart OpenSBI chose (not always 0). Every other
// hart waits in OpenSBI until we ask the SBI to start it at _secondary.
//
// kmain is the top layer (docs/architecture.md), so it also connects two
// layers that must not call each other: the console's read and write go
// into the file layer's device table here.
#include "kernel/types.h"
#include "kernel/param.h"
#include "kernel/riscv.h"
#include "kernel/riscv/fdt.h"
#include "kernel/riscv/sbi.h"
#include "kernel/riscv/trap.h"
#include "kernel/riscv/plic.h"
#include "kernel/riscv/timer.h"
#include "kernel/riscv/cpu.h"
#include "kernel/lock/spinlock.h"
#include "kernel/mm/frame.h"
#include "kernel/mm/vm.h"
#include "kernel/vmstat.h"
#include "kernel/proc/proc.h"
#include "kernel/sched/sched.h"
#include "kernel/fs/buf.h"
#include "kernel/fs/inode.h"
#include "kernel/fs/pagecache.h"
#include "kernel/fs/file.h"
#include "kernel/dev/console.h"
#include "kernel/dev/uart.h"
#include "kernel/dev/virtio_blk.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"
#include "kernel/debug/inject.h"

extern char end[]; // kernel.ld: first address after the kernel image
void _secondary(void);

static volatile int started;

static struct spinlock boottest_lock;

// boottest=lock-sleep: sleep() holding a spinlock. Boot has no process
// yet, so this hart takes on a fresh process slot for the moment; the
// checker panics in sched(), before any switch.
static void boottest_lock_sleep(void) {
  static struct spinlock chan_lock;
  spin_init(&chan_lock, "boottest-chan");
  struct proc *p = proc_alloc();
  if (p == 0)
    panic("boottest=lock-sleep: no process slot");
  spin_unlock(&p->lock);
  mycpu()->proc = p;
  spin_lock(&boottest_lock);
  spin_lock(&chan_lock);
  sleep(&chan_lock, &chan_lock);
}

// boottest=ubsan: signed overflow, which only a KSAN kernel reports. The
// operand is volatile so the compiler cannot fold the addition away.
static void boottest_ubsan(void) {
  volatile int big = 0x7fffffff;
  int sum = big + 1;
  printf("boottest=ubsan: 0x7fffffff + 1 = %d\n", sum);
}

// bootargs "boottest=WHAT" breaks a rule on purpose, and the test suite
// checks the kernel's report (tests/harness.py): "panic" panics (a
// backtrace, and QEMU exits with a failure status); "lock-twice",
// "lock-intr" and "lock-sleep" break a spinlock rule, which every kernel
// (lock-twice) or a LOCKCHECK kernel reports; "ubsan" runs into undefined
// behaviour, which a KSAN kernel reports. Each panics.
static void boot_selftest(void) {
  char what[16];
  if (!bootarg("boottest", what, sizeof(what)))
    return;
  spin_init(&boottest_lock, "boottest");
  if (strncmp(what, "panic", 16) == 0)
    panic("boottest=panic: panicking on request");
  if (strncmp(what, "lock-twice", 16) == 0) {
    spin_lock(&boottest_lock);
    spin_lock(&boottest_lock);
  } else if (strncmp(what, "lock-intr", 16) == 0) {
    spin_lock(&boottest_lock);
    intr_on();
  } else if (strncmp(what, "lock-sleep", 16) == 0) {
    boottest_lock_sleep();
  } else if (strncmp(what, "ubsan", 16) == 0) {
    boottest_ubsan();
  } else {
    printf("calf: unknown boottest=%s\n", what);
    return;
  }
  panic("boottest=%s: no check fired (is this a LOCKCHECK or KSAN kernel?)", what);
}

// bootargs "fork=eager", "fork=cow" or "fork=sharedpt" picks the fork strategy.
static void choose_fork_mode(void) {
  char mode[16];
  if (!bootarg("fork", mode, sizeof(mode)))
    return;
  if (strncmp(mode, "eager", 16) == 0)
    fork_mode_set(FORK_EAGER);
  else if (strncmp(mode, "cow", 16) == 0)
    fork_mode_set(FORK_COW);
  else if (strncmp(mode, "sharedpt", 16) == 0)
    fork_mode_set(FORK_SHAREDPT);
  else
    printf("calf: unknown fork=%s, keeping cow\n", mode);
}

static void start_other_harts(int self) {
  for (int i = 0; i < platform.nharts; i++) {
    int h = platform.hartids[i];
    if (h == self || h >= NCPU)
      continue;
    long err = sbi_hart_start(h, (uint64)_secondary, 0);
    if (err)
      printf("hart %d: SBI hart_start failed (%d)\n", h, (int)err);
  }
}

void kmain(uint64 hartid, uint64 dtb) {
  fdt_parse(dtb);
  printk_init();
  console_init();
  uint64 ram_end = platform.ram_base + platform.ram_size;
  printf("\ncalf: booting on hart %d of %d, %d MiB RAM\n", (int)hartid, platform.nharts,
         (int)(platform.ram_size >> 20));

  frame_init((uint64)end, ram_end);
  kvm_init();
  sleep_init();
  proc_init(); // maps the kernel stacks: before any hart loads the table
  kvm_inithart();
  trap_inithart();
  timer_init();
  trap_route_irq(platform.uart_irq, uart_intr);
  binit();
  iinit();
  pcache_init();
  fileinit();
  devsw[CONSOLE] = (struct devsw){.read = console_read, .write = console_write};
  trap_route_irq(virtio_blk_init(), virtio_blk_intr);
  plic_inithart(1); // the device interrupts come here
  timer_inithart();
  boot_selftest();
  choose_fork_mode();
  inject_boot(); // inject=...: the fault-injection policy (docs/inject.md)
  userinit();

  __sync_synchronize();
  started = 1;
  start_other_harts(hartid);
  scheduler();
}

void kmain_secondary(uint64 hartid) {
  while (started == 0)
    ;
  __sync_synchronize();
  kvm_inithart();
  trap_inithart();
  plic_inithart(0);
  timer_inithart();
  scheduler();
}
