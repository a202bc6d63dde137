// Ending the machine: a clean shutdown or a failure QEMU reports.
#ifndef CALF_POWEROFF_H
#define CALF_POWEROFF_H

// status 0: SBI shutdown (QEMU exits 0). Otherwise the test finisher
// device, which makes QEMU exit with `status`; SBI reset as a fallback.
void machine_stop(int status) __attribute__((noreturn));

#endif
