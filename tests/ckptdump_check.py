"""Host-side checks of the checkpoint-image reader (mkfs/ckptdump.c), no
QEMU needed.

Owns: ckptdump's contract (docs/checkpoint.md): exit 0 and "ckptdump: ok"
for a well-formed image, 1 with a PROBLEM line for each broken field, 2
when it cannot read the image; the same from a host file and from inside
a calf disk image (`ckptdump fs.img /PATH`). Images are packed here with
the struct module from the layout in kernel/ckpt.h, not through the tool's
own code. (The guest's ckpttest checks that restore refuses the same
kinds of image; tests/harness.py's checkpoint suite runs it.)

Its CHECKS run under make test's one runner (tests/conftest.py), one test
per case (ckptdump-NAME). Env CKPTDUMP, MKFS: built tools to test;
otherwise they are compiled afresh.
"""

import os
import struct
import subprocess

from tests.kit import expect, sandbox
from tests.mkfs_check import build_tool

PG = 4096
MAGIC = 0x54504b43464c4143
HEADER = struct.Struct("<QII4I5Q32Q16s128s")  # struct ckpt_header
MAP = struct.Struct("<3Q2i128s")               # struct ckpt_map
RUN = struct.Struct("<2QIi")                   # struct ckpt_run
FILE = struct.Struct("<4iQ128s")               # struct ckpt_file
PRIVATE, ANON = 0x02, 0x20


def image(edit=None):
    """A well-formed image: 3 pages below sz, an anonymous mapping with one
    saved page, and the console on fd 0; edit(fields) may change it."""
    f = {
        "magic": MAGIC, "version": 1, "hdrsize": HEADER.size, "sz": 3 * PG, "pc": 0x10,
        "maps": [(1 << 30, (1 << 30) + 2 * PG, 0, 3, PRIVATE | ANON, b"")],
        "runs": [(0, 4 * PG, 2, 5), (2 * PG, 6 * PG, 1, 3), (1 << 30, 7 * PG, 1, 3)],
        "files": [(0, 2, 2, 1, 0, b"/console")],
        "npages": 4, "name": b"work", "cwd": b"/", "cut": None,
    }
    if edit:
        edit(f)
    regs = [f["pc"]] + [0] * 31
    hdr = HEADER.pack(f["magic"], f["version"], f["hdrsize"], len(f["maps"]), len(f["runs"]),
                      len(f["files"]), f["npages"], f["sz"], PG, 2 * PG, 3 * PG, 4 * PG,
                      *regs, f["name"], f["cwd"])
    out = bytearray(4 * PG + 4 * PG)
    out[0:len(hdr)] = hdr
    for i, m in enumerate(f["maps"]):
        MAP.pack_into(out, PG + i * MAP.size, *m)
    for i, r in enumerate(f["runs"]):
        RUN.pack_into(out, 2 * PG + i * RUN.size, *r)
    for i, x in enumerate(f["files"]):
        FILE.pack_into(out, 3 * PG + i * FILE.size, *x)
    return bytes(out[:f["cut"]]) if f["cut"] else bytes(out)


def setf(key, value):
    def edit(f):
        f[key] = value
    return edit


def run_edit(i, j, value):
    def edit(f):
        r = list(f["runs"][i])
        r[j] = value
        f["runs"][i] = tuple(r)
    return edit


BAD = [
    ("bad magic", setf("magic", 1)),
    ("bad version", setf("version", 2)),
    ("truncated", setf("cut", 100)),
    ("pages past the end", setf("npages", 99)),
    ("pc in kernel space", setf("pc", 1 << 38)),
    ("empty cwd", setf("cwd", b"")),
    ("run unaligned", run_edit(0, 0, 8)),
    ("run outside every map", run_edit(2, 0, 1 << 31)),
    ("run data unaligned", run_edit(1, 1, 5 * PG + 8)),
    ("runs overlap", run_edit(1, 0, PG)),
    ("run more rights than its map", run_edit(2, 3, 7)),
    ("map below sz", lambda f: f.update(maps=[(PG, 2 * PG, 0, 3, PRIVATE | ANON, b"")])),
    ("fd out of range", lambda f: f.update(files=[(99, 2, 2, 1, 0, b"/console")])),
    ("file omode with O_TRUNC", lambda f: f.update(files=[(0, 2, 0x402, 1, 0, b"/console")])),
]


def dump(tool, *args):
    return subprocess.run([tool] + list(args), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          timeout=30)


class Sandbox:
    """The tools under test, built once into tmp, and a file for images."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.tool = build_tool(tmp, "ckptdump")
        self.mkfs = build_tool(tmp, "mkfs")
        self.path = os.path.join(tmp, "ck.img")

    def dump_image(self, data):
        with open(self.path, "wb") as f:
            f.write(data)
        return dump(self.tool, self.path)


def check_image(sb, edit, want):
    """Exit want, and a PROBLEM line exactly when the image is broken."""
    r = sb.dump_image(image(edit))
    out = r.stdout.decode()
    expect(r.returncode == want and (("PROBLEM" in out) == (want == 1)),
           "exit %d, want %d" % (r.returncode, want), out[-300:])


def check_unreadable(sb):
    r = dump(sb.tool, os.path.join(sb.tmp, "missing.img"))
    expect(r.returncode == 2, "exit %d, want 2" % r.returncode, r.stdout.decode())


def check_in_fs_img(sb):
    """The same image read out of a calf disk image."""
    with open(sb.path, "wb") as f:
        f.write(image())
    disk = os.path.join(sb.tmp, "fs.img")
    subprocess.run([sb.mkfs, disk, sb.path], cwd=sb.tmp, check=True, stdout=subprocess.DEVNULL)
    r = dump(sb.tool, disk, "/ck.img")
    expect(r.returncode == 0 and b"program: work" in r.stdout, "exit %d" % r.returncode,
           r.stdout.decode())


fixture = sandbox("ckptdump-check-", Sandbox)
CHECKS = [("ckptdump-good", lambda sb: check_image(sb, None, 0))]
CHECKS += [("ckptdump-" + name.replace(" ", "-"), lambda sb, e=edit: check_image(sb, e, 1))
           for name, edit in BAD]
CHECKS += [("ckptdump-unreadable", check_unreadable), ("ckptdump-from-fs-img", check_in_fs_img)]
