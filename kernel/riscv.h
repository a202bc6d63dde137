// RISC-V definitions: control and status registers, page-table entries,
// and page arithmetic. Kernel code uses the accessors; user programs (and
// xv6 lab programs) include this file only for PGSIZE and friends.
#ifndef CALF_RISCV_H
#define CALF_RISCV_H

#ifndef __ASSEMBLER__
#include "kernel/types.h"

// Read or write a CSR by name: csr_read(sstatus), csr_write(stvec, x).
#define csr_read(csr)                                                          \
  ({                                                                           \
    uint64 __v;                                                                \
    __asm__ volatile("csrr %0, " #csr : "=r"(__v));                            \
    __v;                                                                       \
  })
#define csr_write(csr, val) __asm__ volatile("csrw " #csr ", %0" ::"r"((uint64)(val)))
#define csr_set(csr, bits) __asm__ volatile("csrs " #csr ", %0" ::"r"((uint64)(bits)))
#define csr_clear(csr, bits) __asm__ volatile("csrc " #csr ", %0" ::"r"((uint64)(bits)))

static inline uint64 r_tp(void) {
  uint64 x;
  __asm__ volatile("mv %0, tp" : "=r"(x));
  return x;
}

static inline void w_tp(uint64 x) { __asm__ volatile("mv tp, %0" ::"r"(x)); }

static inline uint64 r_sp(void) {
  uint64 x;
  __asm__ volatile("mv %0, sp" : "=r"(x));
  return x;
}

static inline uint64 r_fp(void) {
  uint64 x;
  __asm__ volatile("mv %0, s0" : "=r"(x));
  return x;
}

static inline uint64 r_time(void) {
  uint64 x;
  __asm__ volatile("rdtime %0" : "=r"(x));
  return x;
}

static inline uint64 r_cycle(void) {
  uint64 x;
  __asm__ volatile("rdcycle %0" : "=r"(x));
  return x;
}

static inline uint64 r_instret(void) {
  uint64 x;
  __asm__ volatile("rdinstret %0" : "=r"(x));
  return x;
}

// Flush the whole TLB of this hart.
static inline void sfence_vma(void) { __asm__ volatile("sfence.vma zero, zero"); }

static inline void intr_on(void);
static inline void intr_off(void);
static inline int intr_get(void);
#endif

// sstatus
#define SSTATUS_SPP (1L << 8)  // previous mode, 1 = supervisor, 0 = user
#define SSTATUS_SPIE (1L << 5) // supervisor previous interrupt enable
#define SSTATUS_SIE (1L << 1)  // supervisor interrupt enable
#define SSTATUS_SUM (1L << 18) // supervisor may access user memory

// sie / sip
#define SIE_SEIE (1L << 9) // external
#define SIE_STIE (1L << 5) // timer
#define SIE_SSIE (1L << 1) // software

// scause values
#define SCAUSE_INTR (1UL << 63)
#define SCAUSE_SSI (SCAUSE_INTR | 1)
#define SCAUSE_STI (SCAUSE_INTR | 5)
#define SCAUSE_SEI (SCAUSE_INTR | 9)
#define SCAUSE_ILLEGAL_INST 2
#define SCAUSE_ECALL_U 8
#define SCAUSE_INST_PAGE_FAULT 12
#define SCAUSE_LOAD_PAGE_FAULT 13
#define SCAUSE_STORE_PAGE_FAULT 15

// satp: Sv39 mode and the root page table's physical page number.
#define SATP_SV39 (8UL << 60) // unsigned: 8L << 60 would shift into the sign bit (UB)
#define MAKE_SATP(pagetable) (SATP_SV39 | (((uint64)pagetable) >> 12))

#define PGSIZE 4096 // bytes per page
#define PGSHIFT 12  // bits of offset within a page

#define PGROUNDUP(sz) (((sz) + PGSIZE - 1) & ~(PGSIZE - 1))
#define PGROUNDDOWN(a) (((a)) & ~(PGSIZE - 1))

#define PTE_V (1L << 0) // valid
#define PTE_R (1L << 1)
#define PTE_W (1L << 2)
#define PTE_X (1L << 3)
#define PTE_U (1L << 4) // user can access
#define PTE_G (1L << 5)
#define PTE_A (1L << 6)
#define PTE_D (1L << 7)
#define PTE_RSW0 (1L << 8) // two bits reserved for software
#define PTE_RSW1 (1L << 9)
// calf's software bit. PTE_COW: the page is shared copy-on-write (set only
// with PTE_V and without PTE_W). (Lazily reserved pages have no PTE at
// all: kernel/mm/lazy.c.)
#define PTE_COW PTE_RSW0

// A PTE holds the physical page number from bit 10 up.
#define PA2PTE(pa) ((((uint64)pa) >> 12) << 10)
#define PTE2PA(pte) (((pte) >> 10) << 12)
#define PTE_FLAGS(pte) ((pte)&0x3FF)

// The three 9-bit page-table indices of a virtual address (level 2 is the root).
#define PXMASK 0x1FF // 9 bits
#define PXSHIFT(level) (PGSHIFT + (9 * (level)))
#define PX(level, va) ((((uint64)(va)) >> PXSHIFT(level)) & PXMASK)

// One past the highest virtual address calf uses. Sv39 has 39 bits; calf
// stays below bit 38 so that no address it uses needs sign extension.
#define MAXVA (1L << (9 + 9 + 9 + 12 - 1))

#ifndef __ASSEMBLER__
typedef uint64 pte_t;
typedef uint64 *pagetable_t; // 512 PTEs

#ifdef LOCKCHECK
void lockcheck_intr_on(void); // panics if this hart holds a spinlock (kernel/lock/lockcheck.c)
#endif
static inline void intr_on(void) {
#ifdef LOCKCHECK
  lockcheck_intr_on();
#endif
  csr_set(sstatus, SSTATUS_SIE);
}
static inline void intr_off(void) { csr_clear(sstatus, SSTATUS_SIE); }
static inline int intr_get(void) { return (csr_read(sstatus) & SSTATUS_SIE) != 0; }
#endif

#endif
