// Physical and virtual memory layout.
//
// Physical (QEMU virt; the kernel reads the real addresses and the RAM size
// from the device tree, these are the defaults a 128 MiB machine has):
//   0x00100000 test finisher (sifive_test): writes end QEMU with a status
//   0x0c000000 PLIC
//   0x10000000 UART0 (16550)
//   0x10001000 virtio-mmio slots, one every 0x1000
//   0x80000000 RAM; OpenSBI owns the first 2 MiB
//   0x80200000 the kernel image (KERNLOAD), then free frames to end of RAM
//
// Kernel virtual: RAM and devices are mapped at their physical addresses
// (a direct map), plus, at the top of the address space, the trampoline
// page and each process's kernel stack with an unmapped guard page below.
//
// User virtual, from 0:
//   text, data, bss, guard page, stack, heap ... mmap regions (below
//   MMAPTOP) ... TRAPFRAME, TRAMPOLINE
#ifndef CALF_MEMLAYOUT_H
#define CALF_MEMLAYOUT_H

#define UART0 0x10000000L
#define UART0_IRQ 10
#define VIRTIO0 0x10001000L
#define VIRTIO0_IRQ 1
#define PLIC 0x0c000000L
#define TEST_FINISHER 0x00100000L

#define KERNBASE 0x80000000L
#define KERNLOAD 0x80200000L
// End of RAM on the default 128 MiB machine. The kernel itself uses the
// size found in the device tree; lab programs (cowtest) use this figure.
#define PHYSTOP (KERNBASE + 128 * 1024 * 1024)

// The trampoline page holds the user/kernel switch code and is mapped at
// the same, highest, address in every page table.
#define TRAMPOLINE (MAXVA - PGSIZE)

// Kernel stacks sit below the trampoline, each with a guard page under it.
#define KSTACK(p) (TRAMPOLINE - ((p) + 1) * 2 * PGSIZE)

// Each process's trap frame lives just below the trampoline in user space.
#define TRAPFRAME (TRAMPOLINE - PGSIZE)

// mmap places mappings downwards from MMAPTOP, unless asked for an
// address; none may reach into the trap frame's 2 MiB leaf table.
#define MMAPTOP (1L << 37)
#define MMAPMAX (TRAPFRAME & ~((1L << 21) - 1))

#endif
