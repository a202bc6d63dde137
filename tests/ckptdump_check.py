#!/usr/bin/env python3
"""Host-side checks of the checkpoint-image reader (mkfs/ckptdump.c), no
QEMU needed.

Owns: ckptdump's contract (docs/checkpoint.md): exit 0 and "ckptdump: ok"
for a well-formed image, 1 with a PROBLEM line for each broken field, 2
when it cannot read the image; the same from a host file and from inside
a calf disk image (`ckptdump fs.img /PATH`). Images are packed here with
the struct module from the layout in kernel/ckpt.h, not through the tool's
own code. (The guest's ckpttest checks that restore refuses the same
kinds of image; tests/harness.py's checkpoint suite runs it.)

usage: python3 tests/ckptdump_check.py   (env CKPTDUMP, MKFS = built tools;
                                          otherwise compiled afresh)
Prints `ok NAME` or `FAIL NAME: why` per case; exits non-zero on a failure.
"""

import os
import shutil
import struct
import subprocess
import sys
import tempfile

from mkfs_check import build_tool

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
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


def main():
    tmp = tempfile.mkdtemp(prefix="ckptdump-check-")
    failed = 0
    try:
        tool = build_tool(tmp, "ckptdump")
        mkfs = build_tool(tmp, "mkfs")
        path = os.path.join(tmp, "ck.img")
        cases = [("good", None, 0)] + [(n, e, 1) for n, e in BAD]
        for name, edit, want in cases:
            with open(path, "wb") as f:
                f.write(image(edit))
            r = dump(tool, path)
            out = r.stdout.decode()
            ok = r.returncode == want and (("PROBLEM" in out) == (want == 1))
            print(("ok ckptdump %s" if ok else "FAIL ckptdump %s: exit %d: " + out[-300:])
                  % ((name,) if ok else (name, r.returncode)))
            failed += not ok
        r = dump(tool, os.path.join(tmp, "missing.img"))
        print("ok ckptdump unreadable" if r.returncode == 2 else "FAIL ckptdump unreadable")
        failed += r.returncode != 2
        # The same image read out of a calf disk image.
        with open(path, "wb") as f:
            f.write(image())
        disk = os.path.join(tmp, "fs.img")
        subprocess.run([mkfs, disk, path], cwd=tmp, check=True, stdout=subprocess.DEVNULL)
        r = dump(tool, disk, "/ck.img")
        ok = r.returncode == 0 and b"program: work" in r.stdout
        print("ok ckptdump from fs.img" if ok else "FAIL ckptdump from fs.img: " + r.stdout.decode())
        failed += not ok
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
