// The console: the CONSOLE device that init opens as fds 0, 1 and 2.
//
// Input is line-edited here, as a terminal would: bytes collect in a ring
// until newline (or ^D, or a full buffer), and only then can read() see
// them. Backspace and ^U edit the unfinished line; ^P prints the process
// table. Output goes straight to the UART, one write() at a time: the
// output lock keeps two processes' writes from interleaving byte by byte,
// so a line printed with one write() arrives whole.
//
// Invariant: r <= w <= e <= r + INPUT_BUF. Bytes r..w-1 are committed lines
// that read() may return; w..e-1 is the line still being edited.
#include "kernel/dev/console.h"
#include "kernel/dev/uart.h"
#include "kernel/sync/sleeplock.h"
#include "kernel/lock/spinlock.h"
#include "kernel/sched/sched.h"
#include "kernel/mm/uaccess.h"
#include "kernel/lib/printk.h"

#define BACKSPACE 0x100 // console_putc: erase the last character
#define CTRL(x) ((x) - '@')
#define INPUT_BUF 128

static struct {
  struct spinlock lock;
  char buf[INPUT_BUF];
  uint r, w, e;
} cons;

// Held for a whole console_write. A sleep lock, because the UART's
// transmit buffer may be full and uart_putc then sleeps.
static struct sleeplock out_lock;

// Kernel output (printf's, registered at boot): spins on the UART, so it
// works with interrupts off and inside panic.
static void console_putc(int c) {
  if (c == BACKSPACE) {
    uart_putc_sync('\b');
    uart_putc_sync(' ');
    uart_putc_sync('\b');
  } else {
    uart_putc_sync(c);
  }
}

int console_write(int user_src, uint64 src, int n) {
  int i;
  sleeplock_lock(&out_lock);
  for (i = 0; i < n; i++) {
    char c;
    if (either_copyin(&c, user_src, src + i, 1) < 0)
      break;
    uart_putc(c);
  }
  sleeplock_unlock(&out_lock);
  return i == 0 && n > 0 ? -1 : i;
}

// Read up to n bytes, at most one line. ^D ends input: at the start of a
// read it returns 0 (end of file); after some bytes it is kept for the
// next read so that one sees the 0.
int console_read(int user_dst, uint64 dst, int n) {
  int want = n;
  spin_lock(&cons.lock);
  while (n > 0) {
    while (cons.r == cons.w) {
      int why = interrupted(myproc());
      if (why != INTR_NONE) {
        spin_unlock(&cons.lock);
        return why == INTR_KILL ? -1 : n < want ? want - n : RESTART_CALL;
      }
      sleep(&cons.r, &cons.lock);
    }
    int c = cons.buf[cons.r++ % INPUT_BUF];
    if (c == CTRL('D')) {
      if (n < want)
        cons.r--;
      break;
    }
    char cbuf = c;
    if (either_copyout(user_dst, dst, &cbuf, 1) < 0)
      break;
    dst++;
    n--;
    if (c == '\n')
      break;
  }
  spin_unlock(&cons.lock);
  return want - n;
}

// One byte from the UART, in interrupt context.
void console_intr(int c) {
  spin_lock(&cons.lock);
  switch (c) {
  case CTRL('P'):
    procdump();
    break;
  case CTRL('U'):
    while (cons.e != cons.w && cons.buf[(cons.e - 1) % INPUT_BUF] != '\n') {
      cons.e--;
      console_putc(BACKSPACE);
    }
    break;
  case CTRL('H'):
  case '\x7f':
    if (cons.e != cons.w) {
      cons.e--;
      console_putc(BACKSPACE);
    }
    break;
  default:
    if (c == 0 || cons.e - cons.r >= INPUT_BUF)
      break;
    c = (c == '\r') ? '\n' : c;
    console_putc(c); // echo
    cons.buf[cons.e++ % INPUT_BUF] = c;
    if (c == '\n' || c == CTRL('D') || cons.e - cons.r == INPUT_BUF) {
      cons.w = cons.e; // a whole line: let read() have it
      wakeup(&cons.r);
    }
  }
  spin_unlock(&cons.lock);
}

void console_init(void) {
  spin_init(&cons.lock, "cons");
  sleeplock_init(&out_lock, "console out");
  uart_init();
  printk_register_output(console_putc);
}
