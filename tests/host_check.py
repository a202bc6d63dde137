"""Host-side tests of calf's pure modules (docs/reliability.md).

Builds and runs the cmocka unit tests in tests/host/ with the host C
compiler and -fsanitize=address,undefined, then builds each libFuzzer
target in tests/fuzz/ with clang (-fsanitize=fuzzer,address,undefined)
and runs it for a bounded time on a copy of its corpus (tests/fuzz/NAME/).
Each unit test and each fuzz target is a check of make test (alone:
make test T='_test$|_fuzz$'); HOST_FUZZ_SECONDS sets each fuzz run's time.

Kernel files are freestanding and bring their own memset, strlen and
friends (kernel/lib/string.c). They are compiled one by one with those
names changed (memset -> kernel_memset, ...), so that the kernel's
versions serve the kernel's code and the host C library's serve cmocka,
libFuzzer and the tests, exactly as in the kernel and on the host.

Python 3 standard library only; clang, libclang-rt-14-dev and
libcmocka-dev come from scripts/deps.sh."""
import glob
import os
import re
import shutil
import subprocess
import tempfile

from tests.kit import CheckFailed

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FUZZ_SECONDS = int(os.environ.get("HOST_FUZZ_SECONDS", "5"))
OUT = os.path.join(ROOT, "build", "host")
# What each test or target is built from, besides its own file.
FDT = ["kernel/riscv/fdt.c", "kernel/lib/string.c"]
SOURCES = {
    "elfcheck_test": ["kernel/proc/elfcheck.c"],
    "elfcheck_fuzz": ["kernel/proc/elfcheck.c"],
    "fdt_test": FDT,
    "fdt_fuzz": FDT,
    "path_test": ["kernel/fs/path.c", "kernel/lib/string.c"],
    "string_test": ["kernel/lib/string.c"],
    "diskfmt_test": ["mkfs/diskfmt.c"],
    "dirrules_test": ["mkfs/dirrules.c"],
}
# The longest input each fuzz target gets: QEMU's device trees run to 5 KiB.
MAX_LEN = {"fdt_fuzz": 8192}
# The freestanding kernel's own names that the host C library also has.
KERNEL_NAMES = ["memset", "memcmp", "memmove", "memcpy", "strncmp", "strncpy", "strlen"]
KERNEL_FLAGS = ["-ffreestanding"] + ["-D%s=kernel_%s" % (n, n) for n in KERNEL_NAMES]
SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all"]


def run(cmd, timeout):
    r = subprocess.run(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout)
    return r.returncode, r.stdout.decode("utf-8", "replace")


def tail(text, n=15):
    return "\n".join(text.strip().split("\n")[-n:])


def build(name, path, cc, flags, libs):
    os.makedirs(OUT, exist_ok=True)
    """Compile path and its SOURCES into OUT/name; None, or why it failed."""
    objdir = os.path.join(OUT, "obj", name)
    os.makedirs(objdir, exist_ok=True)
    objs = []
    for src in [os.path.relpath(path, ROOT)] + SOURCES.get(name, []):
        obj = os.path.join(objdir, src.replace("/", "_") + ".o")
        extra = KERNEL_FLAGS if src.startswith("kernel/") else []
        rc, out = run([cc, "-Wall", "-Werror", "-std=c11", "-g", "-O1", "-I."] + flags + extra
                      + ["-c", "-o", obj, src], 120)
        if rc != 0:
            hint = "\n(run: bash scripts/deps.sh)" if "cmocka.h" in out else ""
            return "%s does not build:\n%s%s" % (src, tail(out), hint)
        objs.append(obj)
    rc, out = run([cc] + flags + ["-o", os.path.join(OUT, name)] + objs + libs, 120)
    return None if rc == 0 else "does not link:\n" + tail(out)


def unit_test(path):
    name = os.path.splitext(os.path.basename(path))[0]
    why = build(name, path, os.environ.get("HOSTCC", "gcc"), SANITIZE, ["-lcmocka"])
    if why:
        return name, why
    rc, out = run([os.path.join(OUT, name)], 60)
    if rc != 0:
        return name, "exit %d:\n%s" % (rc, tail(out))
    passed = re.findall(r"\[  PASSED  \] (\d+) test", out)
    return name + (" (%s cmocka tests)" % passed[-1] if passed else ""), None


def fuzz_target(path, seconds):
    name = os.path.splitext(os.path.basename(path))[0]
    why = build(name, path, "clang", ["-fsanitize=fuzzer,address,undefined",
                                      "-fno-sanitize-recover=all"], [])
    if why:
        return name, why
    exe = os.path.join(OUT, name)
    seeds = os.path.join(os.path.dirname(path), name.replace("_fuzz", ""))
    corpus = tempfile.mkdtemp(prefix="calf-corpus-")
    try:
        for f in glob.glob(os.path.join(seeds, "*")):
            shutil.copy(f, corpus)
        rc, out = run([exe, "-max_total_time=%d" % seconds, "-seed=1",
                       "-max_len=%d" % MAX_LEN.get(name, 4096),
                       "-artifact_prefix=%s/" % OUT, corpus, ], seconds + 120)
    finally:
        shutil.rmtree(corpus, ignore_errors=True)
    if rc != 0:
        return name, "found a crash (exit %d):\n%s" % (rc, tail(out))
    runs = [l for l in out.split("\n") if l.startswith("Done ")]
    return name + (" (%s)" % runs[-1] if runs else ""), None


def passes(result):
    """A check function from (name, why-or-None)."""
    _, why = result
    if why:
        raise CheckFailed(why)


def checks():
    """One check per unit test in tests/host/ and fuzz target in tests/fuzz/."""
    units = sorted(glob.glob(os.path.join(ROOT, "tests/host/*.c")))
    fuzz = sorted(glob.glob(os.path.join(ROOT, "tests/fuzz/*_fuzz.c")))
    name = lambda p: os.path.splitext(os.path.basename(p))[0]  # noqa: E731
    return ([(name(p), lambda p=p: passes(unit_test(p))) for p in units] +
            [(name(p), lambda p=p: passes(fuzz_target(p, FUZZ_SECONDS))) for p in fuzz])


CHECKS = checks()
