#!/usr/bin/env python3
"""make bench: run forkbench under QEMU with -icount shift=0,sleep=off and
print its table. With icount, guest time counts instructions, so the
figures repeat exactly from run to run; docs/benchmarks.md keeps them."""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402


def main():
    test = harness.SUITES["bench"][0]
    ok, reason, secs = harness.run_test(test)
    log = open(os.path.join(harness.OUTDIR, test.name + ".log"), "rb").read().decode("utf-8", "replace")
    m = re.search(r"(?ms)^forkbench: minimum.*?^spawn\+wait vs cow[^\n]*$", log)
    if m:
        print(m.group(0).replace("\r", ""))
    if not ok:
        print("bench: FAILED: %s" % reason, file=sys.stderr)
        return 1
    print("(%.0f s; QEMU %s)" % (secs, " ".join(harness.qemu_command(test, "fs.img")[1:])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
