// Kernel printf and panic.
//
// printf formats straight to the console, one character at a time, under a
// lock so that lines from different harts do not interleave. It reaches
// the console through the output the console registers at boot
// (printk_register_output), so this file, which every layer calls, calls
// nothing in dev/; until then output is dropped. panic prints
// its message and a backtrace, then ends the machine with a failure status:
// the kernel does not try to limp on once an invariant is broken.
#include <stdarg.h>
#include "kernel/lib/printk.h"
#include "kernel/lock/spinlock.h"
#include "kernel/riscv.h"
#include "kernel/riscv/poweroff.h"

static struct spinlock pr_lock;
static volatile int panicking; // once set, printf stops locking and other harts freeze

static void drop(int c) {}
static void (*output)(int c) = drop;

void printk_init(void) { spin_init(&pr_lock, "printk"); }

void printk_register_output(void (*putc)(int c)) { output = putc; }

static void print_num(uint64 x, int base, int is_signed) {
  static const char digits[] = "0123456789abcdef";
  char buf[24];
  int i = 0, neg = is_signed && (long)x < 0;
  if (neg)
    x = -(long)x;
  do {
    buf[i++] = digits[x % base];
    x /= base;
  } while (x != 0);
  if (neg)
    buf[i++] = '-';
  while (--i >= 0)
    output(buf[i]);
}

static void print_str(const char *s) {
  if (s == 0)
    s = "(null)";
  while (*s)
    output(*s++);
}

// Supports %d %u %x %p %s %c %%, with l or ll for 64-bit integers.
static void vprint(const char *fmt, va_list ap) {
  for (; *fmt; fmt++) {
    if (*fmt != '%') {
      output(*fmt);
      continue;
    }
    int lng = 0;
    while (*++fmt == 'l')
      lng = 1;
    switch (*fmt) {
    case 'd':
      print_num(lng ? va_arg(ap, long) : va_arg(ap, int), 10, 1);
      break;
    case 'u':
      print_num(lng ? va_arg(ap, uint64) : va_arg(ap, uint), 10, 0);
      break;
    case 'x':
      print_num(lng ? va_arg(ap, uint64) : va_arg(ap, uint), 16, 0);
      break;
    case 'p':
      print_str("0x");
      print_num(va_arg(ap, uint64), 16, 0);
      break;
    case 's':
      print_str(va_arg(ap, const char *));
      break;
    case 'c':
      output(va_arg(ap, int));
      break;
    case '%':
      output('%');
      break;
    case 0:
      return;
    default:
      output('%');
      output(*fmt);
    }
  }
}

void printf(const char *fmt, ...) {
  va_list ap;
  int locking = !panicking;
  if (locking)
    spin_lock(&pr_lock);
  va_start(ap, fmt);
  vprint(fmt, ap);
  va_end(ap);
  if (locking)
    spin_unlock(&pr_lock);
}

// Walk the frame-pointer chain. With -fno-omit-frame-pointer every RISC-V
// frame keeps the return address at fp-8 and the caller's fp at fp-16.
// The walk stops when fp leaves the page of the stack it started on
// (kernel stacks and boot stacks are page-aligned and, for a trap from a
// process, one page), or after a bounded number of frames.
static void backtrace(void) {
  uint64 fp = r_fp();
  uint64 page = PGROUNDDOWN(fp);
  printf("backtrace:\n");
  for (int depth = 0; depth < 32 && fp > page && fp <= page + PGSIZE && (fp & 7) == 0; depth++) {
    uint64 ra = *(uint64 *)(fp - 8);
    if (ra == 0)
      break;
    printf("  0x%lx\n", ra);
    fp = *(uint64 *)(fp - 16);
  }
}

void panic(const char *fmt, ...) {
  va_list ap;
  intr_off();
  panicking = 1;
  printf("panic: ");
  va_start(ap, fmt);
  vprint(fmt, ap);
  va_end(ap);
  printf("\n");
  backtrace();
  machine_stop(1);
}
