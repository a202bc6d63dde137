// grep: print the lines of the named files (or standard input) that
// match a simple regular expression.
//
// Expressions: c matches itself, . matches any character, x* matches
// zero or more of the preceding x, a leading ^ anchors the match at the
// start of the line and a trailing $ at its end. A match may start
// anywhere in the line unless anchored.
//
// Invariant: a line is matched only once it is complete (its newline has
// been read, or the input ended, or it filled the whole buffer), and each
// matching line is printed once, with a newline.
#include "kernel/types.h"
#include "kernel/fcntl.h"
#include "user/user.h"

static int match_here(const char *re, const char *text);

// Can pattern character r consume text character t?
static int char_ok(char r, char t) {
  return t != 0 && (r == '.' || r == t);
}

// c* at the start of the pattern: try the rest of the pattern after
// zero copies of c, then one, then two, ... as long as text supplies them.
static int match_star(char c, const char *re, const char *text) {
  for (;;) {
    if (match_here(re, text))
      return 1;
    if (!char_ok(c, *text))
      return 0;
    text++;
  }
}

// Does re match a prefix of text?
static int match_here(const char *re, const char *text) {
  for (;;) {
    if (re[0] == 0)
      return 1;
    if (re[1] == '*')
      return match_star(re[0], re + 2, text);
    if (re[0] == '$' && re[1] == 0)
      return *text == 0;
    if (!char_ok(re[0], *text))
      return 0;
    re++;
    text++;
  }
}

// Does re match anywhere in text?
static int match(const char *re, const char *text) {
  if (re[0] == '^')
    return match_here(re + 1, text);
  for (;; text++) {
    if (match_here(re, text))
      return 1;
    if (*text == 0)
      return 0;
  }
}

static char buf[1024];

// Print line (NUL-terminated, without its newline) if it matches.
static void check_line(const char *re, char *line) {
  if (!match(re, line))
    return;
  int n = strlen(line);
  line[n] = '\n'; // reuse the NUL's byte, so the line goes out in one write
  write(1, line, n + 1);
}

// Returns 0, or -1 after a read error.
static int grep(const char *re, int fd) {
  int have = 0; // bytes of an unfinished line at the front of buf
  for (;;) {
    // Leave one byte spare for a terminating NUL.
    int n = read(fd, buf + have, sizeof(buf) - 1 - have);
    if (n < 0)
      return -1;
    if (n == 0)
      break;
    have += n;
    char *line = buf;
    char *nl;
    buf[have] = 0;
    while ((nl = strchr(line, '\n')) != 0) {
      *nl = 0;
      check_line(re, line);
      line = nl + 1;
    }
    have -= line - buf;
    memmove(buf, line, have);
    if (have == sizeof(buf) - 1) { // one line fills the buffer: take it as is
      buf[have] = 0;
      check_line(re, buf);
      have = 0;
    }
  }
  if (have > 0) { // last line had no newline
    buf[have] = 0;
    check_line(re, buf);
  }
  return 0;
}

int main(int argc, char *argv[]) {
  if (argc < 2) {
    fprintf(2, "usage: grep pattern [file ...]\n");
    return 1;
  }
  const char *re = argv[1];
  if (argc == 2)
    return grep(re, 0) < 0;

  int status = 0;
  for (int i = 2; i < argc; i++) {
    int fd = open(argv[i], O_RDONLY);
    if (fd < 0) {
      fprintf(2, "grep: cannot open %s\n", argv[i]);
      status = 1;
      continue;
    }
    if (grep(re, fd) < 0) {
      fprintf(2, "grep: read error on %s\n", argv[i]);
      status = 1;
    }
    close(fd);
  }
  return status;
}
