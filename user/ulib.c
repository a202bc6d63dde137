// The small C library every user program links with: the program entry
// point, string and memory helpers, line input, stat(), and the
// counter CSRs.
//
// Invariant: nothing here keeps state between calls, and nothing here
// allocates; each helper is a plain loop over the caller's memory, so it
// is safe to use from any program, including init and the shell.
#include "kernel/types.h"
#include "kernel/stat.h"
#include "kernel/fcntl.h"
#include "user/user.h"

int main(int argc, char *argv[]);

// exec() enters here with argc in a0 and argv in a1. Returning from main
// is the same as calling exit() with its value, so programs need not end
// with an explicit exit(0).
void start(int argc, char *argv[]) {
  exit(main(argc, argv));
}

char *strcpy(char *dst, const char *src) {
  char *d = dst;
  while ((*d++ = *src++) != 0)
    ;
  return dst;
}

int strcmp(const char *p, const char *q) {
  while (*p && *p == *q) {
    p++;
    q++;
  }
  return (uchar)*p - (uchar)*q;
}

uint strlen(const char *s) {
  uint n = 0;
  while (s[n])
    n++;
  return n;
}

void *memset(void *dst, int c, uint n) {
  char *d = dst;
  for (uint i = 0; i < n; i++)
    d[i] = c;
  return dst;
}

char *strchr(const char *s, char c) {
  for (; *s; s++)
    if (*s == c)
      return (char *)s;
  return 0;
}

// Read one line (up to and including '\n' or '\r') from fd 0 into buf,
// at most max-1 bytes, always NUL-terminated. At end of input buf is ""
// -- the shell relies on that to tell EOF from an empty line ("\n").
char *gets(char *buf, int max) {
  int i = 0;
  while (i + 1 < max) {
    char c;
    if (read(0, &c, 1) < 1)
      break;
    buf[i++] = c;
    if (c == '\n' || c == '\r')
      break;
  }
  buf[i] = 0;
  return buf;
}

int stat(const char *path, struct stat *st) {
  int fd = open(path, O_RDONLY);
  if (fd < 0)
    return -1;
  int r = fstat(fd, st);
  close(fd);
  return r;
}

// Decimal, with an optional leading '-'; stops at the first non-digit.
int atoi(const char *s) {
  int sign = 1, n = 0;
  if (*s == '-') {
    sign = -1;
    s++;
  }
  while (*s >= '0' && *s <= '9')
    n = n * 10 + (*s++ - '0');
  return sign * n;
}

// Copies correctly even when the ranges overlap: forwards when the
// destination is below the source, backwards otherwise.
void *memmove(void *dst, const void *src, int n) {
  char *d = dst;
  const char *s = src;
  if (d < s) {
    while (n-- > 0)
      *d++ = *s++;
  } else {
    d += n;
    s += n;
    while (n-- > 0)
      *--d = *--s;
  }
  return dst;
}

int memcmp(const void *a, const void *b, uint n) {
  const uchar *p = a, *q = b;
  for (uint i = 0; i < n; i++)
    if (p[i] != q[i])
      return p[i] - q[i];
  return 0;
}

// The compiler may emit calls to memcpy for struct copies; it must exist.
void *memcpy(void *dst, const void *src, uint n) {
  return memmove(dst, src, n);
}

// The counters below are readable from U-mode only because the kernel
// grants it in scounteren; they cost no system call.
uint64 rdtime(void) {
  uint64 x;
  __asm__ volatile("rdtime %0" : "=r"(x));
  return x;
}

uint64 rdcycle(void) {
  uint64 x;
  __asm__ volatile("rdcycle %0" : "=r"(x));
  return x;
}

uint64 rdinstret(void) {
  uint64 x;
  __asm__ volatile("rdinstret %0" : "=r"(x));
  return x;
}

// spawn() file actions: an ordered list the kernel applies in the child.
void spawn_actions_init(struct spawn_actions *sa) { sa->n = 0; }

static struct spawn_action *spawn_add(struct spawn_actions *sa, int op, int fd) {
  if (sa->n >= SPAWN_MAX_ACTIONS)
    return 0;
  struct spawn_action *a = &sa->a[sa->n++];
  memset(a, 0, sizeof(*a));
  a->op = op;
  a->fd = fd;
  return a;
}

int spawn_add_open(struct spawn_actions *sa, int fd, const char *path, int omode) {
  struct spawn_action *a = spawn_add(sa, SPAWN_OPEN, fd);
  if (a == 0)
    return -1;
  a->path = path;
  a->omode = omode;
  return 0;
}

int spawn_add_close(struct spawn_actions *sa, int fd) {
  return spawn_add(sa, SPAWN_CLOSE, fd) ? 0 : -1;
}

int spawn_add_dup2(struct spawn_actions *sa, int fd, int newfd) {
  struct spawn_action *a = spawn_add(sa, SPAWN_DUP2, fd);
  if (a == 0)
    return -1;
  a->newfd = newfd;
  return 0;
}
