// cmocka unit tests for mkfs/dirrules.c: the names mkfs stores, the names
// and places fsck accepts, fsck's duplicate-name and link-count checks.
// On-disk names are heap blocks of exactly DIRSIZ bytes, so a comparison
// that reads past the entry is caught. Built with ASan/UBSan by
// tests/host_check.py.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mkfs/dirrules.h"

// An on-disk name: the first n bytes of s, then zeros, DIRSIZ in all.
static uchar *disk_name(const char *s, size_t n) {
  uchar *name = calloc(1, DIRSIZ);
  memcpy(name, s, n);
  return name;
}

static void mkfs_image_names(void **state) {
  (void)state;
  assert_string_equal(image_name("user/_ls"), "ls");
  assert_string_equal(image_name("_ls"), "ls");
  assert_string_equal(image_name("build/README"), "README");
  assert_string_equal(image_name("a/__x"), "_x"); // one '_' only
  assert_string_equal(image_name("dir/"), "");
  assert_string_equal(image_name("x/_"), "");
}

static void mkfs_name_faults(void **state) {
  (void)state;
  assert_string_equal(image_name_fault(""), "empty");
  assert_string_equal(image_name_fault("."), "reserved");
  assert_string_equal(image_name_fault(".."), "reserved");
  assert_null(image_name_fault("..."));
  assert_string_equal(image_name_fault("a/b"), "slash");
  assert_null(image_name_fault("abcdefghijklmn")); // DIRSIZ: fits
  assert_string_equal(image_name_fault("abcdefghijklmno"), "long");
}

static void fsck_name_faults(void **state) {
  (void)state;
  struct {
    const char *bytes;
    size_t n;
    const char *fault;
  } cases[] = {
      {"", 0, "is empty"},
      {"a/b", 3, "contains '/'"},
      {"ab\0c", 4, "is not NUL-padded"},
      {"ab\0/", 4, "is not NUL-padded"}, // the '/' lies past the name
      {"abcdefghijklmn", 14, 0},         // DIRSIZ long, no NUL
      {"ok", 2, 0},
      {"abcdefghijklm/", 14, "contains '/'"},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    uchar *name = disk_name(cases[i].bytes, cases[i].n);
    const char *got = name_fault(name);
    if (cases[i].fault)
      assert_string_equal(got, cases[i].fault);
    else
      assert_null(got);
    free(name);
  }
}

static void names_compare_dirsiz_bytes(void **state) {
  (void)state;
  uchar *full = disk_name("abcdefghijklmn", 14);
  assert_true(name_is(full, "abcdefghijklmn"));
  assert_true(name_is(full, "abcdefghijklmnXYZ")); // the kernel cuts path elements so
  assert_false(name_is(full, "abcdefghijklm"));
  free(full);
  uchar *dot = disk_name(".", 1);
  assert_true(name_is(dot, "."));
  assert_false(name_is(dot, ".."));
  free(dot);
}

static void dot_entries_in_place(void **state) {
  (void)state;
  uchar *dot = disk_name(".", 1), *dotdot = disk_name("..", 2), *x = disk_name("x", 1),
        *dots = disk_name("...", 3);
  assert_string_equal(entry_want(0), ".");
  assert_string_equal(entry_want(1), "..");
  assert_null(entry_want(2));
  assert_false(entry_misplaced(0, dot));
  assert_true(entry_misplaced(0, dotdot));
  assert_false(entry_misplaced(1, dotdot));
  assert_true(entry_misplaced(1, x));
  assert_true(entry_misplaced(2, dot));
  assert_true(entry_misplaced(7, dotdot));
  assert_false(entry_misplaced(2, dots));
  assert_false(entry_misplaced(7, x));
  free(dot);
  free(dotdot);
  free(x);
  free(dots);
}

static struct named entry(const char *s, size_t n, uint k) {
  struct named e;
  memset(&e, 0, sizeof(e));
  memcpy(e.name, s, n);
  e.k = k;
  return e;
}

static void duplicate_names(void **state) {
  (void)state;
  struct named v[] = {entry("b", 1, 2), entry("a", 1, 3), entry("b", 1, 4),
                      entry("c", 1, 5), entry("b", 1, 7), entry("a", 1, 9)};
  uint dup[6];
  assert_int_equal(names_duplicates(v, 6, dup), 3);
  // Sorted: a3 a9 b2 b4 b7 c5; each duplicate is reported with the one before it.
  uint want[3][2] = {{3, 9}, {2, 4}, {4, 7}};
  for (int j = 0; j < 3; j++) {
    assert_int_equal(v[dup[j] - 1].k, want[j][0]);
    assert_int_equal(v[dup[j]].k, want[j][1]);
  }
  assert_int_equal(names_duplicates(v, 0, dup), 0);
}

// Names are equal only if all DIRSIZ bytes are.
static void duplicates_need_every_byte(void **state) {
  (void)state;
  struct named v[] = {entry("abcdefghijklmn", 14, 2), entry("abcdefghijklmo", 14, 3),
                      entry("ab", 2, 4), entry("ab\0x", 4, 5)};
  uint dup[4];
  assert_int_equal(names_duplicates(v, 4, dup), 0);
  v[1] = entry("abcdefghijklmn", 14, 3);
  assert_int_equal(names_duplicates(v, 4, dup), 1);
}

static void link_counts(void **state) {
  (void)state;
  assert_true(nlink_matches(1, 1));
  assert_true(nlink_matches(0, 0));
  assert_false(nlink_matches(2, 1));
  assert_false(nlink_matches(1, 2));
  assert_false(nlink_matches(-1, 0xffffffffu)); // not equal as unsigned numbers
  assert_false(nlink_matches(-32768, 32768));    // the overflowed count of issue 13
  assert_true(nlink_matches(32767, 32767));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(mkfs_image_names),      cmocka_unit_test(mkfs_name_faults),
      cmocka_unit_test(fsck_name_faults),      cmocka_unit_test(names_compare_dirsiz_bytes),
      cmocka_unit_test(dot_entries_in_place),  cmocka_unit_test(duplicate_names),
      cmocka_unit_test(duplicates_need_every_byte), cmocka_unit_test(link_counts),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
