"""Host-side checks of the file-system checker (mkfs/fsck.c), no QEMU needed.

Owns: the contract of docs/fsck.md -- fsck says clean (exit 0) exactly when
an image keeps calf's on-disk invariants, names each broken one on its own
line (exit 1), and exits 2 when it cannot check at all. Every case starts
from an image that mkfs built (with a file that reaches the doubly
indirect block), edits it here the way the kernel would (a clone, a
subdirectory, a committed log) or the way a bug would (a wrong count, a
stray pointer), and asserts fsck's exit status and the exact problem
lines. A last case flips random bytes in the metadata and asserts fsck
never crashes.

Images are edited with the struct module from the layout in kernel/fs.h
(constants and parsing shared with tests/mkfs_check.py), not through
fsck's own code, so a bug in fsck cannot hide behind the same bug here.

Run by make test (tests/conftest.py); alone: make test T=fsck-. env MKFS,
FSCK = paths to built tools; otherwise compiled afresh.
"""

import os
import random
import re
import struct
import subprocess

from tests.mkfs_check import (BSIZE, DINODE, DIRENT_SIZE, DIRSIZ, LOGBLOCKS, NDIRECT,
                        NINDIRECT, NORPHAN, ROOTINO, RPB, SMALL, SUPERBLOCK, T_DIR, T_FILE,
                        Image, build_tool)
from tests.kit import CheckFailed, expect, sandbox

IPB = BSIZE // DINODE.size
DPB = BSIZE // DIRENT_SIZE  # directory entries per block
# Byte offsets of struct dinode's fields (see DINODE in mkfs_check.py).
I_TYPE, I_NLINK, I_SIZE, I_ADDRS = 0, 6, 8, 12
SB_FIELDS = ["magic", "size", "nblocks", "ninodes", "nlog", "logstart",
             "inodestart", "bmapstart", "refstart"]

# The files mkfs puts in every case's image: name in the image -> contents.
BIG_BLOCKS = NDIRECT + NINDIRECT + NINDIRECT + 10  # two indirect blocks under the doubly
FILES = {
    "README": b"calf keeps a reference count per block.\n" * 40,
    "big": random.Random(1).randbytes(BIG_BLOCKS * BSIZE + 100),
    "_prog": b"\x7fELF" + bytes(700),
    "small": b"s" * 3000,
    "empty": b"",
}


class Img:
    """A mutable fs.img, edited field by field."""

    def __init__(self, data):
        self.d = bytearray(data)
        self.sb = dict(zip(SB_FIELDS, SUPERBLOCK.unpack_from(self.d, BSIZE)))
        self.size = self.sb["size"]
        self.datastart = self.size - self.sb["nblocks"]

    def u16(self, off):
        return struct.unpack_from("<H", self.d, off)[0]

    def u32(self, off):
        return struct.unpack_from("<I", self.d, off)[0]

    def put16(self, off, v):
        struct.pack_into("<H", self.d, off, v)

    def put32(self, off, v):
        struct.pack_into("<I", self.d, off, v)

    def set_sb(self, field, v):
        self.put32(BSIZE + 4 * SB_FIELDS.index(field), v)

    def set_orphans(self, inums, n=None):
        """The superblock's orphan list: its entries and its count (n)."""
        self.put32(BSIZE + 4 * len(SB_FIELDS), len(inums) if n is None else n)
        for i, inum in enumerate(inums):
            self.put32(BSIZE + 4 * (len(SB_FIELDS) + 1 + i), inum)

    def unname(self, dinum, name):
        """Remove name from directory dinum and drop its inode's nlink to 0,
        as unlink does while the file is still open."""
        k, inum = self.lookup(dinum, name)
        self.set_dirent(dinum, k, inum=0, name=b"")
        self.set_inode(inum, nlink=0)
        return inum

    # inodes: field offsets within struct dinode
    def ioff(self, inum, field):
        return (self.sb["inodestart"] + inum // IPB) * BSIZE + (inum % IPB) * DINODE.size + field

    def itype(self, inum):
        return self.u16(self.ioff(inum, I_TYPE))

    def nlink(self, inum):
        return self.u16(self.ioff(inum, I_NLINK))

    def isize(self, inum):
        return self.u32(self.ioff(inum, I_SIZE))

    def addr(self, inum, i):
        return self.u32(self.ioff(inum, I_ADDRS + 4 * i))

    def set_inode(self, inum, type=None, nlink=None, size=None):
        for field, v in ((I_TYPE, type), (I_NLINK, nlink), (I_SIZE, size)):
            if v is not None:
                (self.put32 if field == I_SIZE else self.put16)(self.ioff(inum, field), v)

    def set_addr(self, inum, i, b):
        self.put32(self.ioff(inum, I_ADDRS + 4 * i), b)

    # blocks: map entries, bitmap bits, reference counts
    def entry(self, b, i):
        return self.u32(b * BSIZE + 4 * i)

    def set_entry(self, b, i, v):
        self.put32(b * BSIZE + 4 * i, v)

    def bit(self, b):
        return (self.d[self.sb["bmapstart"] * BSIZE + b // 8] >> (b % 8)) & 1

    def set_bit(self, b, v):
        off = self.sb["bmapstart"] * BSIZE + b // 8
        self.d[off] = (self.d[off] & ~(1 << (b % 8))) | (v << (b % 8))

    def ref(self, b):
        return self.u16((self.sb["refstart"] + b // RPB) * BSIZE + (b % RPB) * 2)

    def set_ref(self, b, v):
        self.put16((self.sb["refstart"] + b // RPB) * BSIZE + (b % RPB) * 2, v)

    def free_block(self, skip=0):
        """A free data block (the skip+1'th), not claimed."""
        free = (b for b in range(self.datastart, self.size)
                if not self.bit(b) and not self.ref(b))
        for _ in range(skip):
            next(free)
        return next(free)

    def alloc_block(self):
        """Claim a free data block for one pointer, zeroed, as balloc does."""
        b = self.free_block()
        self.set_bit(b, 1)
        self.set_ref(b, 1)
        self.d[b * BSIZE:(b + 1) * BSIZE] = bytes(BSIZE)
        return b

    def alloc_inode(self, type):
        inum = next(i for i in range(ROOTINO, self.sb["ninodes"]) if self.itype(i) == 0)
        self.set_inode(inum, type=type, nlink=1, size=0)
        return inum

    # directories (small ones: their entries live in direct blocks)
    def dirent_off(self, dinum, k):
        return self.addr(dinum, k // DPB) * BSIZE + (k % DPB) * DIRENT_SIZE

    def set_dirent(self, dinum, k, inum=None, name=None):
        off = self.dirent_off(dinum, k)
        if inum is not None:
            self.put16(off, inum)
        if name is not None:
            self.d[off + 2:off + DIRENT_SIZE] = name.ljust(DIRSIZ, b"\0")

    def lookup(self, dinum, name):
        """(entry index, inum) of name in directory dinum."""
        for k in range(self.isize(dinum) // DIRENT_SIZE):
            off = self.dirent_off(dinum, k)
            if self.u16(off) and self.d[off + 2:off + DIRENT_SIZE].rstrip(b"\0") == name:
                return k, self.u16(off)
        raise CheckFailed("no entry %r in directory %d" % (name, dinum))

    def link(self, dinum, name, inum):
        k = self.isize(dinum) // DIRENT_SIZE
        expect(k < DPB * NDIRECT, "directory %d too big for this helper" % dinum)
        if k % DPB == 0:
            self.set_addr(dinum, k // DPB, self.alloc_block())
        self.set_dirent(dinum, k, inum, name)
        self.set_inode(dinum, size=(k + 1) * DIRENT_SIZE)
        return k

    def mkdir(self, parent, name):
        """What sys_mkdir does: "." and "..", a name in the parent, and
        the parent's nlink counting the new ".."."""
        d = self.alloc_inode(T_DIR)
        self.link(d, b".", d)
        self.link(d, b"..", parent)
        self.link(parent, name, d)
        self.set_inode(parent, nlink=self.nlink(parent) + 1)
        return d

    def clone(self, src, dst):
        """What clonefile does: dst (empty) shares src's data blocks, each
        count one higher, and gets its own copies of src's map blocks."""
        def share(b):
            self.set_ref(b, self.ref(b) + 1)
            return b

        def copy_map(m, depth):
            new = self.alloc_block()
            for i in range(NINDIRECT):
                e = self.entry(m, i)
                if e:
                    self.set_entry(new, i, share(e) if depth == 1 else copy_map(e, 1))
            return new

        for i in range(NDIRECT + 2):
            b = self.addr(src, i)
            if b:
                self.set_addr(dst, i, share(b) if i < NDIRECT else copy_map(b, i - NDIRECT + 1))
        self.set_inode(dst, size=self.isize(src))

    def release(self, b):
        """Drop a block's one reference: count 0, bit clear."""
        self.set_ref(b, 0)
        self.set_bit(b, 0)

    def commit(self, homes):
        """Leave a committed, uninstalled transaction in the log: homes is
        a list of (home block, contents)."""
        start = self.sb["logstart"]
        self.put32(start * BSIZE, len(homes))
        for i, (home, data) in enumerate(homes):
            self.put32(start * BSIZE + 4 + 4 * i, home)
            self.d[(start + 1 + i) * BSIZE:(start + 2 + i) * BSIZE] = data

    def block_bytes(self, b):
        return bytes(self.d[b * BSIZE:(b + 1) * BSIZE])


def inum_of(img, name):
    return img.lookup(ROOTINO, name)[1]


# --- the cases: each edits img and returns (exit status, [line regexes]) ---
# The regexes are the whole report but for the log line and the final
# count: each must match its own line, and no other line may appear.

def clean_summary(img, inodes, shared):
    used = sum(1 for b in range(img.datastart, img.size) if img.ref(b))
    return r"fsck: clean: %d inodes, %d data blocks used, %d shared" % (inodes, used, shared)


def case_clean(img):
    parsed = Image(bytes(img.d), SMALL)  # mkfs_check's reader counts the blocks its own way
    used = 0
    for _, inum in parsed.root_entries()[1:]:  # ".." is the root, "." skipped
        data, maps = parsed.file_blocks(parsed.inode(inum))
        used += len(data) + len(maps)
    return 0, [r"log: clean", r"fsck: clean: 6 inodes, %d data blocks used, 0 shared" % used]


def case_clone(img):
    big, empty = inum_of(img, b"big"), inum_of(img, b"empty")
    img.clone(big, empty)
    return 0, [clean_summary(img, 6, BIG_BLOCKS + 1)]


def case_subdirs(img):
    d = img.mkdir(ROOTINO, b"d")
    img.mkdir(d, b"e")
    small = inum_of(img, b"small")
    img.link(d, b"s2", small)
    img.set_inode(small, nlink=2)
    return 0, [clean_summary(img, 8, 0)]


def case_refcount_up(img):
    b = img.entry(img.entry(img.addr(inum_of(img, b"big"), NDIRECT + 1), 0), 0)
    img.set_ref(b, 2)
    return 1, [r"block %d: refcount 2 on disk, but pointers to it: 1 \(first in inode %d\)"
               % (b, inum_of(img, b"big"))]


def case_refcount_down(img):
    b = img.addr(inum_of(img, b"README"), 0)
    img.set_ref(b, 0)
    return 1, [r"block %d: refcount 0 on disk, but pointers to it: 1 .*" % b,
               r"block %d: marked used in the bitmap, but its refcount is 0" % b]


def case_bit_cleared(img):
    b = img.addr(inum_of(img, b"small"), 1)
    img.set_bit(b, 0)
    return 1, [r"block %d: marked free in the bitmap, but its refcount is 1" % b]


def case_bit_set(img):
    b = img.free_block(skip=3)
    img.set_bit(b, 1)
    return 1, [r"block %d: marked used in the bitmap, but its refcount is 0" % b]


def case_shared_count_1(img):
    readme, small = inum_of(img, b"README"), inum_of(img, b"small")
    r0, s0 = img.addr(readme, 0), img.addr(small, 0)
    img.set_addr(small, 0, r0)
    return 1, [r"block %d: refcount 1 on disk, but pointers to it: 2 \(first in inode %d\)"
               % (r0, readme),
               r"block %d: refcount 1 on disk, but nothing names it" % s0]


def case_nlink(img):
    prog = inum_of(img, b"prog")
    img.set_inode(prog, nlink=2)
    return 1, [r"inode %d: nlink 2, but directory entries naming it: 1 \('\.' not counted\)" % prog]


def case_duplicate_name(img):
    # What link did when the inode table was full (issue 13): a second
    # entry "small", naming prog, whose nlink counts it.
    prog = inum_of(img, b"prog")
    k0, _ = img.lookup(ROOTINO, b"small")
    k = img.link(ROOTINO, b"small", prog)
    img.set_inode(prog, nlink=2)
    return 1, [r"directory 1: entries %d and %d have the same name 'small'" % (k0, k)]


def case_entry_to_free_inode(img):
    k, prog = img.lookup(ROOTINO, b"prog")
    img.set_dirent(ROOTINO, k, inum=40)
    return 1, [r"directory 1: entry 'prog' names free inode 40",
               r"inode %d: allocated \(type 2, nlink 1, size 704\) but not reachable from /" % prog,
               r"inode %d: nlink 1, but directory entries naming it: 0 .*" % prog]


def case_pointer_out_of_range(img):
    small = inum_of(img, b"small")
    old = img.addr(small, 1)
    img.set_addr(small, 1, img.size + 5)
    return 1, [r"inode %d: file block 1 -> block %d is outside the data area \[%d, %d\)"
               % (small, img.size + 5, img.datastart, img.size),
               r"block %d: refcount 1 on disk, but nothing names it" % old]


def case_pointer_into_metadata(img):
    big = inum_of(img, b"big")
    dind = img.addr(big, NDIRECT + 1)
    lost = img.entry(dind, 1)  # an indirect block, cut off with its data
    img.set_entry(dind, 1, 3)  # the log's second block
    first = NDIRECT + NINDIRECT + NINDIRECT
    return 1, [r"inode %d: indirect block \(file blocks %d\.\.\) -> block 3 is outside "
               r"the data area \[%d, %d\)" % (big, first, img.datastart, img.size)] + [
        r"block %d: refcount 1 on disk, but nothing names it" % b
        for b in [lost] + [img.entry(lost, i) for i in range(BIG_BLOCKS + 1 - first)]]


def case_map_block_shared(img):
    big, small = inum_of(img, b"big"), inum_of(img, b"small")
    ind = img.addr(big, NDIRECT)
    img.set_addr(small, NDIRECT, ind)
    img.set_ref(ind, 2)
    return 1, [r"block %d: map block of inode %d is named by 2 pointers; map blocks are "
               r"never shared" % (ind, big),
               r"inode %d: indirect block \(file blocks %d\.\.\) -> block %d lies past its "
               r"size 3000" % (small, NDIRECT, ind)]


def case_map_block_as_data(img):
    big, small = inum_of(img, b"big"), inum_of(img, b"small")
    ind, old = img.addr(big, NDIRECT), img.addr(small, 2)
    img.set_addr(small, 2, ind)
    img.set_ref(ind, 2)
    img.release(old)
    return 1, [r"block %d: map block of inode %d is named by 2 pointers; .*" % (ind, big)]


def case_size_too_small(img):
    big = inum_of(img, b"big")
    size = img.isize(big) - 3 * BSIZE
    img.set_inode(big, size=size)
    last = BIG_BLOCKS - 2  # BIG_BLOCKS + 1 blocks, the last three now past the size
    b = img.entry(img.entry(img.addr(big, NDIRECT + 1), 1), last - NDIRECT - 2 * NINDIRECT)
    return 1, [r"inode %d: file block %d -> block %d lies past its size %d"
               % (big, last, b, size)]


def case_size_too_large(img):
    small = inum_of(img, b"small")
    img.set_inode(small, size=3000 + BSIZE)
    return 1, [r"inode %d: file block 3 is within size %d but not mapped"
               % (small, 3000 + BSIZE)]


def case_bad_type(img):
    prog = inum_of(img, b"prog")
    img.set_inode(prog, type=7)
    return 1, [r"inode %d: type 7 is not free \(0\), T_DIR, T_FILE or T_DEVICE" % prog,
               r"block %d: refcount 1 on disk, but nothing names it" % img.addr(prog, 0),
               r"directory 1: entry 'prog' names free inode %d" % prog]


def case_bad_magic(img):
    img.set_sb("magic", 0x12345678)
    return 1, [r"superblock: magic 0x12345678, want 0x10203040 .*"]


def case_areas_overlap(img):
    img.set_sb("refstart", img.sb["bmapstart"])
    return 1, [r"superblock: refcounts area starts at block %d, inside the area before it "
               r"\(which ends at %d\)" % (img.sb["bmapstart"], img.sb["bmapstart"] + 1)]


def case_area_past_end(img):
    img.set_sb("nblocks", 10)
    img.set_sb("refstart", img.size - 12)
    return 1, [r"superblock: refcounts area \[%d, %d\) runs past the image end %d"
               % (img.size - 12, img.size - 12 + (img.size + RPB - 1) // RPB, img.size)]


def case_dot_renamed(img):
    img.set_dirent(ROOTINO, 0, name=b"x")
    return 1, [r"directory 1: entry 0 is named 'x'; '\.' and '\.\.' are entries 0 and 1, "
               r"and only they"]


def case_name_not_padded(img):
    k, _ = img.lookup(ROOTINO, b"prog")
    img.set_dirent(ROOTINO, k, name=b"prog\0z")
    return 1, [r"directory 1: entry %d's name 'prog' is not NUL-padded" % k]


def case_dotdot_wrong(img):
    d = img.mkdir(ROOTINO, b"d")
    e = img.mkdir(d, b"e")
    img.set_dirent(e, 1, inum=ROOTINO)
    return 1, [r"directory %d: '\.\.' names inode 1, but its parent is %d" % (e, d),
               r"inode 1: nlink 2, but directory entries naming it: 3 .*",
               r"inode %d: nlink 2, but directory entries naming it: 1 .*" % d]


def case_dir_two_names(img):
    d = img.mkdir(ROOTINO, b"d")
    img.link(ROOTINO, b"d2", d)
    img.set_inode(d, nlink=2)
    return 1, [r"directory 1: entry 'd2' names directory %d, already named in directory 1; "
               r"a directory has one name" % d]


def case_subdir_nlink(img):
    """A directory's ".." counts in its parent's nlink (kernel/fs/sysfile.c)."""
    img.mkdir(ROOTINO, b"d")
    img.set_inode(ROOTINO, nlink=1)
    return 1, [r"inode 1: nlink 1, but directory entries naming it: 2 .*"]


def case_unreachable(img):
    orphan = img.alloc_inode(T_FILE)
    return 1, [r"inode %d: allocated \(type 2, nlink 1, size 0\) but not reachable from /"
               % orphan, r"inode %d: nlink 1, but directory entries naming it: 0 .*" % orphan]


ORPHAN_NOTE = r"orphans: %d inodes with no links, freed at the next mount"


def case_orphan(img):
    """A file unlinked while open: on the orphan list, accounted for."""
    small, big = img.unname(ROOTINO, b"small"), img.unname(ROOTINO, b"big")
    img.set_orphans([big, small])
    return 0, [ORPHAN_NOTE % 2, clean_summary(img, 6, 0)]


def case_orphan_dir(img):
    """A directory removed while it is someone's cwd: its ".." no longer
    counts in the parent's nlink."""
    d = img.mkdir(ROOTINO, b"d")
    img.unname(ROOTINO, b"d")
    img.set_inode(ROOTINO, nlink=img.nlink(ROOTINO) - 1)
    img.set_orphans([d])
    return 0, [ORPHAN_NOTE % 1, clean_summary(img, 7, 0)]


def case_orphan_not_listed(img):
    """The same unnamed file, but the list lost it: unreachable."""
    small = img.unname(ROOTINO, b"small")
    return 1, [r"inode %d: allocated \(type 2, nlink 0, size 3000\) but not reachable from /"
               % small]


def case_orphan_list_bad(img):
    """Entries a corrupt list may hold: a free inode, a linked one, one
    twice, one out of range; each is reported."""
    small, readme = img.unname(ROOTINO, b"small"), inum_of(img, b"README")
    free = next(i for i in range(ROOTINO, img.sb["ninodes"]) if img.itype(i) == 0)
    img.set_orphans([small, free, readme, small, img.sb["ninodes"]])
    return 1, [r"orphan list: entry 1 names free inode %d" % free,
               r"orphan list: inode %d has nlink 1; an orphan has none" % readme,
               r"orphan list: inode %d is listed twice" % small,
               r"orphan list: entry 4 names inode %d, outside \[1, %d\)"
               % (img.sb["ninodes"], img.sb["ninodes"]), ORPHAN_NOTE % 5]


def case_orphan_named(img):
    """An inode on the list that a directory still names."""
    small = inum_of(img, b"small")
    img.set_inode(small, nlink=0)
    img.set_orphans([small])
    return 1, [r"orphan list: inode %d is named by 1 directory entries; an orphan has none"
               % small, ORPHAN_NOTE % 1]


def case_orphan_count(img):
    img.set_orphans([], n=1000)
    return 1, [r"superblock: orphan list claims 1000 entries, but holds at most %d" % NORPHAN]


def case_inode0(img):
    img.set_inode(0, type=T_FILE)
    return 1, [r"inode 0: type 2, but inode 0 is never allocated"]


def case_metadata(img):
    img.set_ref(5, 1)
    img.set_bit(img.sb["inodestart"], 0)
    return 1, [r"block 5: metadata block has refcount 1, want 0",
               r"block %d: metadata block is marked free in the bitmap" % img.sb["inodestart"]]


def case_log_garbage(img):
    img.put32(img.sb["logstart"] * BSIZE, 0x41414141)
    return 1, [r"log: header claims 1094795585 blocks, but the log holds at most %d" % LOGBLOCKS,
               r"log: header corrupt, checked without replay"]


def case_log_bad_home(img):
    img.commit([(0, img.block_bytes(0))])
    return 1, [r"log: entry 0 names block 0; logged blocks are the superblock \(1\) or lie in "
               r"\[%d, %d\), from the inodes on" % (img.sb["inodestart"], img.size),
               r"log: header corrupt, checked without replay"]


def wrong_refcount(img):
    """Raise README's first count on disk; returns (block, refcount block, good copy)."""
    b = img.addr(inum_of(img, b"README"), 0)
    rblock = img.sb["refstart"] + b // RPB
    good = img.block_bytes(rblock)
    img.set_ref(b, 5)
    return b, rblock, good


def case_log_replay_fixes(img):
    _, rblock, good = wrong_refcount(img)
    img.commit([(rblock, good)])
    return 0, [r"log: 1 blocks committed, checked as replayed", clean_summary(img, 6, 0)]


def case_log_replay_fixes_control(img):
    """The same image without the log: the wrong count is there to fix."""
    b, _, _ = wrong_refcount(img)
    return 1, [r"log: clean", r"block %d: refcount 5 on disk, but pointers to it: 1 .*" % b]


def case_log_replay_breaks(img):
    small = inum_of(img, b"small")
    iblock = img.sb["inodestart"] + small // IPB
    before = img.block_bytes(iblock)
    img.set_inode(small, nlink=3)
    after = img.block_bytes(iblock)
    img.d[iblock * BSIZE:(iblock + 1) * BSIZE] = before
    img.commit([(img.free_block(), bytes(BSIZE)), (iblock, after)])
    return 1, [r"log: 2 blocks committed, checked as replayed",
               r"inode %d: nlink 3, but directory entries naming it: 1 .*" % small]


CASES = [(name[5:].replace("_", "-"), fn) for name, fn in sorted(globals().items())
         if name.startswith("case_")]


class Sandbox:
    def __init__(self, tmp):
        self.tmp = tmp
        self.mkfs = build_tool(tmp, "mkfs")
        self.fsck = build_tool(tmp, "fsck")
        self.base = self.build_base()

    def build_base(self):
        d = os.path.join(self.tmp, "src")
        os.makedirs(d)
        paths = []
        for name, data in FILES.items():
            paths.append(os.path.join(d, name))
            with open(paths[-1], "wb") as f:
                f.write(data)
        img = os.path.join(self.tmp, "base.img")
        # A small image (mkfs -s): every case writes its own copy.
        subprocess.run([self.mkfs, "-s", str(SMALL), img] + paths, check=True, timeout=60)
        with open(img, "rb") as f:
            return f.read()

    def fsck_run(self, data, *flags):
        path = os.path.join(self.tmp, "case.img")
        with open(path, "wb") as f:
            f.write(data)
        return self.run(*flags, path)

    def run(self, *args):
        p = subprocess.run([self.fsck] + list(args), capture_output=True, text=True,
                           timeout=60)
        expect(p.returncode >= 0, "fsck died of signal %d" % -p.returncode)
        return p.returncode, p.stdout, p.stderr


NOTES = re.compile(r"log: (clean|\d+ blocks committed, .*|header corrupt, .*)|fsck: clean: .*"
                   r"|orphans: .*")


def check_case(sb, fn):
    img = Img(sb.base)
    want_rc, want = fn(img)
    rc, out, err = sb.fsck_run(bytes(img.d))
    lines = out.splitlines()
    expect(rc == want_rc, "exit %d, want %d; output:\n%s%s" % (rc, want_rc, out, err))
    expect(err == "", "stderr %r" % err)
    unmatched = list(lines)
    for pattern in want:
        line = next((x for x in unmatched if re.fullmatch(pattern, x)), None)
        expect(line is not None, "no line matches /%s/; output:\n%s" % (pattern, out))
        unmatched.remove(line)
    extra = [x for x in unmatched if not re.fullmatch(r"log: clean|fsck: \d+ problems?", x)]
    expect(not extra, "unexpected lines %r" % extra)
    # -q prints the same problems and nothing else.
    qrc, qout, _ = sb.fsck_run(bytes(img.d), "-q")
    problems = [line for line in lines if not NOTES.fullmatch(line)]
    expect(qrc == rc and qout.splitlines() == problems,
           "-q printed %r, want %r" % (qout, problems))
    if rc == 1:
        expect(problems[-1] == "fsck: %d problem%s" % (len(problems) - 1,
                                                      "" if len(problems) == 2 else "s"),
               "last line %r after %d problems" % (problems[-1], len(problems) - 1))


def check_cannot_check(sb):
    """Exit 2, with a reason on stderr, when there is nothing to check."""
    cases = [
        (sb.base[:-BSIZE], r"holds %d blocks but its superblock says %d \(truncated\?\)"
         % (len(sb.base) // BSIZE - 1, len(sb.base) // BSIZE)),
        (sb.base + b"x" * 100, r"is not a whole number \(at least 2\) of %d-byte blocks" % BSIZE),
        (sb.base[:BSIZE], r"not a whole number"),
    ]
    for data, want in cases:
        rc, out, err = sb.fsck_run(data)
        expect(rc == 2 and re.search(want, err), "exit %d, stderr %r, want /%s/" % (rc, err, want))
    for args, want in (([os.path.join(sb.tmp, "nosuch.img")], r"nosuch.img: No such file"),
                       ([], r"usage: fsck \[-q\] fs.img"), (["-q"], r"usage"),
                       (["a", "b"], r"usage"), ([sb.tmp], r"read error: Is a directory")):
        rc, out, err = sb.run(*args)
        expect(rc == 2 and re.search(want, err), "%r: exit %d, stderr %r" % (args, rc, err))


def check_fuzz(sb):
    """Random bytes in the metadata, the log header and directory and map
    blocks: fsck reports or passes, and never crashes or hangs."""
    base = Img(sb.base)
    big, root = inum_of(base, b"big"), ROOTINO
    blocks = [1, base.sb["logstart"]] + list(range(base.sb["inodestart"], base.datastart)) + [
        base.addr(root, 0), base.addr(big, NDIRECT), base.addr(big, NDIRECT + 1)]
    rnd = random.Random(6)
    for trial in range(150):
        data = bytearray(sb.base)
        for _ in range(rnd.randint(1, 12)):
            b = rnd.choice(blocks)
            if rnd.random() < 0.3:  # a plausible small number, not just noise
                struct.pack_into("<I", data, b * BSIZE + rnd.randrange(0, BSIZE, 4),
                                 rnd.choice([0, 1, 2, base.size - 1, base.size, 0xffffffff]))
            else:
                data[b * BSIZE + rnd.randrange(BSIZE)] = rnd.randrange(256)
        data[BSIZE + 4:BSIZE + 8] = sb.base[BSIZE + 4:BSIZE + 8]  # sb.size: else exit 2
        rc, out, err = sb.fsck_run(bytes(data))
        expect(rc in (0, 1) and err == "", "trial %d: exit %d, stderr %r" % (trial, rc, err))
        last = out.splitlines()[-1] if out else ""
        expect(re.fullmatch(r"fsck: (clean: .*|\d+ problems?)", last),
               "trial %d: last line %r" % (trial, last))


fixture = sandbox("fsck-check-", Sandbox)
CHECKS = [("fsck-" + name, lambda sb, fn=fn: check_case(sb, fn)) for name, fn in CASES]
CHECKS += [("fsck-cannot-check", check_cannot_check), ("fsck-fuzz", check_fuzz)]
