// echo: print the arguments, separated by single blanks, and a newline.
//
// Invariant: the whole line goes out in one write() when it fits the
// buffer, so echoes from concurrent processes do not mix mid-line.
#include "kernel/types.h"
#include "user/user.h"

static char line[512];
static int n; // bytes of line[] not yet written

static void put(char c) {
  if (n == sizeof(line)) {
    write(1, line, n);
    n = 0;
  }
  line[n++] = c;
}

int main(int argc, char *argv[]) {
  for (int i = 1; i < argc; i++) {
    for (const char *s = argv[i]; *s; s++)
      put(*s);
    put(i + 1 < argc ? ' ' : '\n');
  }
  if (argc < 2)
    put('\n');
  return write(1, line, n) != n;
}
