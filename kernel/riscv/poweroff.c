// Stopping the machine. A clean poweroff goes through SBI system reset.
// A failure (panic) writes to QEMU virt's test finisher, which exits QEMU
// with the status we choose, so a test harness sees a non-zero exit.
// The finisher is mapped in the kernel page table (kernel/mm/vm.c).
#include "kernel/riscv/poweroff.h"
#include "kernel/riscv/fdt.h"
#include "kernel/riscv/sbi.h"
#include "kernel/types.h"

#define FINISHER_FAIL 0x3333

void machine_stop(int status) {
  if (status != 0 && platform.finisher != 0)
    *(volatile uint32 *)platform.finisher = FINISHER_FAIL | ((uint32)status << 16);
  sbi_shutdown(status != 0);
}
