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

An include is not the only way up: a header's static inline functions and
function-like macros run in every file that includes it. So the check also
reads their bodies, and fails when one calls a function defined in a
higher layer than the header's (in any layer, for kernel/*.h), unless that
pair is in INLINE_EXCEPTIONS (kernel/riscv.h's intr_on() calling the lock
checker is one). Run by make test (alone: make test T=layers); no build
and no QEMU needed.
"""

import glob
import os
import re

from tests.kit import CheckFailed

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


# Calls made by a header's static inline functions and function-like
# macros happen in every file that includes the header, whatever its
# layer: (header, function it calls from a higher layer): why that is right.
INLINE_EXCEPTIONS = {
    ("kernel/riscv.h", "lockcheck_intr_on"):
        "under LOCKCHECK, intr_on() asks the lock checker whether this hart "
        "holds a spinlock before it turns interrupts on: the checker hooks "
        "the machine's interrupt switch from below on purpose (it is built "
        "only into the checking kernels, and calls nothing back)",
}

DEFINITION = re.compile(r"^(?!static\b)[A-Za-z_][\w \t*]*?\b([A-Za-z_]\w*)\([^;]*\)\s*\{")
INLINE = re.compile(r"^static\s+inline\b[^;{]*?\b(\w+)\([^;]*?\)\s*\{", re.M)
MACRO = re.compile(r"^#\s*define\s+(\w+)\([^)]*\)((?:.*\\\n)*.*)$", re.M)
CALL = re.compile(r"\b([A-Za-z_]\w*)\s*\(")


def definitions():
    """function name -> the kernel .c file that defines it (external ones:
    a definition's first line ends with its opening brace, calf's style)."""
    found = {}
    for path in kernel_files():
        if path.endswith(".c"):
            with open(os.path.join(ROOT, path)) as f:
                for line in f:
                    m = DEFINITION.match(line)
                    if m:
                        found[m.group(1)] = path
    return found


def body_at(text, start):
    """The text of the braces that open just before `start`."""
    depth, i = 1, start
    while depth and i < len(text):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        i += 1
    return text[start:i]


def inline_calls(path):
    """(inline function or macro, name it calls) pairs of a header."""
    with open(os.path.join(ROOT, path)) as f:
        text = f.read()
    bodies = [(m.group(1), body_at(text, m.end())) for m in INLINE.finditer(text)]
    bodies += [(m.group(1), m.group(2)) for m in MACRO.finditer(text)]
    return {(name, called) for name, body in bodies for called in CALL.findall(body)}


class Excused:
    """A table of exceptions, and which of them a check met: one that
    none met has rotted, and is a problem too."""

    def __init__(self, table, what):
        self.table, self.what, self.used = table, what, set()

    def excuses(self, pair):
        if pair in self.table:
            self.used.add(pair)
            return True
        return False

    def stale(self):
        return ["%s %s -> %s matches nothing any more" % ((self.what,) + pair)
                for pair in sorted(set(self.table) - self.used)]


def layer_name(i):
    return LAYERS[i][0] if i is not None else "kernel/*.h"


def inline_crossings(defs):
    """Problems: calls from headers' inline code into a higher layer than
    the header's (any layer, for kernel/*.h)."""
    bad, excused = [], Excused(INLINE_EXCEPTIONS, "inline exception")
    for header in (p for p in kernel_files() if p.endswith(".h")):
        mine = layer_of(header)
        for name, called in sorted(inline_calls(header)):
            target = defs.get(called)
            theirs = layer_of(target) if target else None
            if theirs is None or (mine is not None and theirs <= mine):
                continue
            if not excused.excuses((header, called)):
                bad.append("%s (%s): %s() calls %s() of %s (%s), in every file that includes "
                           "it" % (header, layer_name(mine), name, called, target,
                                   layer_name(theirs)))
    return bad + excused.stale()


def include_crossings():
    """Problems: includes of a higher layer's header (and exceptions that
    match none)."""
    bad, excused = [], Excused(EXCEPTIONS, "exception")
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
            if not excused.excuses((path, header)):
                bad.append("%s (%s) includes %s (%s, a higher layer)"
                           % (path, layer_name(mine), header, layer_name(theirs)))
        if mine is None:
            for header in includes(path):
                if layer_of(header) is not None:
                    bad.append("%s, shared by every layer, includes %s" % (path, header))
    return bad + excused.stale()


def check_layers():
    bad = include_crossings() + inline_crossings(definitions())
    if bad:
        raise CheckFailed("\n".join(bad))


CHECKS = [("layers", check_layers)]
