#!/usr/bin/env python3
"""make bench: run every benchmark of the harness's "bench" suite under QEMU
with -icount shift=0,sleep=off and print what each program reported. With
icount, guest time counts instructions, so the figures repeat exactly
from run to run; docs/benchmarks.md keeps them.

usage: python3 tests/bench.py [name...]   (names: only those benchmarks)"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def report(test):
    """The console output of each step's command, up to the next prompt."""
    log = open(os.path.join(harness.OUTDIR, test.name + ".log"), "rb").read()
    log = log.decode("utf-8", "replace").replace("\r", "")
    out = []
    for step in test.steps:
        m = re.search(r"(?m)^\$ %s\n(.*?)(?=^\$ |\Z)" % re.escape(step.cmd), log, re.S)
        if m:
            out.append(m.group(1).rstrip())
    return "\n".join(out)


def main():
    failed = 0
    names = sys.argv[1:]
    unknown = set(names) - {t.name for t in harness.SUITES["bench"]}
    if unknown:
        sys.exit("bench: no benchmark named %s" % ", ".join(sorted(unknown)))
    for test in harness.SUITES["bench"]:
        if names and test.name not in names:
            continue
        ok, reason, secs = harness.run_test(test)
        print("== %s (%.0f s; QEMU %s)" % (test.name, secs,
              " ".join(harness.qemu_command(test, "fs.img")[1:])))
        print(report(test))
        if not ok:
            print("bench: %s FAILED: %s" % (test.name, reason), file=sys.stderr)
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
