#!/usr/bin/env python3
"""Host-side check that the kernel's files include only their own layer and
the layers below it.

Owns: the layer order of docs/architecture.md, written once here (LAYERS)
and once there. Every file under kernel/ belongs to the layer of the
longest path prefix in LAYERS that it starts with; the headers directly
in kernel/ (types.h, param.h, riscv.h, memlayout.h, the formats shared
with user space and mkfs) belong to no layer and anyone may include them.
The check reads each kernel file's `#include "..."` lines and fails when a
file includes a header of a higher layer, unless that exact pair is in
EXCEPTIONS, where each entry says why. It also fails if a kernel file
matches no layer (a new folder must be placed in the order) or if an
exception no longer matches any include (so the list cannot rot).

usage: python3 tests/layers_check.py
Prints `ok layers` or `FAIL layers: ...` (one line per bad include); exits
non-zero on failure. No build and no QEMU needed.
"""

import glob
import os
import re
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Lowest first. A file may include headers of its own layer and of every
# layer before it. (Same order, with what each layer may call, in
# docs/architecture.md.)
LAYERS = [
    ("lib", ["kernel/lib/"]),
    ("machine", ["kernel/riscv/"]),
    ("lock", ["kernel/lock/"]),
    ("sched", ["kernel/sched/"]),
    ("sync", ["kernel/sync/"]),
    ("debug", ["kernel/debug/"]),
    ("mm", ["kernel/mm/"]),
    ("dev", ["kernel/dev/", "kernel/riscv/timer."]),
    ("cred", ["kernel/proc/cred."]),
    ("fs", ["kernel/fs/"]),
    ("proc", ["kernel/proc/"]),
    ("syscalls", ["kernel/proc/sys", "kernel/fs/sys"]),
    ("top", ["kernel/main.c", "kernel/riscv/trap.", "kernel/riscv/kernelvec.S",
             "kernel/riscv/trampoline.S"]),
]

# (file, header it includes from a higher layer): why that is right.
EXCEPTIONS = {
    ("kernel/lib/printk.c", "kernel/lock/spinlock.h"):
        "printf keeps harts' lines apart with a spinlock, and spinlocks panic "
        "through printf: the two are the kernel's bottom loop",
    ("kernel/lib/printk.c", "kernel/riscv/poweroff.h"):
        "panic, which every layer calls, ends by stopping the machine",
    ("kernel/sched/sched.c", "kernel/sync/rcu.h"):
        "a context switch is RCU's quiescent state: the scheduler loop reports "
        "it, while RCU's waiters sleep through the scheduler",
    ("kernel/dev/virtio_blk.c", "kernel/fs/buf.h"):
        "the disk driver does its I/O on the buffer cache's struct buf (its "
        "fields only; it calls nothing in fs/)",
    ("kernel/proc/proc.c", "kernel/riscv/trap.h"):
        "a new process reaches user space for the first time through "
        "usertrapret (forkret): the trap path is both the top of the kernel "
        "and the way out of it",
}

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"')


def layer_of(path):
    """The index in LAYERS of path's layer, or None for kernel/*.h."""
    if os.path.dirname(path) == "kernel" and path.endswith(".h"):
        return None
    best, best_len = None, -1
    for i, (_, prefixes) in enumerate(LAYERS):
        for p in prefixes:
            if path.startswith(p) and len(p) > best_len:
                best, best_len = i, len(p)
    if best is None:
        raise LookupError(path)
    return best


def kernel_files():
    files = []
    for ext in ("c", "h", "S"):
        files += glob.glob(os.path.join(ROOT, "kernel", "**", "*." + ext), recursive=True)
    return sorted(os.path.relpath(f, ROOT) for f in files)


def includes(path):
    with open(os.path.join(ROOT, path)) as f:
        for line in f:
            m = INCLUDE.match(line)
            if m and m.group(1).startswith("kernel/"):
                yield m.group(1)


def main():
    bad, used = [], set()
    for path in kernel_files():
        try:
            mine = layer_of(path)
        except LookupError:
            bad.append("%s is in no layer (add it to LAYERS)" % path)
            continue
        for header in includes(path):
            theirs = layer_of(header)
            if mine is None or theirs is None or theirs <= mine:
                continue
            if (path, header) in EXCEPTIONS:
                used.add((path, header))
                continue
            bad.append("%s (%s) includes %s (%s, a higher layer)"
                       % (path, LAYERS[mine][0] if mine is not None else "kernel/*.h",
                          header, LAYERS[theirs][0]))
        if mine is None:
            for header in includes(path):
                if layer_of(header) is not None:
                    bad.append("%s, shared by every layer, includes %s" % (path, header))
    for pair in sorted(set(EXCEPTIONS) - used):
        bad.append("exception %s -> %s matches no include any more" % pair)
    for b in bad:
        print("FAIL layers: " + b)
    if bad:
        return 1
    print("ok layers (%d files, %d exceptions)" % (len(kernel_files()), len(EXCEPTIONS)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
