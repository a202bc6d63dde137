// malloc/free: the first-fit free-list allocator of Kernighan and Ritchie,
// growing the heap with sbrk().
//
// Memory is handed out in units of one header (16 bytes); each
// block starts with a header giving its size in units. Free blocks form a
// circular list sorted by address, so free() can merge a block with the
// free neighbours on either side and the heap does not fragment into
// ever-smaller pieces.
//
// Invariants: the list is circular and in ascending address order
// (except for the one wrap-around step from the highest block back to
// the lowest); no two free blocks touch, because free() merges them;
// `freep` points at some block of the list once the first malloc ran.
#include "kernel/types.h"
#include "user/user.h"

union header {
  struct {
    union header *next; // next free block (only while free)
    uint size;          // block size in units, header included
  } s;
  uint64 align; // keeps every block 8-byte aligned
};
typedef union header Header;

static Header base; // a zero-size block that anchors the list
static Header *freep;

// Ask the kernel for room for at least nunits more units, no fewer than
// 4096 at a time so that small mallocs don't each cost a system call.
// The new space joins the free list through free().
static Header *morecore(uint nunits) {
  if (nunits < 4096)
    nunits = 4096;
  char *p = sbrk(nunits * sizeof(Header));
  if (p == (char *)-1)
    return 0;
  Header *h = (Header *)p;
  h->s.size = nunits;
  free(h + 1);
  return freep;
}

void free(void *ap) {
  if (ap == 0)
    return;
  Header *bp = (Header *)ap - 1;

  // Find p such that bp lies between p and p->next, or past the ends of
  // the list (at the wrap-around point).
  Header *p = freep;
  while (!(bp > p && bp < p->s.next)) {
    if (p >= p->s.next && (bp > p || bp < p->s.next))
      break;
    p = p->s.next;
  }

  // Merge with the upper neighbour if they touch.
  if (bp + bp->s.size == p->s.next) {
    bp->s.size += p->s.next->s.size;
    bp->s.next = p->s.next->s.next;
  } else {
    bp->s.next = p->s.next;
  }
  // Merge with the lower neighbour if they touch.
  if (p + p->s.size == bp) {
    p->s.size += bp->s.size;
    p->s.next = bp->s.next;
  } else {
    p->s.next = bp;
  }
  freep = p;
}

void *malloc(uint nbytes) {
  // Round up to whole units and add one for the header. Computed in 64
  // bits so that a request near 4 GiB cannot wrap around to a small one;
  // and sbrk takes an int, so anything past 2 GiB would read as a shrink.
  uint64 units = ((uint64)nbytes + sizeof(Header) - 1) / sizeof(Header) + 1;
  if (units > 0x7fffffff / sizeof(Header))
    return 0;
  uint nunits = units;

  if (freep == 0) {
    base.s.next = freep = &base;
    base.s.size = 0;
  }

  Header *prev = freep;
  for (Header *p = prev->s.next;; prev = p, p = p->s.next) {
    if (p->s.size >= nunits) {
      if (p->s.size == nunits) {
        prev->s.next = p->s.next;
      } else {
        // Hand out the tail end, so the free block stays in the list
        // and only its size changes.
        p->s.size -= nunits;
        p += p->s.size;
        p->s.size = nunits;
      }
      freep = prev;
      return (void *)(p + 1);
    }
    if (p == freep) { // went all the way round: nothing fits
      p = morecore(nunits);
      if (p == 0)
        return 0;
    }
  }
}
