// The console device: line editing on input, and the CONSOLE major device.
#ifndef CALF_CONSOLE_H
#define CALF_CONSOLE_H

void console_init(void);
void console_putc(int c);  // kernel output (printf)
void console_intr(int c);  // one received byte, from uart_intr

#endif
