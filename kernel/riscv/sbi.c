// SBI calls: the kernel's only way to ask the M-mode firmware for the
// timer, for other harts (starting them, interrupting them), and for a
// system reset. An SBI call is an ecall from S-mode: a7 names the
// extension, a6 the function, a0..a5 carry the arguments, and the
// firmware answers in a0 (error) and a1 (value).
#include "kernel/riscv/sbi.h"

#define SBI_EXT_TIME 0x54494D45
#define SBI_EXT_HSM 0x48534D
#define SBI_EXT_SRST 0x53525354
#define SBI_EXT_IPI 0x735049

static struct sbiret sbi_call(uint64 ext, uint64 fid, uint64 a0, uint64 a1, uint64 a2) {
  register uint64 r0 __asm__("a0") = a0;
  register uint64 r1 __asm__("a1") = a1;
  register uint64 r2 __asm__("a2") = a2;
  register uint64 r6 __asm__("a6") = fid;
  register uint64 r7 __asm__("a7") = ext;
  __asm__ volatile("ecall" : "+r"(r0), "+r"(r1) : "r"(r2), "r"(r6), "r"(r7) : "memory");
  return (struct sbiret){.error = (long)r0, .value = (long)r1};
}

// Ask for a timer interrupt when the time CSR reaches stime.
void sbi_set_timer(uint64 stime) { sbi_call(SBI_EXT_TIME, 0, stime, 0, 0); }

// Start a stopped hart at start_addr (physical, MMU off) with a0 = hartid, a1 = opaque.
long sbi_hart_start(uint64 hartid, uint64 start_addr, uint64 opaque) {
  return sbi_call(SBI_EXT_HSM, 0, hartid, start_addr, opaque).error;
}

// 0 = started, 1 = stopped, 2 = start pending, ...; negative on error.
long sbi_hart_status(uint64 hartid) {
  struct sbiret r = sbi_call(SBI_EXT_HSM, 2, hartid, 0, 0);
  return r.error ? r.error : r.value;
}

// Raise a supervisor software interrupt (sip.SSIP) on each hart
// hart_mask_base + i with bit i set in hart_mask.
long sbi_send_ipi(uint64 hart_mask, uint64 hart_mask_base) {
  return sbi_call(SBI_EXT_IPI, 0, hart_mask, hart_mask_base, 0).error;
}

// System reset: type 0 = shutdown; reason 0 = none, 1 = system failure.
// QEMU exits with status 0 for a plain shutdown.
void sbi_shutdown(int failure) {
  sbi_call(SBI_EXT_SRST, 0, 0, failure ? 1 : 0, 0);
  for (;;)
    __asm__ volatile("wfi");
}
