// The console device: line editing on input, and the CONSOLE major device.
#ifndef CALF_CONSOLE_H
#define CALF_CONSOLE_H

#include "kernel/types.h"

// Start the UART and become printf's output.
void console_init(void);
void console_intr(int c); // one received byte, from uart_intr
// The CONSOLE device's read and write (kmain puts them in devsw[]):
// n bytes to or from a user (user_* = 1) or kernel address.
int console_read(int user_dst, uint64 dst, int n);
int console_write(int user_src, uint64 src, int n);

#endif
