// What the kernel learns about the machine from the flattened device tree
// that OpenSBI passes in a1: RAM, harts, device addresses and bootargs.
#ifndef CALF_FDT_H
#define CALF_FDT_H

#include "kernel/types.h"

#define MAX_VIRTIO 8

struct platform {
  uint64 ram_base, ram_size;
  uint64 fdt_base, fdt_size; // where the blob itself lies (kept out of the allocator)
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
// The value of key=value in bootargs, copied into buf; 0 if absent.
int bootarg(const char *key, char *buf, int max);

#endif
