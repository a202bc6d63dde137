// execfull: the "big" program of execbench (issue 23): 256 KiB of
// read-only data and 64 KiB of initialised, non-zero data, and almost no
// code. execbench times fork+exec+wait of it against execempty, and counts
// the frames that sleeping copies of it hold.
//
//   execfull                 exits at once (the program execbench times)
//   execfull hold READY HOLD reads every byte of its read-only and
//                            initialised data, writes one byte to fd READY,
//                            then sleeps reading fd HOLD until it is closed
//
// The arrays are filled by nested macros, so the bytes are in the ELF file
// (.rodata and .data), not made at run time: R4(x) is four copies of x,
// and each level of nesting multiplies by four (R4 takes "...", so an
// argument that is already a list of copies stays one argument). Non-zero values keep the
// compiler from putting the data array in .bss.
#include "kernel/types.h"
#include "user/user.h"

#define RO_BYTES (256 * 1024)
#define DATA_BYTES (64 * 1024)

#define R4(...) __VA_ARGS__, __VA_ARGS__, __VA_ARGS__, __VA_ARGS__
#define R16(...) R4(R4(__VA_ARGS__))
#define R256(...) R16(R16(__VA_ARGS__))
#define R64K(...) R256(R256(__VA_ARGS__))
#define R256K(...) R4(R64K(__VA_ARGS__))

const unsigned char ro_data[RO_BYTES] = {R256K(1)};
unsigned char init_data[DATA_BYTES] = {R64K(2)};

// Sum n bytes at p. The empty asm makes p opaque to the compiler, so it
// cannot fold the sum from the initialisers it can see: every byte is
// really loaded from memory.
static uint64 sum(const unsigned char *p, int n) {
  asm volatile("" : "+r"(p));
  uint64 s = 0;
  for (int i = 0; i < n; i++)
    s += p[i];
  return s;
}

int main(int argc, char *argv[]) {
  if (argc < 4 || strcmp(argv[1], "hold") != 0)
    exit(0);
  int ready = atoi(argv[2]), hold = atoi(argv[3]);
  uint64 s = sum(ro_data, RO_BYTES) + sum(init_data, DATA_BYTES);
  char c = s == RO_BYTES * 1 + DATA_BYTES * 2 ? 'y' : 'n'; // execbench checks
  write(ready, &c, 1);
  while (read(hold, &c, 1) > 0)
    ;
  exit(0);
}
