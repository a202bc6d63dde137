#!/usr/bin/env python3
"""Host-side tests of calf's pure modules (docs/reliability.md).

Builds and runs the unit tests in tests/host/ with the host C compiler,
then builds each libFuzzer target in tests/fuzz/ with clang
(-fsanitize=fuzzer,address,undefined) and runs it for a bounded time on
a copy of its corpus (tests/fuzz/NAME/). Prints `ok NAME` or
`FAIL NAME: why` per step and exits non-zero on any failure.

    python3 tests/host_check.py [--fuzz-seconds N]

Python 3 standard library only; clang and libclang-rt-14-dev come from
scripts/deps.sh."""
import argparse
import glob
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "build", "host")
# What each test or target is built from, besides its own file.
SOURCES = {
    "elfcheck_test": ["kernel/proc/elfcheck.c"],
    "elfcheck_fuzz": ["kernel/proc/elfcheck.c"],
}


def run(cmd, timeout):
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout)
    return r.returncode, r.stdout.decode("utf-8", "replace")


def tail(text, n=15):
    return "\n".join(text.strip().split("\n")[-n:])


def unit_test(path):
    name = os.path.splitext(os.path.basename(path))[0]
    exe = os.path.join(OUT, name)
    rc, out = run([os.environ.get("HOSTCC", "gcc"), "-Wall", "-Werror", "-std=c11", "-O1",
                   "-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-I.",
                   "-o", exe, path] + SOURCES.get(name, []), 120)
    if rc != 0:
        return name, "does not build:\n" + tail(out)
    rc, out = run([exe], 60)
    return name, None if rc == 0 else "exit %d:\n%s" % (rc, tail(out))


def fuzz_target(path, seconds):
    name = os.path.splitext(os.path.basename(path))[0]
    exe = os.path.join(OUT, name)
    rc, out = run(["clang", "-g", "-O1", "-std=c11", "-fsanitize=fuzzer,address,undefined",
                   "-fno-sanitize-recover=all", "-I.", "-o", exe, path] + SOURCES.get(name, []),
                  180)
    if rc != 0:
        return name, "does not build:\n" + tail(out)
    seeds = os.path.join(os.path.dirname(path), name.replace("_fuzz", ""))
    corpus = tempfile.mkdtemp(prefix="calf-corpus-")
    try:
        for f in glob.glob(os.path.join(seeds, "*")):
            shutil.copy(f, corpus)
        rc, out = run([exe, "-max_total_time=%d" % seconds, "-seed=1", "-max_len=4096",
                       "-artifact_prefix=%s/" % OUT, corpus, ], seconds + 120)
    finally:
        shutil.rmtree(corpus, ignore_errors=True)
    if rc != 0:
        return name, "found a crash (exit %d):\n%s" % (rc, tail(out))
    runs = [l for l in out.split("\n") if l.startswith("Done ")]
    return name + (" (%s)" % runs[-1] if runs else ""), None


def main():
    ap = argparse.ArgumentParser(description="host unit tests and bounded libFuzzer runs")
    ap.add_argument("--fuzz-seconds", type=int, default=20)
    args = ap.parse_args()
    os.makedirs(OUT, exist_ok=True)
    results = [unit_test(p) for p in sorted(glob.glob(os.path.join(ROOT, "tests/host/*.c")))]
    results += [fuzz_target(p, args.fuzz_seconds)
                for p in sorted(glob.glob(os.path.join(ROOT, "tests/fuzz/*_fuzz.c")))]
    failed = 0
    for name, why in results:
        if why is None:
            print("ok %s" % name)
        else:
            failed += 1
            print("FAIL %s: %s" % (name, why))
    print("host-check: %d passed, %d failed" % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
