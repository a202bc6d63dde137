// The 16550 UART that QEMU virt provides as the serial console.
//
// Output written by processes goes through a small ring buffer that the
// transmit-ready interrupt drains, so a writer sleeps instead of spinning
// when the line is busy. Kernel printf uses uart_putc_sync, which spins:
// it must work with interrupts off and inside panic.
//
// Invariant: tx_r <= tx_w <= tx_r + TXBUF; bytes tx_r..tx_w-1 wait to be sent.
#include "kernel/dev/uart.h"
#include "kernel/dev/console.h"
#include "kernel/riscv/fdt.h"
#include "kernel/lock/spinlock.h"
#include "kernel/sched/sched.h"

// Register offsets (bytes), and the bits we use.
#define RHR 0 // receive holding (read)
#define THR 0 // transmit holding (write)
#define IER 1 // interrupt enable
#define IER_RX (1 << 0)
#define IER_TX (1 << 1)
#define FCR 2 // FIFO control
#define FCR_ENABLE_RESET 0x7
#define LCR 3 // line control
#define LCR_8N1 0x3
#define LCR_DLAB 0x80 // divisor latch access
#define LSR 5         // line status
#define LSR_RX_READY (1 << 0)
#define LSR_TX_IDLE (1 << 5)

#define TXBUF 32

static struct spinlock tx_lock;
static char tx_buf[TXBUF];
static uint64 tx_w, tx_r;

static volatile uchar *reg(int r) { return (volatile uchar *)(platform.uart + r); }

void uart_init(void) {
  *reg(IER) = 0;
  *reg(LCR) = LCR_DLAB; // set the baud divisor: 38.4K from QEMU's clock
  *reg(0) = 3;
  *reg(1) = 0;
  *reg(LCR) = LCR_8N1;
  *reg(FCR) = FCR_ENABLE_RESET;
  *reg(IER) = IER_TX | IER_RX;
  spin_init(&tx_lock, "uart");
}

// Send whatever is buffered while the transmitter is idle. Caller holds tx_lock.
static void uart_start(void) {
  while (tx_w != tx_r && (*reg(LSR) & LSR_TX_IDLE)) {
    *reg(THR) = tx_buf[tx_r % TXBUF];
    tx_r++;
    wakeup(&tx_r); // a writer may wait for room
  }
}

void uart_putc(int c) {
  spin_lock(&tx_lock);
  while (tx_w == tx_r + TXBUF)
    sleep(&tx_r, &tx_lock);
  tx_buf[tx_w % TXBUF] = c;
  tx_w++;
  uart_start();
  spin_unlock(&tx_lock);
}

void uart_putc_sync(int c) {
  push_off();
  while ((*reg(LSR) & LSR_TX_IDLE) == 0)
    ;
  *reg(THR) = c;
  pop_off();
}

// Received bytes go to the console; transmit-ready restarts output.
void uart_intr(void) {
  while (*reg(LSR) & LSR_RX_READY)
    console_intr(*reg(RHR));
  spin_lock(&tx_lock);
  uart_start();
  spin_unlock(&tx_lock);
}
