// The 16550 UART behind the console: interrupt-driven transmit and receive.
#ifndef CALF_UART_H
#define CALF_UART_H

void uart_init(void);
void uart_putc(int c);      // queue a byte; sleeps if the buffer is full
void uart_putc_sync(int c); // spin until sent; for printf and echo
void uart_intr(void);

#endif
