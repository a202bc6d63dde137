// Calls into the Supervisor Binary Interface (OpenSBI, running in M-mode).
#ifndef CALF_SBI_H
#define CALF_SBI_H

#include "kernel/types.h"

struct sbiret {
  long error; // 0 on success, a negative SBI error code otherwise
  long value;
};

void sbi_set_timer(uint64 stime);
long sbi_hart_start(uint64 hartid, uint64 start_addr, uint64 opaque);
long sbi_hart_status(uint64 hartid);
long sbi_send_ipi(uint64 hart_mask, uint64 hart_mask_base);
void sbi_shutdown(int failure) __attribute__((noreturn));

#endif
