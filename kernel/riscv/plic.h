// The platform-level interrupt controller: routes device interrupts
// (UART, virtio) to each hart's supervisor external interrupt.
#ifndef CALF_PLIC_H
#define CALF_PLIC_H

void plic_enable(int irq);  // global: give irq a non-zero priority
// Set up this hart's context: with takes_irqs it is sent every enabled irq,
// without it none (calf sends all device interrupts to the boot hart).
void plic_inithart(int takes_irqs);
int plic_claim(void);       // the pending irq this hart should serve, or 0
void plic_complete(int irq);

#endif
