// Formatted output for user programs: fprintf(fd, ...) and printf(...).
//
// Each call formats into a small buffer on its own stack and hands the
// text to write() in as few pieces as possible -- one, unless the output
// is longer than the buffer. Several processes printing at once thus
// interleave whole messages, not single characters.
//
// Invariant: a struct outbuf holds only bytes not yet written, and every
// call flushes it before returning, so nothing is ever left behind.
//
// Conversions: %d %i %u %x %p %s %c %%, with l or ll before d, i, u or x
// for 64-bit values. An unknown conversion is printed as written.
#include <stdarg.h>

#include "kernel/types.h"
#include "user/user.h"

struct outbuf {
  int fd;
  int n;
  char buf[128];
};

static void flush(struct outbuf *o) {
  if (o->n > 0)
    write(o->fd, o->buf, o->n);
  o->n = 0;
}

static void out_char(struct outbuf *o, char c) {
  if (o->n == sizeof(o->buf))
    flush(o);
  o->buf[o->n++] = c;
}

static void out_str(struct outbuf *o, const char *s) {
  while (*s)
    out_char(o, *s++);
}

// Print x in the given base; `neg` asks for a leading '-'. The digits come
// out least significant first, so they are collected and then reversed.
static void out_num(struct outbuf *o, uint64 x, int base, int neg) {
  static const char digits[] = "0123456789abcdef";
  char tmp[24];
  int i = 0;
  do {
    tmp[i++] = digits[x % base];
    x /= base;
  } while (x != 0);
  if (neg)
    tmp[i++] = '-';
  while (--i >= 0)
    out_char(o, tmp[i]);
}

// A signed value arrives as int64; print its magnitude as unsigned, which
// also handles the most negative number (whose negation overflows int64).
static void out_signed(struct outbuf *o, long v) {
  if (v < 0)
    out_num(o, -(uint64)v, 10, 1);
  else
    out_num(o, v, 10, 0);
}

// Handle one conversion character c with `longs` l's before it.
static void convert(struct outbuf *o, char c, int longs, va_list *ap) {
  switch (c) {
  case 'd':
  case 'i':
    out_signed(o, longs ? va_arg(*ap, long) : va_arg(*ap, int));
    break;
  case 'u':
    out_num(o, longs ? va_arg(*ap, uint64) : va_arg(*ap, uint), 10, 0);
    break;
  case 'x':
    out_num(o, longs ? va_arg(*ap, uint64) : va_arg(*ap, uint), 16, 0);
    break;
  case 'p':
    out_str(o, "0x");
    out_num(o, (uint64)va_arg(*ap, void *), 16, 0);
    break;
  case 's': {
    const char *s = va_arg(*ap, const char *);
    out_str(o, s ? s : "(null)");
    break;
  }
  case 'c':
    out_char(o, va_arg(*ap, int));
    break;
  case '%':
    out_char(o, '%');
    break;
  default:
    // Unknown: echo it back so the mistake is visible in the output.
    out_char(o, '%');
    while (longs-- > 0)
      out_char(o, 'l');
    out_char(o, c);
  }
}

static void format(int fd, const char *fmt, va_list *ap) {
  struct outbuf o = {.fd = fd, .n = 0};
  for (const char *f = fmt; *f; f++) {
    if (*f != '%') {
      out_char(&o, *f);
      continue;
    }
    int longs = 0;
    while (f[1] == 'l') {
      longs++;
      f++;
    }
    if (f[1] == 0) // a lone '%' at the very end
      break;
    f++;
    convert(&o, *f, longs, ap);
  }
  flush(&o);
}

void fprintf(int fd, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  format(fd, fmt, &ap);
  va_end(ap);
}

void printf(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  format(1, fmt, &ap);
  va_end(ap);
}

// Print s right-aligned in a column of width w: printf has no field
// widths, and the benchmark and demo programs print tables.
void column(const char *s, int w) {
  for (int n = strlen(s); n < w; n++)
    write(1, " ", 1);
  printf("%s", s);
}

void column_num(uint64 v, int w) {
  char buf[24];
  int i = sizeof(buf) - 1;
  buf[i] = 0;
  do {
    buf[--i] = '0' + v % 10;
    v /= 10;
  } while (v);
  column(buf + i, w);
}
