// chmod MODE FILE...: set each file's mode to MODE, an octal number such
// as 644, 755 or 4755 (setuid). Only the owner or root may.
#include "kernel/types.h"
#include "kernel/stat.h"
#include "user/user.h"

// The octal number s, or -1 if s is not one or is out of range.
static int parse_mode(const char *s) {
  int m = 0;
  if (*s == 0)
    return -1;
  for (; *s; s++) {
    if (*s < '0' || *s > '7')
      return -1;
    m = m * 8 + (*s - '0');
    if (m > 07777)
      return -1;
  }
  return m;
}

int main(int argc, char *argv[]) {
  int mode;
  if (argc < 3 || (mode = parse_mode(argv[1])) < 0) {
    fprintf(2, "usage: chmod MODE FILE... (MODE in octal, e.g. 644)\n");
    return 1;
  }
  int status = 0;
  for (int i = 2; i < argc; i++) {
    if (chmod(argv[i], mode) < 0) {
      fprintf(2, "chmod: cannot change %s\n", argv[i]);
      status = 1;
    }
  }
  return status;
}
