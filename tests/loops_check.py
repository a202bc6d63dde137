#!/usr/bin/env python3
"""Host-side check of the kernel's largest loop of files that call each other.

Owns: the claim of docs/architecture.md that calf's kernel files form
layers, with only a small core loop left. It reads each kernel object
file's symbol table with nm: a file "calls" another when it uses (an
undefined symbol, U) a function or variable the other defines. Two files
are in one loop when each reaches the other along such uses; the loops
are the strongly connected components of that graph (Tarjan's
algorithm). Calls through a function pointer (printf's registered output,
the devsw table, IRQ handlers) are not link-time uses, so they do not
close a loop: that is how a lower layer reaches a higher one on purpose.

The check fails if the largest loop has more than MAX_LOOP files. It
prints every loop of two or more files, largest first, so a change that
grows one shows which files joined.

usage: python3 tests/loops_check.py   (env NM; needs a built kernel)
Prints `ok loops: largest N files` or `FAIL loops: ...`; exits non-zero
on failure.
"""

import glob
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from readpath_check import objdump  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MAX_LOOP = 15


def nm():
    """$NM, else the nm beside the RISC-V objdump that readpath_check finds."""
    return os.environ.get("NM") or objdump()[: -len("objdump")] + "nm"


def symbols(obj):
    """(defined, used) global symbol names of one object file."""
    out = subprocess.run([nm(), obj], capture_output=True, text=True, check=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] == "U":
            used.add(parts[1])
        elif len(parts) == 3 and parts[1].isupper():
            defined.add(parts[2])
    return defined, used


def call_graph():
    """file -> set of files it uses, over every kernel object."""
    srcs = [f for ext in ("c", "S")
            for f in glob.glob(os.path.join(ROOT, "kernel", "**", "*." + ext), recursive=True)]
    objs = sorted(os.path.splitext(f)[0] + ".o" for f in srcs)
    missing = [o for o in objs if not os.path.exists(o)]
    if missing:
        sys.exit("loops_check: %s not built; run `make build` first" % os.path.relpath(missing[0], ROOT))
    name = lambda o: os.path.relpath(o, ROOT)[:-2]
    syms = {name(o): symbols(o) for o in objs}
    owner = {s: f for f, (defs, _) in syms.items() for s in defs}
    return {f: {owner[s] for s in used if s in owner and owner[s] != f}
            for f, (_, used) in syms.items()}


def loops(graph):
    """The strongly connected components of graph (Tarjan), as sorted lists."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted((c for c in out if len(c) > 1), key=lambda c: (-len(c), c))


def main():
    found = loops(call_graph())
    for c in found:
        print("loop of %d: %s" % (len(c), " ".join(c)))
    largest = len(found[0]) if found else 1
    if largest > MAX_LOOP:
        print("FAIL loops: the largest loop has %d files (at most %d)" % (largest, MAX_LOOP))
        return 1
    print("ok loops: largest %d files" % largest)
    return 0


if __name__ == "__main__":
    sys.exit(main())
