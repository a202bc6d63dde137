// Trap handling: what happens after uservec (from user mode) or kernelvec
// (from kernel mode) has saved the registers.
//
// From user mode a trap is a system call, a device or timer interrupt, or
// an exception. Exceptions the kernel cannot resolve kill the process
// with a message; they never bring down the kernel. From kernel mode only
// interrupts are expected: any exception there is a kernel bug, so panic.
#include "kernel/riscv/trap.h"
#include "kernel/riscv/plic.h"
#include "kernel/riscv/timer.h"
#include "kernel/riscv/ipi.h"
#include "kernel/riscv.h"
#include "kernel/memlayout.h"
#include "kernel/proc/proc.h"
#include "kernel/proc/syscall_dispatch.h"
#include "kernel/proc/checkpoint.h"
#include "kernel/mm/fault.h"
#include "kernel/fs/log.h"
#include "kernel/lock/lockcheck.h"
#include "kernel/lib/printk.h"

extern char trampoline[], uservec[], userret[];
void kernelvec(void);

#define MAX_IRQ 64
static void (*irq_handler[MAX_IRQ])(void);

enum { NOT_DEVICE, DEVICE, TIMER };

void trap_route_irq(int irq, void (*handler)(void)) {
  if (irq <= 0 || irq >= MAX_IRQ)
    panic("trap_route_irq: irq %d out of range", irq);
  irq_handler[irq] = handler;
  plic_enable(irq);
}

void trap_inithart(void) {
  csr_write(stvec, (uint64)kernelvec);
  csr_set(sie, SIE_SEIE | SIE_SSIE); // SSIE: IPIs from ipi_wake_idle
}

// Serve a device, timer or software (IPI) interrupt. Returns NOT_DEVICE
// for anything else.
static int devintr(void) {
  uint64 scause = csr_read(scause);
  if (scause == SCAUSE_STI)
    return timer_intr() ? TIMER : DEVICE;
  if (scause == SCAUSE_SSI) {
    ipi_intr();
    return DEVICE;
  }
  if (scause != SCAUSE_SEI)
    return NOT_DEVICE;
  int irq = plic_claim();
  if (irq > 0 && irq < MAX_IRQ && irq_handler[irq])
    irq_handler[irq]();
  else if (irq)
    printf("devintr: unexpected irq %d\n", irq);
  if (irq)
    plic_complete(irq);
  return DEVICE;
}

static void user_exception(struct proc *p, uint64 scause) {
  uint64 stval = csr_read(stval);
  const char *why = vm_user_fault(p, scause, stval);
  if (why == 0)
    return;
  printf("pid %d %s: %s at va 0x%lx, pc 0x%lx: killed\n", p->pid, p->name, why, stval,
         p->trapframe->epc);
  setkilled(p);
}

// Entered from uservec in trampoline.S, on the process's kernel stack.
void usertrap(void) {
  if (csr_read(sstatus) & SSTATUS_SPP)
    panic("usertrap: not from user mode");
  // From now on traps go to kerneltrap.
  csr_write(stvec, (uint64)kernelvec);

  struct proc *p = myproc();
  p->trapframe->epc = csr_read(sepc);
  uint64 scause = csr_read(scause);
  int dev = NOT_DEVICE;

  if (scause == SCAUSE_ECALL_U) {
    if (killed(p))
      exit(-1);
    p->trapframe->epc += 4; // return past the ecall
    intr_on(); // sepc/scause/sstatus are saved; interrupts may come now
    syscall();
  } else if ((dev = devintr()) == NOT_DEVICE) {
    user_exception(p, scause);
  }

  if (killed(p))
    exit(-1);
  if (dev == TIMER) {
    log_tick(); // commit=group's time limit (kernel/fs/log.c)
    yield();
  }
  ckpt_park(p); // a checkpoint may be reading p: wait here, registers saved
  if (killed(p))
    exit(-1);
  usertrapret();
}

void usertrapret(void) {
  struct proc *p = myproc();

  // Interrupts off until sret: a trap now would go to uservec with the
  // kernel's page table still loaded.
  intr_off();
  lockcheck_none_held("return to user space", p->trapframe->epc); // sret turns interrupts on
  uint64 trampoline_uservec = TRAMPOLINE + ((uint64)uservec - (uint64)trampoline);
  csr_write(stvec, trampoline_uservec);

  // What uservec needs for the next trap into the kernel.
  p->trapframe->kernel_satp = csr_read(satp);
  p->trapframe->kernel_sp = p->kstack + PGSIZE;
  p->trapframe->kernel_trap = (uint64)usertrap;
  p->trapframe->kernel_hartid = r_tp();

  // sret goes to user mode (SPP = 0) with interrupts on (SPIE = 1).
  uint64 x = csr_read(sstatus);
  x &= ~SSTATUS_SPP;
  x |= SSTATUS_SPIE;
  csr_write(sstatus, x);
  csr_write(sepc, p->trapframe->epc);

  uint64 satp = MAKE_SATP(p->pagetable);
  uint64 trampoline_userret = TRAMPOLINE + ((uint64)userret - (uint64)trampoline);
  ((void (*)(uint64))trampoline_userret)(satp);
  __builtin_unreachable();
}

// Entered from kernelvec, on the current kernel stack.
void kerneltrap(void) {
  uint64 sepc = csr_read(sepc);
  uint64 sstatus = csr_read(sstatus);
  uint64 scause = csr_read(scause);

  if ((sstatus & SSTATUS_SPP) == 0)
    panic("kerneltrap: not from supervisor mode");
  if (intr_get())
    panic("kerneltrap: interrupts enabled");
  if ((long)scause < 0) // an interrupt: interrupts were on, so no spinlock may be held
    lockcheck_none_held("interrupt in the kernel", sepc);

  int dev = devintr();
  if (dev == NOT_DEVICE)
    panic("kernel trap: scause 0x%lx sepc 0x%lx stval 0x%lx", scause, sepc, csr_read(stval));

  if (dev == TIMER && myproc() != 0)
    yield();

  // yield() may have run other code that took traps: restore ours.
  csr_write(sepc, sepc);
  csr_write(sstatus, sstatus);
}
