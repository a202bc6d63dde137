// Fixed-width integer names shared by the kernel, user programs and mkfs.
// The names are xv6's, so lab programs that say "uint64" build unchanged.
#ifndef CALF_TYPES_H
#define CALF_TYPES_H

typedef unsigned int uint;
typedef unsigned short ushort;
typedef unsigned char uchar;

typedef unsigned char uint8;
typedef unsigned short uint16;
typedef unsigned int uint32;
typedef unsigned long uint64;

typedef uint64 pde_t;

#endif
