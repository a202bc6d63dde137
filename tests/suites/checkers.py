"""The kernel's own checkers (docs/reliability.md): each boot breaks a
rule on purpose and expects the checker's report.

Data only: a Test is a machine shape and Steps (tests/harness.py runs
them); every test keeps the name it has always had."""

import os
import re
import shutil
import subprocess

from tests.harness import Step, Test, NONZERO, PANIC_PREFIX, KERNEL, KSAN_KERNEL


SUITES = {}

# Each boot breaks a rule on purpose (kernel/main.c, boottest=) and expects
# the checker's report and a panic. The lock tests need KERNEL to be a
# LOCKCHECK (or KSAN) kernel, as make test's is; the UBSan test boots the
# KSAN kernel whatever KERNEL is.
ADDR = r"0x80[0-9a-f]{6}"  # an address in the kernel's text
ADDR2LINE = os.environ.get("ADDR2LINE") or next(
    (t for t in ("riscv64-unknown-elf-addr2line", "riscv64-linux-gnu-addr2line",
                 "riscv64-elf-addr2line") if shutil.which(t)), "riscv64-unknown-elf-addr2line")


def functions_at(kernel, addr):
    """The functions the call before return address addr is in, innermost
    first: the inline chain addr2line reports for addr - 1 (an address
    inside the call instruction, not the one after it)."""
    r = subprocess.run([ADDR2LINE, "-f", "-i", "-e", kernel, "0x%x" % (int(addr, 16) - 1)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=60)
    return r.stdout.split("\n")[0::2][:-1]


def sites_in(funcs, kernel=None):
    """A Step check: the addresses in the panic line, in order, are calls
    made in these functions of the kernel (directly or from code inlined
    into them), so a report names the right call sites."""
    def check(out):
        line = next((l for l in out.split("\n") if l.startswith(PANIC_PREFIX)), "")
        addrs = re.findall(ADDR, line)
        try:
            chains = [functions_at(kernel or KERNEL, a) for a in addrs]
        except OSError as e:
            return "cannot run %s: %s" % (ADDR2LINE, e)
        if len(chains) != len(funcs) or any(f not in c for f, c in zip(funcs, chains)):
            return "the report's addresses %s are calls in %s, want %s" % (addrs, chains,
                                                                            list(funcs))
        return None
    return check


def checker_test(name, bootarg, *expect, kernel=None, sites=()):
    return Test(name, bootargs="boottest=" + bootarg, shell=False, panic_ok=True,
                exit_code=NONZERO, timeout=30, kernel=kernel, steps=[
                    Step(None, expect + (r"backtrace:\n  0x",), prompt=False,
                         check=sites_in(sites, kernel) if sites else None),
                ])


SUITES["checkers"] = [
    checker_test("lock-twice", "lock-twice",
                 r"(?m)^panic: spin_lock: boottest already held by this hart "
                 r"\(taken again at %s, first at %s\)$" % (ADDR, ADDR),
                 sites=("boot_selftest", "boot_selftest")),
    checker_test("lock-intr", "lock-intr",
                 r"(?m)^panic: lockcheck: interrupts turned on at %s holding spinlock "
                 r"boottest, taken at %s$" % (ADDR, ADDR),
                 sites=("boot_selftest", "boot_selftest")),
    checker_test("lock-sleep", "lock-sleep",
                 r"(?m)^panic: lockcheck: context switch \(sched called from %s\) holding "
                 r"spinlock boottest, taken at %s$" % (ADDR, ADDR),
                 sites=("sleep", "boottest_lock_sleep")),
    checker_test("ubsan", "ubsan",
                 r"(?m)^ubsan: 2147483647 \+ 1 cannot be represented in type 'int'$",
                 r"(?m)^panic: ubsan: signed integer overflow at kernel/main\.c:\d+:\d+$",
                 kernel=KSAN_KERNEL),
]
