// wc: count lines, words and bytes of each named file, or of standard
// input, printing "lines words bytes name" per input.
//
// Invariant: a word is a maximal run of non-blank bytes, so the counts
// do not depend on how read() happens to split the input: the in-word
// state carries over from one buffer to the next.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

static char buf[512];

static int is_blank(char c) {
  return strchr(" \r\t\n\v", c) != 0;
}

// Returns 0, or -1 after reporting a read error.
static int wc(int fd, const char *name) {
  int lines = 0, words = 0, bytes = 0, inword = 0;
  int n;
  while ((n = read(fd, buf, sizeof(buf))) > 0) {
    for (int i = 0; i < n; i++) {
      bytes++;
      if (buf[i] == '\n')
        lines++;
      if (is_blank(buf[i])) {
        inword = 0;
      } else if (!inword) {
        words++;
        inword = 1;
      }
    }
  }
  if (n < 0) {
    fprintf(2, "wc: read error\n");
    return -1;
  }
  printf("%d %d %d %s\n", lines, words, bytes, name);
  return 0;
}

int main(int argc, char *argv[]) {
  if (argc < 2)
    return wc(0, "") < 0;

  int status = 0;
  for (int i = 1; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "wc: cannot open %s\n", argv[i]);
      status = 1;
      continue;
    }
    if (wc(fd, argv[i]) < 0)
      status = 1;
    close(fd);
  }
  return status;
}
