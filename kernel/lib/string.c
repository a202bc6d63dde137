// Memory and string routines. The kernel is freestanding, so it brings
// its own; the compiler may also emit calls to memset/memcpy itself.
#include "kernel/lib/string.h"

// A word that may alias any other type: the word loops below read and
// write bytes of whatever the caller's buffers hold.
typedef uint64 __attribute__((may_alias)) word;

// Word stores when dst and n allow: zeroing a page is on the fork path.
void *memset(void *dst, int c, uint n) {
  uchar *d = dst;
  if (((uint64)d % 8) == 0 && n % 32 == 0) {
    word w = (uchar)c * 0x0101010101010101UL;
    word *p = (word *)d;
    for (uint i = 0; i < n / 8; i += 4) {
      p[i] = w;
      p[i + 1] = w;
      p[i + 2] = w;
      p[i + 3] = w;
    }
    return dst;
  }
  for (uint i = 0; i < n; i++)
    d[i] = c;
  return dst;
}

int memcmp(const void *a, const void *b, uint n) {
  const uchar *p = a, *q = b;
  for (uint i = 0; i < n; i++)
    if (p[i] != q[i])
      return p[i] - q[i];
  return 0;
}

// Overlap-safe: copy backwards when dst lies inside [src, src+n). A
// forward copy between buffers with the same alignment mod 8 moves words:
// read() and exec copy file blocks into user pages through here, and a
// byte loop costs them about five instructions a byte (exec's loading of
// the program was a tenth of a fork+exec+wait).
void *memmove(void *dst, const void *src, uint n) {
  const uchar *s = src;
  uchar *d = dst;
  if (s < d && s + n > d) {
    while (n-- > 0)
      d[n] = s[n];
    return dst;
  }
  if ((((uint64)s ^ (uint64)d) & 7) == 0) {
    for (; n > 0 && (uint64)d % 8; n--)
      *d++ = *s++;
    for (; n >= 8; n -= 8, d += 8, s += 8)
      *(word *)d = *(const word *)s;
  }
  for (uint i = 0; i < n; i++)
    d[i] = s[i];
  return dst;
}

void *memcpy(void *dst, const void *src, uint n) { return memmove(dst, src, n); }

int strncmp(const char *p, const char *q, uint n) {
  for (; n > 0 && *p && *p == *q; n--, p++, q++)
    ;
  return n == 0 ? 0 : (uchar)*p - (uchar)*q;
}

char *strncpy(char *s, const char *t, int n) {
  char *os = s;
  for (; n > 0 && *t; n--)
    *s++ = *t++;
  for (; n > 0; n--)
    *s++ = 0;
  return os;
}

char *safestrcpy(char *s, const char *t, int n) {
  char *os = s;
  if (n <= 0)
    return os;
  for (; n > 1 && *t; n--)
    *s++ = *t++;
  *s = 0;
  return os;
}

int strlen(const char *s) {
  int n = 0;
  while (s[n])
    n++;
  return n;
}
