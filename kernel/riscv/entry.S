# The kernel's first instructions.
#
# OpenSBI jumps to _entry (linked at 0x80200000) on one hart, in S-mode,
# with the MMU off, a0 = hart id and a1 = device-tree address. Other harts
# arrive later at _secondary, sent by SBI HSM hart_start from kmain, with
# a0 = hart id. Each hart gets its own boot stack from boot_stacks and keeps
# its hart id in tp for the rest of its life (cpuid() reads it).

#include "kernel/param.h"

#define BOOT_STACK_SIZE 16384

.section .text.entry
.globl _entry
_entry:
        # Only the first hart to arrive here boots the kernel. OpenSBI should
        # send every other hart to _secondary, but one CI run saw a late hart
        # land here after the kernel was up: it zeroed .bss under the running
        # kernel and booted it a second time. A hart that loses this swap
        # joins as a secondary instead. boot_claimed is in .data, which the
        # loader sets to 0, not in .bss, which we are about to clear.
        #
        # Why a late hart comes here: OpenSBI v1.1 (QEMU 7.2's firmware)
        # keeps, per hart, the address and a1 to jump to; at cold boot it
        # sets them, for every hart, to this kernel's _entry and the
        # device tree. Our hart_start(h, _secondary, 0) first moves hart h
        # from STOPPED to START_PENDING and only then stores _secondary into
        # h's slot. Hart h waits in a wfi loop that leaves as soon as it sees
        # START_PENDING; if it wakes inside that window (wfi may return at
        # any time, and under multi-threaded QEMU the harts run truly in
        # parallel), it reads the old slot and jumps here, with a1 = the
        # device tree. Later OpenSBI releases store the slot first. The swap
        # makes either order safe, and kmain_secondary needs nothing from a1.
        la t0, boot_claimed
        li t1, 1
        amoswap.w.aq t1, t1, (t0)
        bnez t1, _secondary

        # Zero .bss before anything lives there (the boot stacks do).
        la t0, __bss_start
        la t1, __bss_end
1:      bgeu t0, t1, 2f
        sd zero, 0(t0)
        addi t0, t0, 8
        j 1b
2:      call set_stack
        call kmain              # kmain(hartid, dtb) never returns
        j hang

.globl _secondary
_secondary:
        call set_stack
        call kmain_secondary    # kmain_secondary(hartid) never returns
        j hang

# sp = boot_stacks + (hartid + 1) * BOOT_STACK_SIZE; tp = hartid.
# A hart id of NCPU or more has no stack: park it forever.
set_stack:
        li t0, NCPU
        bgeu a0, t0, hang
        mv tp, a0
        la sp, boot_stacks
        li t0, BOOT_STACK_SIZE
        addi t1, a0, 1
        mul t0, t0, t1
        add sp, sp, t0
        mv fp, zero             # ends the backtrace chain
        ret

hang:
        wfi
        j hang

.section .data
.balign 4
boot_claimed:
        .word 0

.section .bss
.balign 16
.globl boot_stacks
boot_stacks:
        .space BOOT_STACK_SIZE * NCPU
