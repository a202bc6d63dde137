// cmocka unit tests for kernel/lib/string.c: memmove and memset, whose
// word loops run only for some alignments and lengths. Every src/dst
// alignment pair, lengths around the word boundaries, and both directions
// of overlap are checked against a byte-at-a-time model, in buffers that
// ASan bounds (tests/host_check.py renames the kernel's routines
// kernel_memmove etc., so the host's serve cmocka).
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

void *kernel_memmove(void *dst, const void *src, unsigned n);
void *kernel_memset(void *dst, int c, unsigned n);

#define SIZE 160 // room for offsets up to 15, a length up to 80 and its overlap
#define MAXLEN 80

static void fill(unsigned char *b, int seed) {
  for (int i = 0; i < SIZE; i++)
    b[i] = (unsigned char)(i * 7 + seed);
}

// What memmove must leave in b: the bytes of src copied as if through a
// temporary buffer, everything else untouched.
static void model_move(unsigned char *b, int dst, int src, int n) {
  unsigned char tmp[MAXLEN];
  for (int i = 0; i < n; i++)
    tmp[i] = b[src + i];
  for (int i = 0; i < n; i++)
    b[dst + i] = tmp[i];
}

// Two separate buffers, every alignment of each, every length to MAXLEN.
static void move_disjoint(void **state) {
  (void)state;
  unsigned char *src = malloc(SIZE), *dst = malloc(SIZE), *want = malloc(SIZE);
  for (int so = 0; so < 16; so++)
    for (int d = 0; d < 16; d++)
      for (int n = 0; n <= MAXLEN; n++) {
        fill(src, 1);
        fill(dst, 2);
        fill(want, 2);
        memcpy(want + d, src + so, n);
        assert_ptr_equal(kernel_memmove(dst + d, src + so, n), dst + d);
        assert_memory_equal(dst, want, SIZE);
      }
  free(src);
  free(dst);
  free(want);
}

// One buffer, dst and src at every pair of offsets up to 40 apart: dst
// before src, after it (inside the source: the backward copy) and equal.
static void move_overlapping(void **state) {
  (void)state;
  unsigned char *b = malloc(SIZE), *want = malloc(SIZE);
  for (int s = 0; s <= 40; s++)
    for (int d = 0; d <= 40; d++)
      for (int n = 0; n <= MAXLEN; n += 3) {
        fill(b, 3);
        fill(want, 3);
        model_move(want, d, s, n);
        kernel_memmove(b + d, b + s, n);
        assert_memory_equal(b, want, SIZE);
      }
  free(b);
  free(want);
}

// memset at every alignment and length, including the word-loop case
// (aligned, a multiple of 32 bytes).
static void set_every_shape(void **state) {
  (void)state;
  unsigned char *b = malloc(SIZE), *want = malloc(SIZE);
  for (int d = 0; d < 16; d++)
    for (int n = 0; n <= 128; n++) {
      fill(b, 4);
      fill(want, 4);
      memset(want + d, 0xC5, n);
      assert_ptr_equal(kernel_memset(b + d, 0x1C5, n), b + d); // only the low byte counts
      assert_memory_equal(b, want, SIZE);
    }
  free(b);
  free(want);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(move_disjoint),
      cmocka_unit_test(move_overlapping),
      cmocka_unit_test(set_every_shape),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
