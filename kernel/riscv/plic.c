// The PLIC. Each source has a priority (0 = never delivered); each hart's
// S-mode context has an enable bit per source and a threshold; the hart
// claims a pending source, serves it, and completes it. On QEMU virt the
// S-mode context of hart h is context 2h+1.
#include "kernel/riscv/plic.h"
#include "kernel/riscv/fdt.h"
#include "kernel/riscv/cpu.h"

#define SCONTEXT(h) (2 * (h) + 1)
#define PRIORITY(irq) (platform.plic + 4 * (irq))
#define ENABLE(ctx) (platform.plic + 0x2000 + 0x80 * (ctx))
#define THRESHOLD(ctx) (platform.plic + 0x200000 + 0x1000 * (ctx))
#define CLAIM(ctx) (platform.plic + 0x200004 + 0x1000 * (ctx))

static uint32 enabled[2]; // irqs 0..63 that plic_enable turned on

static volatile uint32 *reg(uint64 addr) { return (volatile uint32 *)addr; }

void plic_enable(int irq) {
  *reg(PRIORITY(irq)) = 1;
  enabled[irq / 32] |= 1U << (irq % 32);
}

// One hart takes the device interrupts. A source enabled for every hart
// raises the external interrupt on all of them at once: each idle hart
// leaves wfi, all race to claim, one wins and the rest find 0. Under QEMU
// that is a host thread woken per hart for every disk completion, which
// made single-process disk work on 3 harts take half again as long as on
// one (docs/harts.md). Linux routes each irq to one CPU too, and moves it
// for balance; calf keeps them all on the boot hart.
void plic_inithart(int takes_irqs) {
  int ctx = SCONTEXT(cpuid());
  reg(ENABLE(ctx))[0] = takes_irqs ? enabled[0] : 0;
  reg(ENABLE(ctx))[1] = takes_irqs ? enabled[1] : 0;
  *reg(THRESHOLD(ctx)) = 0;
}

int plic_claim(void) { return *reg(CLAIM(SCONTEXT(cpuid()))); }

void plic_complete(int irq) { *reg(CLAIM(SCONTEXT(cpuid()))) = irq; }
