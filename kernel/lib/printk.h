// Kernel console output and panic.
#ifndef CALF_PRINTK_H
#define CALF_PRINTK_H

void printf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
// Print the message and a backtrace, then stop QEMU with a non-zero status.
void panic(const char *fmt, ...) __attribute__((noreturn, format(printf, 1, 2)));
void printk_init(void);
// Send kernel output to putc from now on (the console, at boot).
void printk_register_output(void (*putc)(int c));

#endif
