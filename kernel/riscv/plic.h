// The platform-level interrupt controller: routes device interrupts
// (UART, virtio) to each hart's supervisor external interrupt.
#ifndef CALF_PLIC_H
#define CALF_PLIC_H

void plic_enable(int irq);  // global: give irq a non-zero priority
void plic_inithart(void);   // this hart takes every enabled irq
int plic_claim(void);       // the pending irq this hart should serve, or 0
void plic_complete(int irq);

#endif
