// cmocka unit tests for kernel/fs/path.c: skipelem, which namex calls once
// per path element. Built with ASan/UBSan by tests/host_check.py; name
// buffers are exactly DIRSIZ bytes, so a write past them is caught.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "kernel/types.h"
#include "kernel/fs.h"
#include "kernel/fs/path.h"

// skipelem on a heap copy of path (so ASan sees its end); returns the
// offset of the rest in path, or -1 for "no element". name gets the
// element, DIRSIZ bytes, 0xAA where skipelem did not write.
static long split(const char *path, char *name) {
  size_t len = strlen(path) + 1;
  char *copy = malloc(len);
  memcpy(copy, path, len);
  memset(name, 0xAA, DIRSIZ);
  char *rest = skipelem(copy, name);
  long off = rest ? rest - copy : -1;
  free(copy);
  return off;
}

static char *name_buf(void) { return malloc(DIRSIZ); }

static void simple_elements(void **state) {
  (void)state;
  char *name = name_buf();
  assert_int_equal(split("a/bb/c", name), 2);
  assert_string_equal(name, "a");
  assert_int_equal(split("bb/c", name), 3);
  assert_string_equal(name, "bb");
  assert_int_equal(split("c", name), 1); // the rest is "": the last element
  assert_string_equal(name, "c");
  free(name);
}

static void repeated_slashes(void **state) {
  (void)state;
  char *name = name_buf();
  assert_int_equal(split("///a//bb", name), 6); // rest "bb"
  assert_string_equal(name, "a");
  assert_int_equal(split("a///", name), 4); // trailing slashes skipped: rest ""
  assert_string_equal(name, "a");
  assert_int_equal(split("/.././x", name), 4); // "." and ".." are plain names here
  assert_string_equal(name, "..");
  free(name);
}

static void no_element(void **state) {
  (void)state;
  char *name = name_buf();
  assert_int_equal(split("", name), -1);
  assert_int_equal(split("/", name), -1);
  assert_int_equal(split("////", name), -1);
  assert_int_equal((uchar)name[0], 0xAA); // name untouched
  free(name);
}

static void long_names_cut_to_dirsiz(void **state) {
  (void)state;
  char *name = name_buf();
  assert_int_equal(DIRSIZ, 14);
  assert_int_equal(split("abcdefghijklm/x", name), 14); // 13 bytes: fits with its NUL
  assert_string_equal(name, "abcdefghijklm");
  assert_int_equal(split("abcdefghijklmn/x", name), 15); // exactly DIRSIZ: no NUL
  assert_memory_equal(name, "abcdefghijklmn", DIRSIZ);
  assert_int_equal(split("abcdefghijklmnopqrstuvwxyz//x", name), 28); // cut, rest "x"
  assert_memory_equal(name, "abcdefghijklmn", DIRSIZ);
  free(name);
}

// Walking a whole path element by element, as namex does.
static void walk_whole_path(void **state) {
  (void)state;
  char path[] = "/usr//lib/x/";
  const char *want[] = {"usr", "lib", "x"};
  char *name = name_buf(), *p = path;
  int n = 0;
  while ((p = skipelem(p, name)) != 0) {
    assert_true(n < 3);
    assert_string_equal(name, want[n]);
    n++;
  }
  assert_int_equal(n, 3);
  free(name);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(simple_elements), cmocka_unit_test(repeated_slashes),
      cmocka_unit_test(no_element),      cmocka_unit_test(long_names_cut_to_dirsiz),
      cmocka_unit_test(walk_whole_path),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
