"""Host-side checks of mkfs (mkfs/mkfs.c), no QEMU needed.

Owns: the contract that mkfs either writes a complete, well-formed image
or fails loudly and leaves no image behind. Each check builds images in a
private temporary directory, so running it never touches the tree's
fs.img.

The good images are parsed here independently of the C code (struct
layouts are spelled out with the struct module, constants are read from
kernel/param.h and kernel/fs.h), so a layout bug in mkfs cannot hide
behind the same bug in the checker.

Run by make test (tests/conftest.py); alone: make test T=mkfs-. env MKFS=path
tests a built mkfs; otherwise mkfs.c is compiled afresh.
"""

import os
import random
import re
import struct
import subprocess

from tests.kit import expect, sandbox

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

NINODES = 1200  # mkfs's choice for the default size, not a shared constant
NINODES_SMALL = 200  # ... and for a smaller image (-s)
SETUID_ROOT = {"suidtest"}  # mkfs's setuid_root[] list
T_DIR, T_FILE = 1, 2
S_ISUID = 0o4000
# magic, size, nblocks, ninodes, nlog, logstart, inodestart, bmapstart, refstart
SUPERBLOCK = struct.Struct("<9I")
# type, major, minor, nlink, size, addrs[13], uid, gid, mode, spare[13]
DINODE = struct.Struct("<4hI13I3I13I")
DIRENT_INUM = struct.Struct("<H")


def read_defines(*headers):
    """Evaluate the integer #defines of the given repo headers."""
    raw = {}
    for h in headers:
        with open(os.path.join(ROOT, h)) as f:
            for line in f:
                m = re.match(r"\s*#define\s+(\w+)\s+(.+?)\s*(//.*)?$", line)
                if m:
                    raw[m.group(1)] = m.group(2)

    def value(name, depth=0):
        if depth > 20:
            raise ValueError("recursive #define " + name)
        expr = raw[name].replace("sizeof(uint)", "4").replace("sizeof(ushort)", "2")
        expr = re.sub(r"\b[A-Za-z_]\w*",
                      lambda m: str(value(m.group(0), depth + 1)), expr)
        if not re.fullmatch(r"[0-9a-fA-Fx()+\-*/ ]+", expr):
            raise ValueError("cannot evaluate #define %s %s" % (name, raw[name]))
        return eval(expr.replace("/", "//"))  # only digits and operators left

    return value


define = read_defines("kernel/param.h", "kernel/fs.h")
BSIZE = define("BSIZE")
FSSIZE = define("FSSIZE")
LOGBLOCKS = define("LOGBLOCKS")
NDIRECT = define("NDIRECT")
NINDIRECT = define("NINDIRECT")
NORPHAN = define("NORPHAN")
MAXFILE = define("MAXFILE")
RPB = define("RPB")
DIRSIZ = define("DIRSIZ")
FSMAGIC = define("FSMAGIC")
ROOTINO = define("ROOTINO")
DIRENT_SIZE = 2 + DIRSIZ


def map_blocks(n):
    """Indirect and doubly indirect blocks a file of n data blocks needs."""
    if n <= NDIRECT:
        return 0
    beyond = n - NDIRECT - NINDIRECT  # blocks reached through the doubly indirect one
    return 1 if beyond <= 0 else 2 + (beyond + NINDIRECT - 1) // NINDIRECT


class Image:
    """A parsed fs.img, read-only."""

    def __init__(self, data, size=FSSIZE):
        expect(len(data) == size * BSIZE,
               "image is %d bytes, want %d" % (len(data), size * BSIZE))
        self.data = data
        self.want_size = size
        (self.magic, self.size, self.nblocks, self.ninodes, self.nlog,
         self.logstart, self.inodestart, self.bmapstart, self.refstart) = \
            SUPERBLOCK.unpack_from(data, BSIZE)

    def block(self, b):
        expect(0 < b < self.size, "block number %d out of range" % b)
        return self.data[b * BSIZE:(b + 1) * BSIZE]

    def inode(self, inum):
        ipb = BSIZE // DINODE.size
        off = (self.inodestart + inum // ipb) * BSIZE + (inum % ipb) * DINODE.size
        f = DINODE.unpack_from(self.data, off)
        return {"type": f[0], "nlink": f[3], "size": f[4], "addrs": list(f[5:18]),
                "uid": f[18], "gid": f[19], "mode": f[20], "spare": list(f[21:])}

    def map_entries(self, b):
        return list(struct.unpack("<%dI" % NINDIRECT, self.block(b)))

    def file_blocks(self, ino):
        """(data, maps): the blocks holding ino's contents, in file order,
        and its indirect and doubly indirect blocks. Every pointer past
        the size's last block must be 0."""
        n = (ino["size"] + BSIZE - 1) // BSIZE
        expect(n <= MAXFILE, "inode claims %d blocks" % n)
        ptrs, maps = ino["addrs"][:NDIRECT], []
        for top, depth in ((ino["addrs"][NDIRECT], 1), (ino["addrs"][NDIRECT + 1], 2)):
            covers = NINDIRECT ** depth
            if top == 0:
                ptrs += [0] * covers
                continue
            maps.append(top)
            entries = self.map_entries(top)
            if depth == 2:
                maps += [e for e in entries if e]
                entries = [x for e in entries
                           for x in (self.map_entries(e) if e else [0] * NINDIRECT)]
            ptrs += entries
        expect(all(ptrs[:n]), "a block within the size is not mapped")
        expect(not any(ptrs[n:]), "a block past the size is mapped")
        expect(len(maps) == map_blocks(n),
               "%d map blocks for %d data blocks, want %d" % (len(maps), n, map_blocks(n)))
        return ptrs[:n], maps

    def read(self, ino):
        data = b"".join(self.block(b) for b in self.file_blocks(ino)[0])
        return data[:ino["size"]]

    def root_entries(self):
        """The root directory as a list of (name, inum), in order."""
        raw = self.read(self.inode(ROOTINO))
        out = []
        for off in range(0, len(raw), DIRENT_SIZE):
            (inum,) = DIRENT_INUM.unpack_from(raw, off)
            name = raw[off + 2:off + DIRENT_SIZE].rstrip(b"\0").decode()
            if inum:
                out.append((name, inum))
        return out

    def block_used(self, b):
        byte = self.data[(self.bmapstart + b // (BSIZE * 8)) * BSIZE + (b % (BSIZE * 8)) // 8]
        return (byte >> (b % 8)) & 1

    def refcount(self, b):
        off = (self.refstart + b // RPB) * BSIZE + (b % RPB) * 2
        return struct.unpack_from("<H", self.data, off)[0]


def check_layout(img):
    expect(img.magic == FSMAGIC, "bad magic %#x" % img.magic)
    expect(img.size == img.want_size, "sb.size %d, want %d" % (img.size, img.want_size))
    want = NINODES if img.size >= FSSIZE else NINODES_SMALL
    expect(img.ninodes == want, "sb.ninodes %d, want %d" % (img.ninodes, want))
    expect(img.nlog == LOGBLOCKS + 1, "sb.nlog %d != LOGBLOCKS+1" % img.nlog)
    expect(img.logstart == 2, "sb.logstart %d" % img.logstart)
    expect(img.inodestart == img.logstart + img.nlog, "inodes overlap the log")
    ninodeblocks = img.bmapstart - img.inodestart
    expect(ninodeblocks * (BSIZE // DINODE.size) >= want, "too few inode blocks")
    nbitmap = img.refstart - img.bmapstart
    expect(nbitmap * BSIZE * 8 >= img.size, "bitmap cannot cover the disk")
    nref = img.size - img.nblocks - img.refstart
    expect(nref * RPB >= img.size, "refcount table cannot cover the disk")
    norphan, first = struct.unpack_from("<2I", img.data, BSIZE + SUPERBLOCK.size)
    expect(norphan == 0 and first == 0, "orphan list not empty: %d entries" % norphan)


def expected_mode(name, program):
    """Root owns everything: programs 0755 (setuid ones 04755), others 0644."""
    if not program:
        return 0o644
    return S_ISUID | 0o755 if name in SETUID_ROOT else 0o755


def check_owner(what, ino, mode):
    expect(ino["uid"] == 0 and ino["gid"] == 0,
           "%s: owner %d:%d, want 0:0" % (what, ino["uid"], ino["gid"]))
    expect(ino["mode"] == mode, "%s: mode %o, want %o" % (what, ino["mode"], mode))
    expect(not any(ino["spare"]), "%s: spare fields not zero" % what)


def check_contents(img, want, programs=()):
    """want: name -> bytes, the files the root directory must hold exactly;
    programs: which of them came from '_' names."""
    check_layout(img)
    root = img.inode(ROOTINO)
    expect(root["type"] == T_DIR, "root inode type %d" % root["type"])
    check_owner("/", root, 0o755)
    entries = img.root_entries()
    expect(entries[:2] == [(".", ROOTINO), ("..", ROOTINO)],
           "root starts with %r" % entries[:2])
    files = dict(entries[2:])
    expect(len(files) == len(entries) - 2, "duplicate names in root")
    expect(sorted(files) == sorted(want),
           "root holds %s, want %s" % (sorted(files), sorted(want)))
    expect(len(set(files.values())) == len(files), "two names share an inode")

    owner = {}  # block -> file, to catch blocks handed out twice
    inodes = [("/", root)]
    for name, inum in files.items():
        ino = img.inode(inum)
        expect(ino["type"] == T_FILE, "%s: type %d" % (name, ino["type"]))
        expect(ino["nlink"] == 1, "%s: nlink %d" % (name, ino["nlink"]))
        expect(ino["size"] == len(want[name]),
               "%s: size %d, want %d" % (name, ino["size"], len(want[name])))
        expect(img.read(ino) == want[name], "%s: contents differ" % name)
        check_owner(name, ino, expected_mode(name, name in programs))
        inodes.append((name, ino))
    datastart = img.size - img.nblocks
    for name, ino in inodes:
        data, maps = img.file_blocks(ino)
        for b in data + maps:
            expect(b >= datastart, "%s: block %d is metadata" % (name, b))
            expect(b not in owner, "block %d used by %s and %s" % (b, owner.get(b), name))
            owner[b] = name
    # mkfs shares nothing: every named block has count 1 and its bit set,
    # the rest of the data area count 0 and a clear bit, metadata bit set
    # and count 0.
    for b in range(img.size):
        want_bit, want_count = (1, 0) if b < datastart else (int(b in owner), int(b in owner))
        expect((img.block_used(b), img.refcount(b)) == (want_bit, want_count),
               "block %d (%s): bitmap bit %d refcount %d, want %d %d" %
               (b, owner.get(b, "metadata" if b < datastart else "free"),
                img.block_used(b), img.refcount(b), want_bit, want_count))


class Sandbox:
    """A temporary directory with a mkfs binary and helpers to run it."""

    def __init__(self, tmp, mkfs):
        self.tmp = tmp
        self.mkfs = mkfs
        self.count = 0

    def fresh_dir(self):
        self.count += 1
        d = os.path.join(self.tmp, "case%d" % self.count)
        os.makedirs(d)
        return d

    def write(self, d, relpath, data):
        path = os.path.join(d, relpath)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def run(self, d, inputs, img="fs.img", size=None):
        """mkfs [-s size] d/img inputs..."""
        imgpath = os.path.join(d, img)
        opt = ["-s", str(size)] if size is not None else []
        p = subprocess.run([self.mkfs] + opt + [imgpath] + inputs,
                           capture_output=True, text=True, timeout=60)
        return p.returncode, p.stderr, imgpath

    def must_fail(self, inputs_by_dir, want_msg, size=None):
        """inputs_by_dir(d) -> argument list; mkfs must fail cleanly."""
        d = self.fresh_dir()
        rc, err, imgpath = self.run(d, inputs_by_dir(d), size=size)
        expect(rc != 0, "mkfs exited 0")
        expect(re.search(want_msg, err), "stderr %r lacks /%s/" % (err.strip(), want_msg))
        expect(not os.path.exists(imgpath), "image left behind")

    def must_build(self, files, size=None):
        """files: relpath -> bytes; returns (Image, name -> bytes wanted,
        the names of programs). size: mkfs -s, else the default FSSIZE."""
        d = self.fresh_dir()
        paths = [self.write(d, rel, data) for rel, data in files.items()]
        rc, err, imgpath = self.run(d, paths, size=size)
        expect(rc == 0, "mkfs exited %d: %s" % (rc, err.strip()))
        expect(err == "", "unexpected stderr %r" % err)
        self.last_image = imgpath
        with open(imgpath, "rb") as f:
            img = Image(f.read(), size or FSSIZE)
        want, programs = {}, set()
        for rel, data in files.items():
            base = os.path.basename(rel)
            name = base[1:] if base.startswith("_") else base
            want[name] = data
            if base.startswith("_"):
                programs.add(name)
        return img, want, programs


def noise(n, seed):
    return random.Random(seed).randbytes(n)


# --- the checks: each takes a Sandbox and raises CheckFailed ---

def check_good_image(sb):
    files = {
        "user/_hello": b"\x7fELF pretend program\n",
        "README": b"calf is a teaching kernel.\n" * 70,
        "big": noise(100 * BSIZE + 37, 1),  # reaches the indirect block
        "empty": b"",
        "a" * DIRSIZ: b"name exactly DIRSIZ long\n",
        "sub/dir/_prog": noise(NDIRECT * BSIZE, 2),  # exactly the direct blocks
    }
    check_contents(*sb.must_build(files))


def check_modes(sb):
    """Programs 0755, the setuid list 04755, others 0644 -- even a data file
    that happens to share a setuid program's name."""
    img, want, programs = sb.must_build({"_prog": b"p", "_suidtest": b"s", "notes": b"n",
                                         "sub/suidtest2": b"x"})
    check_contents(img, want, programs)
    modes = {name: img.inode(inum)["mode"] for name, inum in img.root_entries()[2:]}
    expect(modes == {"prog": 0o755, "suidtest": S_ISUID | 0o755, "notes": 0o644,
                     "suidtest2": 0o644}, "modes %r" % modes)
    img, want, programs = sb.must_build({"suidtest": b"data"})
    check_contents(img, want, programs)


def check_doubly_indirect(sb):
    """A file whose last blocks hang off a second indirect block under the
    doubly indirect one."""
    n = NDIRECT + NINDIRECT + NINDIRECT + 3
    check_contents(*sb.must_build({"_big": noise(n * BSIZE + 5, 3)}))


# Filling a disk takes a disk smaller than the largest file: -s SMALL.
SMALL = 8000


def disk_capacity(sb):
    """Data blocks in the largest file a SMALL image holds beside the root
    directory's one block, map blocks included in the budget."""
    img, _, _ = sb.must_build({}, SMALL)
    free = img.nblocks - 1
    n = free
    while n + map_blocks(n) > free:
        n -= 1
    return n


def check_fills_disk(sb):
    n = disk_capacity(sb)
    img, want, programs = sb.must_build({"fill": noise(n * BSIZE, 5)}, SMALL)
    check_contents(img, want, programs)
    unused = sum(1 for b in range(img.size) if not img.block_used(b))
    expect(unused == img.nblocks - 1 - n - map_blocks(n), "%d blocks left free" % unused)


def check_max_files(sb):
    n = NINODES - ROOTINO - 1  # every inode but 0 and the root
    check_contents(*sb.must_build({"f%d" % i: b"%d\n" % i for i in range(n)}))


def check_no_files(sb):
    check_contents(*sb.must_build({}))


def check_too_long_name(sb):
    sb.must_fail(lambda d: [sb.write(d, "_" + "b" * (DIRSIZ + 1), b"x")],
                 r"longer than %d" % DIRSIZ)


def check_too_large(sb):
    """Larger than any file, not merely than the disk: refused as such."""
    def inputs(d):
        path = sb.write(d, "huge", b"")
        os.truncate(path, MAXFILE * BSIZE + 1)  # sparse: reads as zeros
        return [path]
    sb.must_fail(inputs, r"huge: too large")


def check_too_many_files(sb):
    n = NINODES - ROOTINO  # one more than fits
    sb.must_fail(lambda d: [sb.write(d, "f%d" % i, b"") for i in range(n)],
                 r"out of inodes")


def check_out_of_blocks(sb):
    """One byte more than check_fills_disk's file needs a block too many."""
    n = disk_capacity(sb)
    sb.must_fail(lambda d: [sb.write(d, "fill", noise(n * BSIZE + 1, 6))],
                 r"fill: out of data blocks", SMALL)


def check_missing_file(sb):
    sb.must_fail(lambda d: [sb.write(d, "ok", b"x"), os.path.join(d, "nosuch")],
                 r"nosuch: cannot open: No such file")


def check_directory_input(sb):
    sb.must_fail(lambda d: [os.path.dirname(sb.write(d, "dir/x", b"x"))],
                 r"dir: read error: Is a directory")


def check_duplicate_name(sb):
    sb.must_fail(lambda d: [sb.write(d, "a/_x", b"1"), sb.write(d, "b/x", b"2")],
                 r"duplicate name 'x'")


def check_empty_name(sb):
    sb.must_fail(lambda d: [sb.write(d, "_", b"1")], r"empty file name")


def check_stale_image_removed(sb):
    def inputs(d):
        sb.write(d, "fs.img", b"an image from an earlier build")
        return [sb.write(d, "c" * (DIRSIZ + 1), b"x")]
    sb.must_fail(inputs, r"longer than")


def check_usage(sb):
    for args in ([], ["-s"], ["-s", "8000"], ["-s", "x", "img"], ["-s", "", "img"],
                 ["-s", "99999999999", "img"], ["-q", "img"]):
        p = subprocess.run([sb.mkfs] + args, capture_output=True, text=True, timeout=60)
        expect(p.returncode == 2, "mkfs %r exited %d" % (args, p.returncode))
        expect("usage: mkfs [-s blocks] fs.img file..." in p.stderr,
               "mkfs %r: no usage message: %r" % (args, p.stderr))


def check_default_size(sb):
    """The default image (no -s) holds a file of MAXFILE blocks with room
    to spare, two of them at once (xv6's fs lab bigfile leaves one behind
    and usertests' writebig writes another), and is written sparse: mkfs
    writes only the blocks that are not all zeros, so copies of it (one
    per test) stay cheap."""
    expect(FSSIZE >= 200000, "FSSIZE %d, want at least 200,000 blocks" % FSSIZE)
    expect(4 + 4 * LOGBLOCKS <= BSIZE, "the log header (%d entries) does not fit a block"
           % LOGBLOCKS)
    img, want, programs = sb.must_build({"max": bytes(MAXFILE * BSIZE), "hello": b"hi\n"})
    check_contents(img, want, programs)
    used = MAXFILE + map_blocks(MAXFILE)
    expect(img.nblocks - used >= img.nblocks // 4,
           "a MAXFILE file leaves %d of %d data blocks free" % (img.nblocks - used, img.nblocks))
    expect(img.nblocks - 2 * used >= img.nblocks // 10,
           "two MAXFILE files leave %d of %d data blocks free"
           % (img.nblocks - 2 * used, img.nblocks))
    on_disk = os.stat(sb.last_image).st_blocks * 512
    expect(on_disk < 4 * 1024 * 1024,
           "a %d-byte image takes %d bytes on disk: not sparse" % (img.size * BSIZE, on_disk))


def check_small_size(sb):
    """-s sets the image's size; one too small for the metadata is refused."""
    check_contents(*sb.must_build({"f": b"x" * 3000}, SMALL))
    sb.must_fail(lambda d: [sb.write(d, "f", b"x")], r"100 blocks is too small", 100)


CHECKS = [
    ("mkfs-good-image", check_good_image),
    ("mkfs-modes", check_modes),
    ("mkfs-doubly-indirect", check_doubly_indirect),
    ("mkfs-fills-disk", check_fills_disk),
    ("mkfs-max-files", check_max_files),
    ("mkfs-no-files", check_no_files),
    ("mkfs-too-long-name", check_too_long_name),
    ("mkfs-too-large-file", check_too_large),
    ("mkfs-too-many-files", check_too_many_files),
    ("mkfs-out-of-blocks", check_out_of_blocks),
    ("mkfs-missing-file", check_missing_file),
    ("mkfs-directory-input", check_directory_input),
    ("mkfs-duplicate-name", check_duplicate_name),
    ("mkfs-empty-name", check_empty_name),
    ("mkfs-stale-image-removed", check_stale_image_removed),
    ("mkfs-usage", check_usage),
    ("mkfs-default-size", check_default_size),
    ("mkfs-small-size", check_small_size),
]


def build_tool(tmp, name):
    """The host tool mkfs/NAME to test: $NAME (upper case) if set, or
    mkfs/NAME.c and the helpers they share compiled afresh into tmp."""
    if os.environ.get(name.upper()):
        return os.path.abspath(os.environ[name.upper()])
    out = os.path.join(tmp, name)
    cc = os.environ.get("HOSTCC", "gcc")
    subprocess.run([cc, "-Wall", "-Werror", "-std=c11", "-I.", "-o", out,
                    "mkfs/%s.c" % name, "mkfs/diskfmt.c", "mkfs/dirrules.c"],
                   cwd=ROOT, check=True)
    return out


fixture = sandbox("mkfs-check-", lambda tmp: Sandbox(tmp, build_tool(tmp, "mkfs")))
