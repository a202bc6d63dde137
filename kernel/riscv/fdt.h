// What the kernel learns about the machine from the flattened device tree
// that OpenSBI passes in a1: RAM, harts, device addresses and bootargs.
#ifndef CALF_FDT_H
#define CALF_FDT_H

#include "kernel/types.h"

#define MAX_VIRTIO 8

struct platform {
  uint64 ram_base, ram_size;
  // Where the blob lay when parsed. Nothing reads it later: fdt_parse
  // copies all it needs into platform before frame_init, which may then
  // hand the blob's RAM out as free frames.
  uint64 fdt_base, fdt_size;
  int nharts;                // harts listed under /cpus
  int hartids[8];            // their ids, in device-tree order
  uint64 uart;
  int uart_irq;
  uint64 plic;
  uint64 finisher;           // sifive,test device, or 0
  int nvirtio;
  uint64 virtio[MAX_VIRTIO]; // virtio-mmio slots, in address order
  int virtio_irq[MAX_VIRTIO];
  char bootargs[128];        // /chosen/bootargs, "" if none
};

extern struct platform platform;

// Parse the blob at dtb into platform. Falls back to QEMU virt's
// defaults for anything the tree does not say.
void fdt_parse(uint64 dtb);
// The same for a blob of which only the first avail bytes may be read
// (fdt_parse vouches for as many as the blob's header says it has).
// Resets platform first. 0 if the blob was read to its end token, -1 if
// it was refused or cut short; either way platform holds what was read
// and defaults for the rest.
int fdt_read(const void *blob, uint64 avail);
// The value of key=value in bootargs, copied into buf (cut to max - 1
// bytes, NUL-terminated); 1 if found, 0 if absent or max < 1.
int bootarg(const char *key, char *buf, int max);
// The number after key= in bootargs (decimal), or dflt if absent.
uint bootarg_uint(const char *key, uint dflt);

#endif
