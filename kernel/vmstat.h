// Memory figures reported to user space by memstat(), procstat() and
// frameinfo(). Shared by the kernel and user/user.h.
#ifndef CALF_VMSTAT_H
#define CALF_VMSTAT_H

#include "kernel/types.h"

struct memstat {
  uint64 total_frames;  // frames the allocator manages
  uint64 free_frames;   // frames on the free list
  uint64 shared_frames; // frames with more than one reference
  uint64 pt_pages;      // page-table pages in use, the kernel's and every process's
  uint64 cow_faults;    // write faults on copy-on-write pages (user and copyout)
  uint64 cow_copies;    // ... resolved by copying the frame
  uint64 cow_reuses;    // ... resolved in place: the faulting process was the sole owner
  uint64 lazy_faults;   // first touches of sbrklazy pages
  uint64 spt_tables;    // leaf page-table pages shared by more than one page table (fork=sharedpt)
  uint64 spt_copies;    // faults that copied a shared page table
  uint64 spt_reuses;    // ... that took one back in place: no one else held it any more
  uint64 cache_frames;  // frames the page cache holds (kernel/fs/pagecache.c); not free
  uint64 cache_idle;    // ... of which no process maps: an allocation that finds no
                        // free frame evicts them, so free + idle is what is available
  uint64 file_faults;   // faults that mapped a file page, or made a shared one writable
  uint64 anon_faults;   // first touches of anonymous mmap pages
  uint64 restore_faults; // first touches of lazily restored pages (docs/checkpoint.md)
};

// Frames an allocation can have: free ones, and idle cache frames, which
// it evicts first. A test that checks no frame leaked compares this.
static inline uint64 memstat_avail(const struct memstat *m) { return m->free_frames + m->cache_idle; }

struct procstat {
  int pid;
  uint64 rss_pages;     // user pages mapped (resident)
  uint64 shared_pages;  // of those, frames that others also map
  uint64 private_pages; // of those, frames only this process maps
  uint64 pt_pages;      // page-table pages of this process
  uint64 cow_faults;    // COW faults this process took in user mode (memstat also
                        // counts those that copyout resolves)
  uint64 cow_copies;    // ... that copied a frame
  int state;            // PS_* below
  char name[16];        // the program's name
  int uid;              // its real user id
  int euid;             // ... and effective user id
  uint64 runwait;       // time-CSR ticks (10 MHz) it waited for a hart after it was last
                        // woken, killed or forked; if no hart has taken it up yet, so far
  uint64 file_pages;    // resident pages that are the page cache's frames (a running
                        // program's text, mapped files' pages not yet copied)
  uint64 mapped_bytes;  // bytes of address space its mmap regions cover
  uint64 wake_calls;    // wakeup() calls it has made (those of interrupt handlers
                        // that interrupted it included; docs/sleep.md)
  uint64 wake_locks;    // ... and the process locks they took: one per process asleep
                        // on the channel woken, none for a channel nobody waits on
};

// procstat's state, as ps prints it
#define PS_SLEEPING 1
#define PS_RUNNABLE 2
#define PS_RUNNING 3
#define PS_ZOMBIE 4

struct frameinfo {
  uint64 pa; // physical address of the frame mapped at va
  int refs;  // its reference count, plus one per extra page table sharing
             // the leaf table that maps it (fork=sharedpt)
  int table_refs; // page tables sharing that leaf table (1: a private one)
  int cached;     // 1 if the frame is the page cache's copy of a file page:
  uint inum;      // ... of this inode
  uint pgidx;     // ... at this page index (file offset / PGSIZE)
};

#define FORK_EAGER 0 // copy every page at fork (classic xv6)
#define FORK_COW 1   // share pages copy-on-write (calf's default)
#define FORK_SHAREDPT 2 // share leaf page tables, copied on first touch

#endif
