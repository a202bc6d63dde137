// cmocka unit tests for mkfs/diskfmt.c, the disk-format encoding that mkfs
// writes and fsck reads. Blocks are heap blocks of exactly BSIZE bytes,
// so ASan catches a bit or count written outside its block.
// Built with ASan/UBSan by tests/host_check.py.
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mkfs/diskfmt.h"
#include "kernel/param.h"

static void little_endian_fields(void **state) {
  (void)state;
  uchar b[4];
  uint v = le32(0x11223344);
  memcpy(b, &v, 4);
  assert_memory_equal(b, "\x44\x33\x22\x11", 4);
  ushort h = le16(0xabcd);
  memcpy(b, &h, 2);
  assert_memory_equal(b, "\xcd\xab", 2);
  assert_int_equal(le32(le32(0xdeadbeef)), 0xdeadbeef);
  assert_int_equal(get32((const uchar *)"\x44\x33\x22\x11"), 0x11223344);
  assert_int_equal(get32((const uchar *)"\xff\xff\xff\xff"), 0xffffffffu); // no sign
  assert_int_equal(get16((const uchar *)"\xcd\xab"), 0xabcd);
}

// The default image: 200,000 blocks (as the MIT fs lab's, so that its
// bigfile and xv6's usertests fit in one boot), mkfs's 1,200 inodes (8 per
// block; a smaller image gets 200), a log of 128 blocks (commit=group
// commits at three-quarters of it).
static void layout_default_image(void **state) {
  (void)state;
  assert_int_equal(FSSIZE, 200000);
  assert_int_equal(LOGBLOCKS, 128);
  assert_int_equal(IPB, 8);
  struct superblock sb;
  memset(&sb, 0xAA, sizeof(sb));
  layout_plan(&sb, 200000, 1200);
  assert_int_equal(sb.magic, FSMAGIC);
  assert_int_equal(sb.size, 200000);
  assert_int_equal(sb.ninodes, 1200);
  assert_int_equal(sb.logstart, 2);
  assert_int_equal(sb.nlog, 129);       // header + 128
  assert_int_equal(sb.inodestart, 131); // 1200 / 8 + 1 = 151 blocks
  assert_int_equal(sb.bmapstart, 282);  // 200000 / 8192 + 1 = 25 blocks
  assert_int_equal(sb.refstart, 307);   // 200000 / 512 + 1 = 391 blocks
  assert_int_equal(sb.nblocks, 200000 - 698);
  assert_int_equal(sb.norphan, 0);
  assert_int_equal(layout_meta(200000, 1200), 307 + 391);
}

// One spare block per area: a whole bitmap block more at every BPB blocks.
static void layout_spare_blocks(void **state) {
  (void)state;
  assert_int_equal(layout_meta(100, 200), 159); // mkfs -s 100 says so
  assert_int_equal(layout_meta(BPB - 1, 200), 2 + 129 + 26 + 1 + 16); // 8191 / 512 = 15
  assert_int_equal(layout_meta(BPB, 200), 2 + 129 + 26 + 2 + 17);
  struct superblock a, b;
  layout_plan(&a, BPB - 1, 8);
  layout_plan(&b, BPB, 8);
  assert_int_equal(b.refstart - b.bmapstart, 2); // 8192 / 8192 + 1
  assert_int_equal(a.refstart - a.bmapstart, 1);
  assert_int_equal(a.inodestart + 2, a.bmapstart); // 8 / 8 + 1 inode blocks
}

static void bitmap_bits(void **state) {
  (void)state;
  uchar *bmap = calloc(1, BSIZE);
  uint set[] = {0, 7, 8, BPB - 1, BPB + 3};
  for (int i = 0; i < 5; i++)
    bitmap_set(bmap, set[i]);
  assert_int_equal(bmap[0], 0x89); // bits 0, 3 (BPB + 3 is bit 3 of its own block) and 7
  assert_int_equal(bmap[1], 0x01);
  assert_int_equal(bmap[BSIZE - 1], 0x80);
  for (uint i = 2; i < BSIZE - 1; i++)
    assert_int_equal(bmap[i], 0);
  assert_int_equal(bitmap_get(bmap, 0), 1);
  assert_int_equal(bitmap_get(bmap, 1), 0);
  assert_int_equal(bitmap_get(bmap, 8), 1);
  assert_int_equal(bitmap_get(bmap, 9), 0);
  assert_int_equal(bitmap_get(bmap, BPB - 1), 1);
  assert_int_equal(bitmap_get(bmap, 2 * BPB + 8), 1); // same bit, another block's number
  free(bmap);
}

static void refcount_slots(void **state) {
  (void)state;
  uchar *refs = calloc(1, BSIZE);
  refcount_put(refs, 0, 1);
  refcount_put(refs, RPB + 1, 0x1234); // slot 1 of its own block
  refcount_put(refs, RPB - 1, 0xffff);
  assert_memory_equal(refs, "\x01\x00\x34\x12", 4);
  assert_memory_equal(refs + BSIZE - 2, "\xff\xff", 2);
  assert_int_equal(refcount_get(refs, 0), 1);
  assert_int_equal(refcount_get(refs, 1), 0x1234);
  assert_int_equal(refcount_get(refs, 2), 0);
  assert_int_equal(refcount_get(refs, RPB - 1), 0xffff);
  refcount_put(refs, 0, 0);
  assert_int_equal(refcount_get(refs, 0), 0);
  free(refs);
}

static void dirent_packing(void **state) {
  (void)state;
  assert_int_equal(sizeof(struct dirent), 16);
  uchar *de = malloc(sizeof(struct dirent));
  memset(de, 0xAA, sizeof(struct dirent));
  dirent_pack(de, "cat", 0x1234);
  assert_memory_equal(de, "\x34\x12" "cat\0\0\0\0\0\0\0\0\0\0\0", 16);
  assert_int_equal(dirent_inum(de), 0x1234);
  dirent_pack(de, "abcdefghijklmn", 1); // DIRSIZ bytes: no NUL
  assert_memory_equal(de, "\x01\x00" "abcdefghijklmn", 16);
  dirent_pack(de, ".", 0);
  assert_int_equal(dirent_inum(de), 0);
  assert_memory_equal(de + 2, ".\0\0\0\0\0\0\0\0\0\0\0\0\0", 14);
  free(de);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(little_endian_fields), cmocka_unit_test(layout_default_image),
      cmocka_unit_test(layout_spare_blocks),  cmocka_unit_test(bitmap_bits),
      cmocka_unit_test(refcount_slots),       cmocka_unit_test(dirent_packing),
  };
  return cmocka_run_group_tests(tests, 0, 0);
}
