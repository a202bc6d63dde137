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

docs/architecture.md lists the loops; the check loops-documented fails
when that list and the kernel's differ (python3 -m tests.loops_check
prints the list to paste). Run by make test (alone: make test T=loops);
env NM; needs a built kernel.
"""

import argparse
import contextlib
import difflib
import glob
import os
import subprocess
import sys

from tests.kit import CheckFailed, expect
from tests.readpath_check import objdump

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(ROOT, "docs", "architecture.md")
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
        raise CheckFailed("%s not built; run `make build` first" % os.path.relpath(missing[0], ROOT))
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


def lines(found):
    return ["loop of %d: %s" % (len(c), " ".join(c)) for c in found]


def documented():
    """The `loop of N: ...` lines of docs/architecture.md."""
    with open(DOC) as f:
        return [l.strip() for l in f if l.startswith("loop of ")]


def check_size(found):
    largest = len(found[0]) if found else 1
    expect(largest <= MAX_LOOP, "the largest loop has %d files (at most %d):\n%s"
           % (largest, MAX_LOOP, "\n".join(lines(found))))


def check_documented(found):
    """docs/architecture.md lists exactly the loops the kernel has."""
    doc, now = documented(), lines(found)
    expect(doc == now, "docs/architecture.md's loops differ from the kernel's; "
           "paste `python3 -m tests.loops_check` there:\n%s"
           % "\n".join(difflib.unified_diff(doc, now, "docs", "kernel", lineterm="")))


@contextlib.contextmanager
def fixture():
    yield loops(call_graph())  # nm over every object once, for both checks


CHECKS = [("loops", check_size), ("loops-documented", check_documented)]


def main():
    argparse.ArgumentParser(description="Print the kernel's loops of files that call each "
                            "other, as docs/architecture.md lists them.").parse_args()
    found = loops(call_graph())
    print("\n".join(lines(found)))
    print("largest: %d files" % (len(found[0]) if found else 1))


if __name__ == "__main__":
    main()
