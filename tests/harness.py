#!/usr/bin/env python3
"""Headless test harness: boots calf in QEMU and talks to its shell.

Owns: running each test in its own QEMU on its own copy of fs.img (or of
an image an earlier test kept), and the invariant that no QEMU outlives
the harness. Every QEMU is started in a new process group (and, on Linux,
with a parent-death signal) and is killed in a `finally`, so a failure, a
timeout, Ctrl-C or a SIGTERM from CI all end it.

A test is data: a machine shape (cpus, memory, boot arguments), a list of
Steps (a line to type and regexes its output must match), a timeout for the
whole test, and optionally the exit status QEMU itself must end with. The
console is a plain byte stream, so "a command's output" is defined as what
QEMU prints after the echo of the typed line, up to the next shell prompt.

A line starting with "panic: " is the kernel's panic message; unless a test
expects a panic, seeing one fails the test at once, with that line as the
reason. Each test's whole console output is kept in tests/out/NAME.log,
up to MAX_CONSOLE bytes: a kernel that floods the console fails its test
there (the rest is read and dropped, so neither memory nor disk fills up).

After every QEMU run that went as the test wanted (and was not looking for
a panic), the host fsck must find the disk image clean: a test that
leaves the file system inconsistent fails even if every output matched.

Some tests need more than one boot, or the disk an earlier test left:
a Test may boot again on the same disk (`then`), start from an image an
earlier test kept (`disk`, `keep`), and named groups in a step's expect
regexes record facts -- figures measured at run time, such as how many
disk writes a workload issues -- from which a Generated entry writes
the tests that need them (the crash-consistency sweep).

usage: python3 tests/harness.py [--list] [-k PATTERN] [--beside SUITES [--beside-first CMD]]
                               [suite-or-test...]
env:   QEMU (default qemu-system-riscv64), KERNEL (kernel/kernel),
       KSAN_KERNEL (build/ksan/kernel, for the tests that need UBSan),
       FSIMG (fs.img), FSCK (mkfs/fsck)
Prints `PASS name (3.2s)` or `FAIL name: reason` per test, then
`N passed, M failed`; exits non-zero if any test failed.
"""

from __future__ import annotations

import argparse
import codecs
import ctypes
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTDIR = os.path.join(ROOT, "tests", "out")
QEMU = os.environ.get("QEMU", "qemu-system-riscv64")
KERNEL = os.environ.get("KERNEL", os.path.join(ROOT, "kernel", "kernel"))
KSAN_KERNEL = os.environ.get("KSAN_KERNEL", os.path.join(ROOT, "build", "ksan", "kernel"))
FSIMG = os.environ.get("FSIMG", os.path.join(ROOT, "fs.img"))
FSCK = os.environ.get("FSCK", os.path.join(ROOT, "mkfs", "fsck"))
MKFS = os.environ.get("MKFS", os.path.join(ROOT, "mkfs", "mkfs"))
FSFILES = [os.path.join(ROOT, "build", "README")]  # what the Makefile gives mkfs
FSLIST = os.path.join(ROOT, "build", "fs.list")    # ... and the programs

CRASH_CPUS = 1                         # crashwork is one process: on one hart the
                                       # suite takes 70% of the time, half the CPU
TRIMCAP = "trimcap=32"                 # the crash runs: a truncation step cuts at
                                       # most 32 blocks, so crashwork's TRUNC of E
                                       # takes several transactions
GROUP = "commit=group commitsecs=0"     # the crash runs under commit=group: no
                                       # time limit, so commits fall at the same
                                       # writes in every run
BOOT_PROMPT = re.compile(r"(?m)^\$ ")  # the shell's first prompt after boot
PROMPT = "$ "                          # the prompt that ends a command's output
PANIC_PREFIX = "panic: "
NONZERO = "nonzero"                    # Test.exit_code: any failure status
POLL = 0.02                            # seconds between looks at the output
SETTLE = 10.0                          # quiet seconds after the prompt before
                                       # a step's missing output is final
MAX_CONSOLE = 1 << 20                  # bytes of console output a test may
                                       # print; past it the test fails (a flood)


@dataclass
class Step:
    cmd: str | None           # line to type; None only watches the output
    expect: tuple = ()        # regexes that must all match the output; their
                              # named groups are recorded as facts
    absent: tuple = ()        # regexes that must not match it
    prompt: bool = True       # the output ends at the next shell prompt
    check: object = None      # optional check(output) -> None, or why it fails


@dataclass
class Test:
    name: str
    steps: list
    cpus: int = 3
    mem: str = "128M"
    bootargs: str | None = None
    timeout: float = 90.0     # seconds for the whole test, boot included
    exit_code: int | str | None = None  # None: QEMU must still be running
    shell: bool = True        # wait for the shell's prompt before step 1
    panic_ok: bool = False    # a panic is what the test is looking for
    icount: bool = False      # guest time counts instructions (benchmarks)
    sleep: bool = False       # with icount: idle guest time passes at the host's
                              # real speed (sleep=on), so a disk wait costs about
                              # what the host took, not a jump to the next timer
    disk: str | None = None   # start from the image an earlier test kept
                              # under this name (default: a copy of fs.img)
    keep: str | None = None   # if the test passes, keep its image by this name
    fssize: int | None = None # boot on an image of this many blocks with
                              # fs.img's files (mkfs -s): for tests that
                              # fill the disk, which the default is too big for
    then: Test | None = None  # boot again on the same disk, as this Test says
    kernel: str | None = None # boot this kernel instead of KERNEL


@dataclass
class Generated:
    """A suite entry for tests that can be written only once earlier tests
    of the same run have measured something: make(facts) returns them, and
    raises KeyError if a fact it needs was never recorded."""
    name: str
    make: object


class Run:
    """What the tests of one harness run share: the facts recorded by the
    steps that passed, and the disk images tests kept by name (in a
    temporary directory that close() removes)."""

    def __init__(self):
        self.facts = {}
        self.dir = None

    def image(self, name):
        if self.dir is None:
            self.dir = tempfile.mkdtemp(prefix="calf-images-")
        return os.path.join(self.dir, name + ".img")

    def small_image(self, blocks):
        """An image of `blocks` blocks holding fs.img's files, made once
        per run with mkfs -s from the files the Makefile put on fs.img."""
        path = self.image("fssize-%d" % blocks)
        if not os.path.isfile(path):
            with open(FSLIST) as f:
                progs = [os.path.join(ROOT, p) for p in f.read().split()]
            r = subprocess.run([MKFS, "-s", str(blocks), path] + FSFILES + progs,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
            if r.returncode != 0:
                raise TestFailure("mkfs -s %d failed: %s" % (blocks, r.stdout.decode().strip()))
        return path

    def close(self):
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)


def boot_only(name, cpus=3, mem="128M"):
    return Test(name, cpus=cpus, mem=mem, steps=[Step("echo ok", (r"(?m)^ok$",))])


# Messages are matched loosely where calf's user programs may word them
# their own way; what matters is that something complains.
COMPLAINT = r"(?i)fail|error|cannot|can't|no such|not found|bad|invalid"

SUITES = {
    "boot": [
        Test("boot", exit_code=0, steps=[
            Step("echo hi | wc", (r"\b1 1 3\b",)),
            Step("ls", (r"(?m)^cat\s", r"(?m)^sh\s", r"(?m)^usertests\s")),
            Step("poweroff", prompt=False),
        ]),
        boot_only("boot-cpus1", cpus=1),
        boot_only("boot-cpus4", cpus=4),
        boot_only("boot-512M", mem="512M"),
    ],
    "panic": [
        Test("panic", bootargs="boottest=panic", shell=False, panic_ok=True,
             exit_code=NONZERO, timeout=20, steps=[
                 Step(None, (r"(?m)^panic: ", r"backtrace"), prompt=False),
             ]),
    ],
    "shell": [
        Test("shell-redirect", steps=[
            Step("echo abc > f"),
            Step("cat f", (r"(?m)^abc$",)),
            Step("wc < f", (r"\b1 1 4\b",)),
            Step("cat < f > g"),
            Step("cat g", (r"(?m)^abc$",)),
        ]),
        Test("shell-pipe", steps=[
            Step("echo one two three | wc", (r"\b1 3 14\b",)),
            Step("echo x | cat | cat | wc", (r"\b1 1 2\b",)),
        ]),
        Test("shell-list", steps=[
            Step("echo x ; echo y", (r"(?m)^x\ny$",)),
            Step("( echo a ; echo b ) | wc", (r"\b2 2 4\b",)),
            Step("echo bg > bgf &"),  # to a file: the console interleaves bytes of two processes
            Step("echo fg", (r"(?m)^fg$",)),
            Step("cat bgf", (r"(?m)^bg$",)),
        ]),
        Test("shell-dirs", steps=[
            Step("mkdir d"),
            Step("cd d"),
            Step("/echo q > g"),  # programs live in /, and exec has no PATH
            Step("/cat g", (r"(?m)^q$",)),
            Step("cd .."),
            Step("cat d/g", (r"(?m)^q$",)),
            Step("ln d/g h"),
            Step("cat h", (r"(?m)^q$",)),
            Step("ls d", (r"(?m)^g\s",)),
            Step("ls -l d", (r"(?m)^g\s+2 \d+ 2 -",)),  # -l: the long form ls always prints
            Step("ls -a", (r"(?m)^ls: unknown option -a$", r"(?m)^usage: ls \[-l\]")),
            Step("rm h"),
            Step("ls", (r"(?m)^d\s",), absent=(r"(?m)^h\s",)),
            Step("cat h", (COMPLAINT,), absent=(r"(?m)^q$",)),
            Step("cd nosuchdir", (COMPLAINT,)),
        ]),
        Test("shell-grep", steps=[
            Step("echo needle > t"),
            Step("grep nee t", (r"(?m)^needle$",)),
            Step("grep hay t", absent=(r"needle",)),
            Step("echo haystack | grep st", (r"(?m)^haystack$",)),
            Step("grep ^ne.*e$ t", (r"(?m)^needle$",)),
        ]),
        Test("shell-errors", steps=[
            Step("kill 9999", (COMPLAINT,)),
            Step("nosuchcommand", (COMPLAINT,)),
            Step("echo still alive", (r"(?m)^still alive$",)),
        ]),
    ],
    "cow": [
        Test("cowtest", timeout=600, steps=[
            Step("cowtest", (r"(?m)^ALL COW TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
        Test("cowtest-cpus1", cpus=1, timeout=600, steps=[
            Step("cowtest", (r"(?m)^ALL COW TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
        Test("labcow", timeout=300, steps=[
            Step("labcow", (r"(?m)^labcow simple: ok$", r"(?m)^labcow three: ok$",
                            r"(?m)^labcow file: ok$", r"(?m)^labcow forkfork: ok$",
                            r"(?m)^ALL LABCOW TESTS PASSED$"), absent=(r"FAILED",)),
        ]),
        Test("cow-tools", steps=[
            Step("free", (r"(?m)^frames: total \d+, free \d+, used \d+, shared \d+$",
                          r"(?m)^cow faults: \d+ \(copies \d+, reuses \d+\)$")),
            # sh may not be asleep in wait yet: an idle hart, woken by IPI,
            # can run ps while sh is still on its way there.
            Step("ps", (r"(?m)^1\s+sleep\s+init\s+\d+", r"(?m)^2\s+(sleep|runble|run)\s+sh\s+\d+",
                        r"(?m)^\d+\s+run\s+ps\s+\d+")),
            Step("cowtest mode", (r"(?m)^fork mode: cow$",)),
        ]),
        Test("cow-bootarg-eager", bootargs="fork=eager", steps=[
            Step("cowtest mode", (r"(?m)^fork mode: eager$",)),
        ]),
    ],
    # The page cache and mmap (docs/pagecache.md): every rule, one test each,
    # on one hart and on four; the fork test also switches fork strategies.
    "mmap": [
        Test("maptest", timeout=300, steps=[
            Step("maptest", (r"(?m)^ALL MMAP TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
        Test("maptest-cpus1", cpus=1, timeout=300, steps=[
            Step("maptest", (r"(?m)^ALL MMAP TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
        Test("maptest-cpus4", cpus=4, timeout=300, steps=[
            Step("maptest", (r"(?m)^ALL MMAP TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
        # Two readers, each reading into a mapping of the other's file: no
        # inode lock may be held while a copy faults (user/mapabba.c).
        Test("mapabba", cpus=2, timeout=120, steps=[
            Step("mapabba", (r"(?m)^mapabba: OK$",), absent=(r"FAILED",)),
        ]),
        # The mmap lab's own test (docs/labs/mmap.md), on the classic calls.
        Test("labmmap", timeout=120, steps=[
            Step("labmmap", (r"(?m)^labmmap private: ok$", r"(?m)^labmmap shared: ok$",
                             r"(?m)^labmmap exit: ok$", r"(?m)^labmmap fork: ok$",
                             r"(?m)^ALL LABMMAP TESTS PASSED$"), absent=(r"FAILED",)),
        ]),
    ],
    "spawn": [
        Test("spawntest", timeout=300, steps=[
            Step("spawntest", (r"(?m)^ALL SPAWN TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
        Test("spawntest-cpus4", cpus=4, timeout=300, steps=[
            Step("spawntest", (r"(?m)^ALL SPAWN TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
        Test("shell-spawn", steps=[
            Step("echo spawned > s1 ; cat s1", (r"(?m)^spawned$",)),
            Step("cat < s1 > s2 ; cat s2", (r"(?m)^spawned$",)),
            Step("time echo timed", (r"(?m)^timed$", r"(?m)^time: \d+ ticks$")),
            Step("nosuchprogram", (r"exec nosuchprogram failed",)),
        ]),
    ],
    "snapshots": [
        Test("snaptest", timeout=300, steps=[
            Step("snaptest", (r"(?m)^ALL SNAPSHOT TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
        Test("snaptest-cpus1", cpus=1, timeout=300, steps=[
            Step("snaptest", (r"(?m)^ALL SNAPSHOT TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
        Test("kvsnap", timeout=120, steps=[
            Step("kvsnap", (r"(?m)^kvsnap: dump of 4096 keys matches the state at the fork; "
                            r"the parent made 5000 updates meanwhile and copied \d+ pages$",),
                 absent=(r"FAILED",)),
        ]),
    ],
    # COW in practice (docs/cow-in-practice.md): each program checks its
    # lesson itself and prints one verdict line per check.
    "practice": [
        # Its clocks are simulated, so the figures do not depend on the
        # harts; one hart runs it with the least CPU (under fork=sharedpt too).
        Test("prefork", cpus=1, timeout=180, steps=[
            Step("prefork", tuple(
                r"(?m)^prefork L=%d: %s: ok$" % (rate, what)
                for rate in (1, 2, 4)
                for what in (r"shared pages per worker within 15% of the model",
                             r"procstat agrees with memstat at every sample")) + (
                r"(?m)^prefork: free frames back to start: ok$",
                r"(?m)^prefork: OK$"), absent=(r"FAILED",)),
        ]),
        Test("rcwalk", timeout=120, steps=[
            Step("rcwalk", (r"(?m)^  in each object's header +512$",
                            r"(?m)^  in a side table +16$",
                            r"(?m)^  nowhere: objects immortal +0$",
                            r"(?m)^rcwalk: the header walk copies every object page: ok$",
                            r"(?m)^rcwalk: the side-table walk copies 3\.1% of that "
                            r"\(limit 5%\): ok$",
                            r"(?m)^rcwalk: the immortal walk copies nothing: ok$",
                            r"(?m)^rcwalk: free frames back to start: ok$",
                            r"(?m)^rcwalk: OK$"), absent=(r"FAILED",)),
        ]),
        Test("pdsdemo", timeout=120, steps=[
            Step("pdsdemo", (r"(?m)^pdsdemo: the bump allocator copies at most 2 pages "
                             r"per update: ok$",
                             r"(?m)^pdsdemo: the scattered free list copies at least d/2 "
                             r"pages per update: ok$",
                             r"(?m)^pdsdemo: free frames back to start: ok$",
                             r"(?m)^pdsdemo: OK$"), absent=(r"FAILED",)),
        ]),
        # Wall-clock ticks here, so one hart: with more, a job made runnable
        # while the other harts sit in wfi waits for their next timer tick,
        # and the figures measure the timer instead of fork and spawn.
        Test("dispatch", cpus=1, mem="256M", timeout=120, steps=[
            Step("dispatch", (r"(?m)^dispatch 128 MiB: spawn total below fork\+exec total: ok$",
                              r"(?m)^dispatch: free frames back to start: ok$",
                              r"(?m)^dispatch: OK$"), absent=(r"FAILED",)),
        ]),
    ],
    "creds": [
        # On 1, 4 and 8 harts (the RCU stress below).
        Test("credtest", cpus=1, timeout=300, steps=[
            Step("credtest", (r"(?m)^ALL CRED TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
        Test("credtest-cpus4", cpus=4, timeout=300, steps=[
            Step("credtest", (r"(?m)^ALL CRED TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
        # The RCU stress alone on 8 harts (issue 15): readers on every hart
        # while writers replace their creds; a freed cred is poisoned, and a
        # reader that met one would panic (kernel/proc/cred.c, cred_check).
        # The test checks that the live cred count comes back.
        Test("credtest-rcu-cpus8", cpus=8, timeout=300, steps=[
            Step("credtest rcu", (r"(?m)^credtest rcu: OK$", r"(?m)^ALL CRED TESTS PASSED$"),
                 absent=(r"FAILED",)),
        ]),
        Test("cred-tools", steps=[
            Step("id", (r"(?m)^uid=0 gid=0$",)),
            Step("runas 5 7 id", (r"(?m)^uid=5 gid=7$",)),
            Step("runas 5 7 suidtest", (r"(?m)^suidtest: uid=5 euid=0 gid=7 egid=7$",)),
            Step("ls suidtest", (r"(?m)^suidtest\s+2 \d+ \d+ -rwsr-xr-x 0 0$",)),
            Step("echo secret > s ; chmod 600 s"),
            Step("runas 5 7 cat s", (COMPLAINT,), absent=(r"secret",)),
            Step("chown 5:7 s ; runas 5 7 cat s", (r"(?m)^secret$",)),
            Step("runas 5 7 kill 1", (COMPLAINT,)),
            Step("runas 5 7 runas 0 0 id", (r"only root",), absent=(r"uid=0",)),
            Step("ps", (r"(?m)^1\s+sleep\s+init\s+\d+\s+\d+\s+\d+\s+\d+\s+0$",)),
            Step("rcustat", (r"(?m)^grace periods: \d+", r"(?m)^creds: live \d+")),
            # Only root may stop the machine; the console is everyone's.
            Step("runas 5 7 poweroff", (r"(?m)^poweroff: permission denied",)),
            Step("ls console", (r"(?m)^console\s+3 \d+ 0 crw-rw-rw- 0 0$",)),
        ]),
    ],
    "usertests": [
        Test("usertests", timeout=600, steps=[
            Step("usertests", (r"ALL TESTS PASSED",)),
        ]),
    ],
    # An xv6-style program (tests/xv6compat/, on the disk because make test
    # builds it as EXTRA_USER): sloppy printf formats, xv6's headers and
    # calls, README; it counts free pages before and after, as xv6 does.
    "xv6compat": [
        Test("xv6compat", timeout=180, steps=[
            Step("xv6compat", (r"(?m)^xv6compat: forks: exit statuses add up to 15$",
                               r"(?m)^xv6compat: heap: break 0x[0-9a-f]+, grown by 40960$",
                               r"(?m)^xv6compat: \d+ free pages before and after$",
                               r"(?m)^ALL TESTS PASSED$"),
                 absent=(r"FAILED", COMPLAINT)),
        ]),
    ],
    # The largest file on the default disk, and big files freed in
    # several transactions (O_TRUNC, unlink, close after unlink). One
    # process does all of it, and on one hart it takes about 2/3 of the
    # time (disk completions need no IPI to reach it).
    # commit=group: the test checks what the files hold and the free
    # counts, which no commit mode changes, and group commit writes the
    # file in about a sixth of the commits (issue 25).
    "bigfile": [
        Test("bigfiletest", cpus=1, timeout=900, bootargs="trimcap=64 commit=group", steps=[
            Step("bigfiletest", (r"(?m)^ALL BIGFILE TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
    ],
    "reflink": [
        # Its "full" test fills the disk: a small one (the default holds
        # 200,000 blocks). One process clones and writes: one hart (about
        # half the time of three; inject-reflinktest keeps three).
        Test("reflinktest", cpus=1, timeout=300, fssize=8000, steps=[
            Step("reflinktest", (r"(?m)^ALL REFLINK TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
        # A fresh image shares no block; a clone of a one-block file
        # shares one until the source goes.
        Test("clone-tools", steps=[
            Step("df", (r"(?m)^ +total +used +free +shared$",
                        r"(?m)^blocks +\d+ +\d+ +\d+ +0$", r"(?m)^inodes +\d+ +\d+ +\d+$")),
            Step("echo reflinked > f ; clone f g"),
            Step("cat g", (r"(?m)^reflinked$",)),
            Step("df", (r"(?m)^blocks +\d+ +\d+ +\d+ +1$",)),
            Step("clone f g", (r"(?m)^clone: cannot clone f to g$",)),
            Step("clone nosuch h", (r"(?m)^clone: cannot clone nosuch to h$",)),
            Step("cat h", (COMPLAINT,)),
            Step("clone f", (r"(?m)^usage: clone SRC DST$",)),
            Step("rm f ; cat g", (r"(?m)^reflinked$",)),
            Step("df", (r"(?m)^blocks +\d+ +\d+ +\d+ +0$",)),
        ]),
    ],
    # Crash consistency (user/crashwork.c): stop the disk after N block
    # writes, for N spread over crashwork's run, and check after a reboot
    # that the files are as after some prefix of its steps.
    "crash": [
        Test("crash-setup", cpus=CRASH_CPUS, keep="crash-base", exit_code=0, steps=[
            Step("crashwork setup", (r"(?m)^crashwork: setup done$",)),
            Step("crashwork check", (r"(?m)^crashwork: consistent at step 0 of \d+$",)),
            Step("poweroff", prompt=False),
        ]),
        # The whole run, to measure its span of disk writes [w0, w1); a
        # crash point that is never reached changes nothing.
        Test("crash-run", cpus=CRASH_CPUS, disk="crash-base",
             bootargs="crashafter=1000000000 " + TRIMCAP, exit_code=0,
             steps=[
                 Step("crashwork run", (r"(?m)^crashwork: start writes=(?P<crash_w0>\d+)$",
                                        r"(?m)^crashwork: end writes=(?P<crash_w1>\d+)$",
                                        r"(?m)^crashwork: truncate E writes=(?P<trunc_w0>\d+)-"
                                        r"(?P<trunc_w1>\d+)$",
                                        r"(?m)^crashwork: msync M writes=(?P<msync_w0>\d+)-"
                                        r"(?P<msync_w1>\d+)$",
                                        r"(?m)^crashwork: msync M2 writes=(?P<msync2_w0>\d+)-"
                                        r"(?P<msync2_w1>\d+)$",
                                        r"(?m)^crashwork: munmap M writes=(?P<munmap_w0>\d+)-"
                                        r"(?P<munmap_w1>\d+)$")),
                 Step("crashwork check", (r"(?m)^crashwork: consistent at step (\d+) of \1$",)),
                 Step("poweroff", prompt=False),
             ]),
        Generated("crash-points", lambda facts: crash_points(
            int(facts["crash_w0"]), int(facts["crash_w1"]),
            trunc=(int(facts["trunc_w0"]), int(facts["trunc_w1"])),
            writeback=[(int(facts[k + "_w0"]), int(facts[k + "_w1"]), k != "munmap")
                       for k in ("msync", "msync2", "munmap")])),
        # The same run on a disk with a simulated volatile write cache
        # (diskcache=wb): at the crash, every write since the last flush
        # is lost but the newest. Passes only if the log flushes where
        # order matters (docs/snapshots.md).
        Generated("crash-wb-points", lambda facts: crash_points(
            int(facts["crash_w0"]), int(facts["crash_w1"]), CRASH_WB_POINTS, "wb")),
        # Orphans (docs/reclaim.md): files unlinked while open, and big and
        # reflinked files freed in several steps. The whole run must end
        # with the free counts it started with; then crash points in it.
        Test("crash-orphans-run", cpus=CRASH_CPUS, disk="crash-base", exit_code=0,
             bootargs="crashafter=1000000000 " + TRIMCAP, steps=[
                 Step("crashwork orphans", (
                     r"(?m)^crashwork: orphans before free=(?P<orph_free>\d+) "
                     r"ifree=(?P<orph_ifree>\d+) dirsize=(?P<orph_dir>\d+)$",
                     r"(?m)^crashwork: orphans start writes=(?P<orph_w0>\d+)$",
                     r"(?m)^crashwork: orphans frees writes=(?P<orph_wf>\d+)$",
                     r"(?m)^crashwork: orphans end writes=(?P<orph_w1>\d+) ",
                     r"(?s)before free=(\d+) ifree=(\d+) .*end writes=\d+ free=\1 ifree=\2\s")),
                 Step("poweroff", prompt=False),
             ]),
        Generated("crash-orphan-points", lambda facts: orphan_points(facts)),
    ] + [
        # The same under commit=group (kernel/fs/log.c): a transaction holds
        # many steps, so a crash may lose several, but never one that an
        # fsync or sync made durable ("durable through step k"). The time
        # limit is off (commitsecs=0), so every run commits at the same
        # writes and the crash points mean the same thing in each.
        Test("crash-group-run", cpus=CRASH_CPUS, disk="crash-base",
             bootargs="crashafter=1000000000 %s %s" % (TRIMCAP, GROUP), exit_code=0,
             steps=[
                 Step("crashwork run", (r"(?m)^crashwork: start writes=(?P<crash_gw0>\d+)$",
                                        r"(?m)^crashwork: end writes=(?P<crash_gw1>\d+)$")),
                 Step("crashwork check", (r"(?m)^crashwork: consistent at step (\d+) of \1$",)),
                 Step("poweroff", prompt=False),
             ]),
        # Fewer points than under commit=op: the run commits a handful of
        # times, not once per step; and no window of every write of the last
        # commit, whose code commit=op's window already covers.
        Generated("crash-group-points", lambda facts: crash_points(
            int(facts["crash_gw0"]), int(facts["crash_gw1"]), CRASH_GROUP_POINTS,
            mode="group")),
        Generated("crash-group-wb-points", lambda facts: crash_points(
            int(facts["crash_gw0"]), int(facts["crash_gw1"]), CRASH_WB_POINTS, "wb",
            mode="group")),
        Test("crash-group-orphans-run", cpus=CRASH_CPUS, disk="crash-base", exit_code=0,
             bootargs="crashafter=1000000000 %s %s" % (TRIMCAP, GROUP), steps=[
                 Step("crashwork orphans", (
                     r"(?m)^crashwork: orphans before free=(?P<gorph_free>\d+) "
                     r"ifree=(?P<gorph_ifree>\d+) dirsize=(?P<gorph_dir>\d+)$",
                     r"(?m)^crashwork: orphans start writes=(?P<gorph_w0>\d+)$",
                     r"(?m)^crashwork: orphans frees writes=(?P<gorph_wf>\d+)$",
                     r"(?m)^crashwork: orphans end writes=(?P<gorph_w1>\d+) ",
                     r"(?s)before free=(\d+) ifree=(\d+) .*end writes=\d+ free=\1 ifree=\2\s")),
                 Step("poweroff", prompt=False),
             ]),
        Generated("crash-group-orphan-points", lambda facts: orphan_points(facts, mode="group")),
    ],
    # The journaling lesson (user/jdemo.c, docs/cow-in-practice.md): the
    # same workload under the three commit modes; commit=group must write
    # at most a quarter of commit=op's blocks per created file (issue 25).
    "log": [
        Test("jdemo-inplace", cpus=1, timeout=300, bootargs="commit=inplace", steps=[
            Step("jdemo", (r"(?m)^jdemo: OK$",)),
        ]),
        Test("jdemo-op", cpus=1, timeout=300, bootargs="commit=op", steps=[
            Step("jdemo", (r"(?m)^ +create +\d+ +\d+ +(?P<jd_op_create>\d+\.\d\d) ",
                           r"(?m)^jdemo: OK$")),
        ]),
        # fsync and sync under each mode (user/synctest.c).
        *[Test("synctest-" + mode, cpus=3, timeout=120, bootargs="commit=%s commitsecs=0" % mode,
               steps=[Step("synctest", (r"(?m)^ALL SYNC TESTS PASSED$",), absent=(r"FAILED",))])
          for mode in ("op", "group", "inplace")],
        # commit=group's time limit: a second.
        Test("synctest-timer", cpus=1, timeout=120, bootargs="commit=group commitsecs=1",
             steps=[Step("synctest timelimit", (r"(?m)^ALL SYNC TESTS PASSED$",),
                         absent=(r"FAILED",))]),
        Generated("jdemo-group", lambda facts: [
            Test("jdemo-group", cpus=1, timeout=300, bootargs="commit=group", steps=[
                Step("jdemo 1000 %d" % round(float(facts["jd_op_create"]) * 100),
                     (r"(?m)^jdemo: commit=group: .*: ok$", r"(?m)^jdemo: OK$"),
                     absent=(r"FAILED",)),
            ])]),
    ],
    "bench": [
        Test("forkbench", cpus=1, mem="512M", icount=True, timeout=900, steps=[
            Step("forkbench", (r"spawn\+wait vs cow fork\+exec\+wait",)),
        ]),
        Test("snapbench", cpus=1, mem="256M", icount=True, timeout=600, steps=[
            Step("snapbench", (r"(?m)^snapbench: done$",)),
        ]),
        Test("rcubench", cpus=1, icount=True, timeout=600, steps=[
            Step("rcubench", (r"(?m)^rcubench: done$",)),
        ]),
        Test("rcubench-cpus3", cpus=3, icount=True, timeout=600, steps=[
            Step("rcubench", (r"(?m)^rcubench: done$",)),
        ]),
        Test("dispatch-bench", cpus=1, mem="512M", icount=True, timeout=600, steps=[
            Step("dispatch 32 0 16 64 256", (r"(?m)^dispatch: OK$",), absent=(r"FAILED",)),
        ]),
        Test("clonebench", cpus=1, icount=True, timeout=600, steps=[
            Step("clonebench", (r"(?m)^clonebench: done$",)),
        ]),
        # Issue 23: exec of a program with 320 KiB of data against an empty
        # one, and the frames sleeping copies of it hold (docs/benchmarks.md).
        Test("execbench", cpus=1, icount=True, timeout=600, steps=[
            Step("execbench", (r"(?m)^execbench: done$",), absent=(r"NOT back",)),
        ]),
        # Its cold passes wait for the disk: sleep=on bounds those waits
        # (docs/benchmarks.md); every other figure counts instructions only.
        Test("mmapbench", cpus=1, icount=True, sleep=True, timeout=600, steps=[
            Step("mmapbench", (r"(?m)^mmapbench: done$",), absent=(r"FAILED", r"start: NO")),
        ]),
    ] + [
        # bigfiletest's MAXFILE file written and read back, under commit=op
        # and commit=group (issue 25: group at most half of op's ticks).
        Test("bigfile-bench-%s" % mode, cpus=1, icount=True, timeout=1800,
             bootargs="trimcap=64 commit=" + mode, steps=[
                 Step("bigfiletest maxfile", (r"(?m)^bigfiletest: maxfile: write and read back",
                                              r"(?m)^ALL BIGFILE TESTS PASSED$")),
             ]) for mode in ("op", "group")
    ] + [
        # jdemo under each commit mode (docs/benchmarks.md, issue 25).
        Test("jdemo-bench-%s" % mode, cpus=1, icount=True, timeout=900,
             bootargs="commit=" + mode, steps=[
                 Step("jdemo", (r"(?m)^jdemo: OK$",)),
             ]) for mode in ("inplace", "op", "group")
    ] + [
        # The scaling table (issue 15, docs/benchmarks.md): the same
        # figures on 1, 2, 4 and 8 harts; tests/bench.py gathers them.
        Test("rcuscale-cpus%d" % n, cpus=n, icount=True, timeout=600, steps=[
            Step("rcubench scale %d" % n, (r"(?m)^rcubench: done$",)),
            Step("forkbench -c", (r"(?m)^cow fork at 32 MiB: \d+ ticks",)),
        ]) for n in (1, 2, 4, 8)
    ],
}

# fork=sharedpt (issue 16, docs/cow.md): spttest's cases that break naive
# shared page tables, and the suites that exercise fork run again with the
# boot argument fork=sharedpt (each test's name gets "-sharedpt").
SHAREDPT_AGAIN = ("cowtest", "snaptest", "spawntest", "usertests", "maptest",
                  "prefork", "rcwalk", "pdsdemo", "dispatch")


def _sharedpt_suite():
    from dataclasses import replace
    again = [replace(t, name=t.name + "-sharedpt", bootargs="fork=sharedpt")
             for tests in SUITES.values() for t in tests
             if isinstance(t, Test) and t.name in SHAREDPT_AGAIN]
    return [
        Test("spttest", cpus=4, timeout=300, steps=[
            Step("spttest", (r"(?m)^ALL SHAREDPT TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
        Test("cow-bootarg-sharedpt", bootargs="fork=sharedpt", steps=[
            Step("cowtest mode", (r"(?m)^fork mode: sharedpt$",)),
            Step("free", (r"(?m)^shared page tables: \d+ \(copies \d+, reuses \d+\)$",)),
        ]),
    ] + again


SUITES["sharedpt"] = _sharedpt_suite()


# Many harts (issue 15, docs/rcu.md). Two harts under -icount once hung at
# boot (kernel/dev/virtio_blk.c rang the doorbell holding the lock its
# completion interrupt needs); the disk storms put requests from several
# harts in flight together, without icount, where harts really run at once.
SUITES["harts"] = [
    Test("harts-icount2", cpus=2, icount=True, timeout=300, steps=[
        Step("echo hi | wc", (r"\b1 1 3\b",)),
        Step("ls", (r"(?m)^usertests\s",)),
        Step("diskstorm 2 40", (r"(?m)^diskstorm: 2 processes x 40 blocks: OK$",),
             absent=(r"FAILED",)),
    ]),
    # A process woken on an idle 4-hart machine runs within 1 ms of virtual
    # time: an IPI wakes an idle hart (kernel/riscv/ipi.c), not its next tick.
    Test("harts-ipi-wakeup", cpus=4, icount=True, timeout=300, steps=[
        Step("wakelat", (r"(?m)^wakelat pipe: OK$", r"(?m)^wakelat kill: OK$",
                         r"(?m)^ALL WAKELAT TESTS PASSED$"), absent=(r"FAILED",)),
    ]),
    # A wakeup locks only the processes asleep on its channel, none when
    # nobody waits (kernel/sched/sleep.c, docs/sleep.md): on one hart and
    # on four, where the sleepers and the waker run side by side.
    Test("harts-waketest1", cpus=1, timeout=120, steps=[
        Step("waketest", (r"(?m)^ALL WAKE TESTS PASSED$",), absent=(r"FAILED",)),
    ]),
    Test("harts-waketest4", cpus=4, timeout=120, steps=[
        Step("waketest", (r"(?m)^ALL WAKE TESTS PASSED$",), absent=(r"FAILED",)),
    ]),
    Test("harts-disk2", cpus=2, timeout=300, steps=[
        Step("diskstorm 6 150", (r"(?m)^diskstorm: 6 processes x 150 blocks: OK$",),
             absent=(r"FAILED",)),
    ]),
    Test("harts-disk4", cpus=4, timeout=300, steps=[
        Step("diskstorm 8 150", (r"(?m)^diskstorm: 8 processes x 150 blocks: OK$",),
             absent=(r"FAILED",)),
    ]),
]



# ---- containers (issue 26, docs/containers.md) ----------------------------
# clonetree, chroot and the container tool. conttest's escape tests chroot
# a child and try every way out; its fill test fills the disk from inside
# a container, so it boots a small disk (the default holds 200,000
# blocks). fsck checks the image after each boot (run_boots).
SUITES["containers"] = [
    Test("conttest", cpus=2, timeout=400, fssize=8000, steps=[
        Step("conttest", (r"(?m)^ALL CONTAINER TESTS PASSED$",
                          r"(?m)^conttest cost: 16 files x 1 block: 1 blocks, 17 inodes, 16 shared, "
                          r"\d+ ticks; 16 files x 64 blocks: 17 blocks, 17 inodes, 1024 shared, \d+ ticks$",
                          r"(?m)^conttest fill: the container filled the disk: \d+ blocks free of \d+$",
                          r"(?m)^conttest: counts back "),
             absent=(r"FAILED", r"skipped")),
    ]),
    # What a clonetree costs, by files and their size, under -icount
    # (docs/containers.md's table): new blocks are one per directory and one
    # index block per file past the direct blocks, whatever its size.
    Test("clonetree-cost", cpus=1, icount=True, timeout=600, steps=[
        Step("conttest costs", (r"(?m)^ +8 +1 +8 \| +1 +9 +8 ",
                                r"(?m)^ +8 +256 +2048 \| +9 +9 +2048 ",
                                r"(?m)^ +32 +256 +8192 \| +33 +33 +8192 ",
                                r"(?m)^conttest costs: done$"), absent=(r"FAILED",)),
    ]),
    # The tools from the shell: an image of four programs and a file, a
    # snapshot of it, containers that see only the image, and the disk
    # as it was once the trees are gone (a fresh image shares no block).
    Test("container-tools", steps=[
        Step("mkdir img ; clone echo img/echo ; clone cat img/cat ; clone ls img/ls ; clone df img/df",
             absent=(COMPLAINT,)),
        Step("echo hello > img/motd"),
        Step("clonetree -v img snap",
             (r"(?m)^clonetree: 1 dirs, 5 files, 0 skipped: 6 inodes, \d+ blocks, \d+ newly shared, "
              r"\d+ ticks$",)),
        Step("cat snap/motd", (r"(?m)^hello$",)),
        Step("container img cat /motd", (r"(?m)^hello$",)),
        Step("container img cat /README ../../README", (r"(?m)^cat: cannot open /README$",
                                                        r"(?m)^cat: cannot open \.\./\.\./README$")),
        Step("container img ls /..", (r"(?m)^motd ", r"(?m)^echo "), absent=(r"README", r"snap")),
        Step("container -k c1 img echo inside", (r"(?m)^inside$",)),
        Step("ls c1", (r"(?m)^motd ",)),
        Step("container img rm /motd", (r"(?m)^container: cannot run rm$",)),
        Step("container img", (r"(?m)^usage: container ",)),
        Step("clonetree img", (r"(?m)^usage: clonetree ",)),
        Step("clonetree img snap", (r"(?m)^clonetree: cannot clone img to snap$",)),
        Step("runas 5 5 container img echo x", (r"(?m)^container: only root can make a container",)),
        Step("rmtree c1 snap img", absent=(COMPLAINT,)),
        Step("ls", absent=(r"(?m)^(img|snap|c1|ctr\.\d+) ",)),
        Step("df", (r"(?m)^blocks +\d+ +\d+ +\d+ +0$",)),
    ]),
]


# ---- reliability (issue 13, docs/reliability.md) --------------------------
# Regression tests for defects hostile input found, malformed executables,
# exhaustion, the system-call fuzzer and fault injection. fsck runs on the
# image after every boot (run_boots).
SUITES["reliability"] = [
    Test("reltest", cpus=4, timeout=400, steps=[
        Step("reltest", (r"(?m)^ALL RELIABILITY TESTS PASSED$",), absent=(r"FAILED",)),
    ]),
    # The test runner (user/testlib.c) fails a test that leaves a process
    # running, kills it, and still finds the frames back.
    Test("testlib-strays", steps=[
        Step("reltest runner", (
            r"(?m)^reltest stray: FAILED: 1 process\(es\) still running after it \(killed\)$",
            r"(?m)^SOME RUNNER TESTS FAILED$")),
        Step("ps", absent=(r"reltest",)),
    ]),
    Test("exhausttest", cpus=2, timeout=400, fssize=8000, steps=[
        Step("exhausttest", (r"(?m)^ALL EXHAUSTION TESTS PASSED$",), absent=(r"FAILED",)),
    ]),
    # The short fuzz run of make test: three seeds, each 12 rounds of 4
    # workers x 64 calls on 4 harts (make fuzz SEED=n ITERS=n for a soak).
    # Seed 2 runs under commit=group: fsync, sync and the last end_op then
    # race to commit one open log group (kernel/fs/log.c).
    *[Test("fuzz-seed%d" % seed, cpus=4, timeout=300,
           bootargs="commit=group" if seed == 2 else None, steps=[
        Step("fuzz %d 12" % seed, (r"(?m)^fuzz: OK seed %d: " % seed,), absent=(r"FAILED",)),
    ]) for seed in (1, 2, 3)],
    Test("elftest", timeout=200, steps=[
        Step("elftest", (r"(?m)^ALL ELF TESTS PASSED$",), absent=(r"FAILED",)),
    ]),
]


# ---- fault injection (issue 13, docs/inject.md) ---------------------------
# `inject test` checks the switch itself. The suites then run under a policy
# set at boot, each in its own boot through `inject run`, which puts only the suite in scope
# (init and sh stay out) and fails unless, once the suite and its children
# are gone, free frames, live creds, open files and cached inodes are back
# and memcheck is exact. The suites' own verdicts do not count: injected
# failures make their tests fail, which is allowed; a panic is not (the
# harness fails on one), and fsck checks the image after the boot.
INJECT_POLICY = "frame:r97,buf:r29,disk:r7,cred:5"
# Seeds: the boot argument sets the first; `inject set` the rest. make test
# runs two; INJECT_SEEDS=1,2,3,4 runs the four of docs/reliability.md's table.
INJECT_SEEDS = tuple(int(s) for s in os.environ.get("INJECT_SEEDS", "1,2").split(","))
INJECT_SUITES = ("cowtest", "snaptest", "spawntest", "credtest", "reflinktest", "usertests",
                 "maptest", "conttest")


def injected_some(out):
    m = re.search(r"(?m)^inject run \S+: exit -?\d+, injected (\d+)", out)
    return None if m and int(m.group(1)) > 0 else "no failure was injected"


def inject_steps(cmd):
    """Run cmd under the policy once per seed, then show the figures."""
    steps = [Step("inject", (r"(?m)^frame: random, 1 in 97$", r"(?m)^cred: every 5$",
                             r"(?m)^seed %d$" % INJECT_SEEDS[0]))]
    for seed in INJECT_SEEDS:
        if seed != INJECT_SEEDS[0]:
            steps.append(Step("inject set %s,seed:%d" % (INJECT_POLICY, seed), absent=(COMPLAINT,)))
        steps.append(Step("inject run " + cmd,
                          (r"(?m)^inject run: OK %s: " % cmd,
                           r"(?m)^inject run %s: exit -?\d+, injected \d+" % cmd),
                          absent=(r"LEAKED",), check=injected_some))
    return steps + [Step("inject", (r"(?m)^site frame \(frame\): calls \d+ injected \d+$",))]


SUITES["inject"] = [
    Test("inject-test", steps=[
        Step("inject test", (r"(?m)^ALL INJECT TESTS PASSED$",), absent=(r"FAILED",)),
    ]),
    # One boot per suite: each gets a fresh image, checked by fsck after.
    # reflinktest runs under commit=group: its clones take the whole log
    # (begin_op_exclusive), which then commits the open group first, and
    # its fsync and sync tests run with injected failures around them.
    *[Test("inject-" + cmd, timeout=300,
           bootargs="inject=%s,seed:%d%s" % (INJECT_POLICY, INJECT_SEEDS[0],
                                             " commit=group" if cmd == "reflinktest" else ""),
           steps=inject_steps(cmd)) for cmd in INJECT_SUITES],
]


# Checkpoint and restore (docs/checkpoint.md), in one block so it can move.
# ckpttest's round trips compare a checkpointed-and-restored worker's log
# with an uninterrupted run's, byte for byte: on 1 and 3 harts, under each
# fork strategy (the worker is a forked child, its pages shared with
# ckpttest the strategy's way), eager and lazy. Then a restore across a
# reboot, and the user tools from the shell.
def _ckpt_rounds(name, cpus, bootargs=None):
    return Test(name, cpus=cpus, bootargs=bootargs, timeout=400, steps=[
        Step("ckpttest eager", (r"(?m)^ALL CHECKPOINT TESTS PASSED$",), absent=(r"FAILED",)),
        Step("ckpttest lazy", (r"(?m)^ALL CHECKPOINT TESTS PASSED$",), absent=(r"FAILED",)),
    ])


SUITES["checkpoint"] = [
    Test("ckpttest", cpus=3, timeout=600, steps=[
        Step("ckpttest", (r"(?m)^ALL CHECKPOINT TESTS PASSED$",
                          r"(?m)^ckpttest malformed: (?P<ckpt_malformed>\d+) cases refused$",
                          r"(?m)^checkpoint: pid \d+ saved in w\.img \(killed\)$",
                          r"(?m)^restore: pid \d+ exited with status 0$",
                          r"(?m)^restore: ref\.log: failed\. Either: not a readable file"),
             absent=(r"FAILED",)),
    ]),
    Test("ckpttest-cpus1", cpus=1, timeout=600, steps=[
        Step("ckpttest", (r"(?m)^ALL CHECKPOINT TESTS PASSED$",), absent=(r"FAILED",)),
    ]),
    _ckpt_rounds("ckpt-fork-eager", 3, "fork=eager"),
    _ckpt_rounds("ckpt-fork-sharedpt", 3, "fork=sharedpt"),
    _ckpt_rounds("ckpt-fork-eager-cpus1", 1, "fork=eager"),
    _ckpt_rounds("ckpt-fork-sharedpt-cpus1", 1, "fork=sharedpt"),
    # A lazy restore with lazycost: the same log, only slower per fault.
    _ckpt_rounds("ckpt-lazycost", 2, "lazycost=20000"),
    Test("ckpt-reboot", cpus=3, exit_code=0, timeout=300, steps=[
        Step("ckpttest reboot-save", (r"(?m)^ckpttest: image saved$",
                                      r"(?m)^ALL CHECKPOINT TESTS PASSED$"), absent=(r"FAILED",)),
        Step("poweroff", prompt=False),
    ], then=Test("ckpt-reboot-restore", cpus=3, exit_code=0, timeout=300, steps=[
        Step("ckpttest reboot-restore", (r"(?m)^ALL CHECKPOINT TESTS PASSED$",),
             absent=(r"FAILED",)),
        Step("poweroff", prompt=False),
    ])),
    # What eager and lazy restore cost, under -icount (docs/checkpoint.md):
    # 8 MiB restored, then every page touched once; and again with a
    # per-fault cost added, which only the lazy figures feel.
    *[Test("ckpt-cost" + sfx, cpus=1, icount=True, timeout=600, bootargs=args, steps=[
        Step("ckpttest cost", (r"(?m)^ckpttest cost: eager cached: restore \d+ ticks, touching "
                               r"2048 pages \d+ ticks, 0 restore faults$",
                               r"(?m)^ckpttest cost: lazy cached: restore \d+ ticks, touching "
                               r"2048 pages \d+ ticks, 20\d\d restore faults$"),
             absent=(r"FAILED",)),
    ]) for sfx, args in (("", None), ("-lazycost", "lazycost=100000"))],
    # The lab's test (docs/labs/checkpoint.md): lazy restore's fault path.
    Test("labckpt", cpus=3, timeout=120, steps=[
        Step("labckpt", (r"(?m)^labckpt: all tests succeeded$",), absent=(r"FAILED",)),
    ]),
    # The tools' messages when something is wrong (ckpttest runs the calls).
    Test("ckpt-tools", cpus=2, timeout=300, steps=[
        Step("checkpoint 1 /init.img", (r"checkpoint: pid 1: failed\. Either: no such process",)),
        Step("restore /README", (r"restore: /README: failed\. Either: not a readable file; "
                                 r"not a valid image",)),
        Step("restore", (r"usage: restore PATH \[-lazy\]",)),
        Step("checkpoint", (r"usage: checkpoint PID PATH \[-k\]",)),
    ]),
    # Under fault injection (docs/inject.md): frames, buffers, disk and
    # creds fail at random under checkpoint, restore and the lazy faults;
    # nothing may leak or panic.
    Test("inject-ckpttest", timeout=400,
         bootargs="inject=%s,seed:%d" % (INJECT_POLICY, INJECT_SEEDS[0]),
         steps=inject_steps("ckpttest")),
]


# ---- the kernel's own checkers (docs/reliability.md) ----------------------
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


CRASH_POINTS = 20  # crash points spread evenly over crashwork's run (at least 20)
CRASH_WB_POINTS = 8  # ... and with the simulated write-back cache,
COMMIT_WINDOW = 12    # plus every point of the last commit's writes
CRASH_GROUP_POINTS = 12  # under commit=group (which has no window)


def crash_points(w0, w1, npoints=CRASH_POINTS, cache=None, trunc=None, writeback=(),
                 mode=None):
    """One test per crash point N in (w0, w1): boot the crash-setup image
    with crashafter=N, start `crashwork run` and let the disk stop; fsck
    the image as the crash left it; boot it again, where `crashwork check`
    must find the state after some prefix of the steps -- none of them if
    the crash came right after the run's first write, and never fewer steps than
    an earlier crash point (a later crash cannot lose what an earlier one
    kept) -- and fsck it once more. With cache="wb" the disk also keeps
    writes in a simulated volatile cache until a flush (boot argument
    diskcache=wb), and the tests are named crash-wb-N. trunc, the span of
    writes (t0, t1] of crashwork's several-transaction truncation of E, adds
    points a third and two thirds into it, where at least one of its
    transactions has committed and the last has not: there the check must
    find E cut part way ("part done"). writeback, spans (t0, t1, whole) of
    crashwork's msync and munmap write-backs (one transaction per page),
    adds points a third and two thirds into each; where its pages are of
    one size (whole), the check must find the step part done: some pages
    new, the rest old, none torn. And at every point, each step the run
    reported durable before the disk stopped must have survived: under
    commit=op a step reported done or synced (write() and msync are durable
    when they return). mode="group" boots with commit=group (tests named
    crash-group-N), where only what fsync, sync or msync made durable
    ("durable through step k", "step k synced") must survive."""
    # The disk stops at the first write or flush after write N; with N = w0
    # that would be boot's own flush, before the run, so the points start
    # at the run's first write.
    # N = w1 stops the disk at the run's last flush, after every write.
    first, last = w0 + 1, w1
    ns = {first, first + 1, last} | {first + round(i * (last - first) / (npoints - 1))
                                     for i in range(npoints)}
    if cache and mode != "group":
        # Every point of the run's last commit, so that each of its writes
        # and flushes is a crash point once: the spread above hits some
        # commit phases only by chance.
        ns |= set(range(max(first, w1 - COMMIT_WINDOW), w1 + 1))
    inside = set()
    if trunc:
        t0, t1 = trunc
        inside = {t0 + (t1 - t0) // 3, t0 + 2 * (t1 - t0) // 3}
        ns |= inside
    inside_wb = set()
    for t0, t1, whole in writeback:
        thirds = {t0 + (t1 - t0) // 3, t0 + 2 * (t1 - t0) // 3}
        ns |= thirds
        if whole:
            inside_wb |= thirds
    name = "crash-" + "".join(x + "-" for x in (mode, cache) if x)
    extra = " diskcache=%s" % cache if cache else ""
    extra += " " + GROUP if mode == "group" else ""
    recovered = []  # (N, step reached) of the points that passed, by N
    durable = {}    # N -> the last step the crashed run reported durable
    # Under commit=op a step is durable when it returns ("done"); under
    # commit=group only when fsync, sync or msync said so.
    said = (r"(?m)^crashwork: (?:durable through step (\d+)|step (\d+) synced)$" if mode == "group"
            else r"(?m)^crashwork: (?:durable through step (\d+)|step (\d+) (?:done|synced))$")

    def note_durable(n):
        def check(out):
            done = [int(a or b) for a, b in re.findall(said, out)]
            durable[n] = max(done + [0])
            return None
        return check

    def no_step_lost(n):
        def check(out):
            k = int(re.search(r"consistent at step (\d+)", out).group(1))
            if k < durable.get(n, 0):
                return ("recovered to step %d, but step %d was durable before the crash"
                        % (k, durable[n]))
            if recovered and k < recovered[-1][1]:
                return ("recovered to step %d, but the crash after %d writes kept %d steps"
                        % (k, recovered[-1][0], recovered[-1][1]))
            recovered.append((n, k))
            return None
        return check

    return [Test(name + str(n), disk="crash-base", cpus=CRASH_CPUS,
                 bootargs="crashafter=%d %s%s" % (n, TRIMCAP, extra),
                 timeout=60,
                 steps=[Step("crashwork run", (r"(?m)^crashwork: start writes=%d$" % w0,
                                               r"(?m)^crash: disk stopped after %d writes$" % n),
                             absent=(r"crashwork: end writes",), prompt=False,
                             check=note_durable(n))],
                 then=Test(name + "%d-reboot" % n, cpus=CRASH_CPUS, exit_code=0, timeout=90,
                           steps=[
                     Step("crashwork check",
                          (r"(?m)^crashwork: consistent at step %s of \d+$"
                           % ("0" if n == first else r"\d+"),)
                          + ((r"(?m)^crashwork: and step \d+ \(truncate E\) part done",)
                             if n in inside else ())
                          + ((r"(?m)^crashwork: and step \d+ \((msync|munmap) M2?\) part done",)
                             if n in inside_wb else ()),
                          absent=(r"INCONSISTENT",), check=no_step_lost(n)),
                     Step("poweroff", prompt=False),
                 ]))
            for n in sorted(ns)]


ORPHAN_POINTS = 8  # crash points spread over crashwork's orphan workload


def orphan_points(facts, npoints=ORPHAN_POINTS, mode=None):
    """One test per crash point N spread over `crashwork orphans`: boot the
    crash-setup image with crashafter=N, run the workload until the disk
    stops, fsck; boot again (the mount frees the orphans) and check that
    the free block and inode counts are the starting ones less what the
    files that still have names hold; fsck again."""
    f = "g" if mode == "group" else ""  # the facts of the group run start with g
    w0, wf, w1 = int(facts[f + "orph_w0"]), int(facts[f + "orph_wf"]), int(facts[f + "orph_w1"])
    before = "%s %s %s" % (facts[f + "orph_free"], facts[f + "orph_ifree"], facts[f + "orph_dir"])
    name = "crash-group-orphans-" if mode == "group" else "crash-orphans-"
    extra = " " + GROUP if mode == "group" else ""
    # Half the points while the files are written and O1 is open but
    # unlinked; half in the multi-step frees of O2, O3 (reflinked) and O1.
    half = npoints // 2
    ns = sorted({w0 + 1 + round(i * (wf - w0 - 1) / half) for i in range(half)} |
                {wf + 1 + round(i * (w1 - wf - 1) / (half - 1)) for i in range(half)})
    return [Test(name + str(n), disk="crash-base", cpus=CRASH_CPUS, timeout=60,
                 bootargs="crashafter=%d %s%s" % (n, TRIMCAP, extra),
                 steps=[Step("crashwork orphans",
                             (r"(?m)^crash: disk stopped after %d writes$" % n,),
                             absent=(r"crashwork: orphans end",), prompt=False)],
                 then=Test(name + "%d-reboot" % n, cpus=CRASH_CPUS, exit_code=0,
                           timeout=90, steps=[
                     Step("crashwork orphancheck " + before,
                          (r"(?m)^crashwork: orphans consistent$",), absent=(r"INCONSISTENT",)),
                     Step("poweroff", prompt=False),
                 ]))
            for n in ns]


class TestFailure(Exception):
    pass


class Interrupted(BaseException):
    """SIGTERM or SIGHUP: unwind like Ctrl-C so every `finally` runs."""


def _load_libc():
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


_LIBC = _load_libc()  # loaded before any fork: dlopen is unsafe in a child


def _in_child_before_exec():
    # PR_SET_PDEATHSIG (1): the kernel SIGKILLs QEMU if the harness dies
    # without running its cleanup (kill -9, OOM killer).
    if _LIBC is not None:
        _LIBC.prctl(1, signal.SIGKILL, 0, 0, 0)


class Console:
    """QEMU's serial console, drained continuously by a reader thread.

    The thread appends everything to the log file and to an in-memory
    transcript (with '\\r' dropped, so regexes see plain '\\n' lines), and
    notes the first line that starts with "panic: ".
    """

    def __init__(self, proc, log):
        self.proc = proc
        self.log = log
        self.lock = threading.Lock()
        self.chunks = []
        self.text_cache = ""
        self.partial = ""       # current incomplete line, for panic spotting
        self.panic = None
        self.eof = False
        self.seen = 0           # bytes read from QEMU
        self.flooded = False    # more than MAX_CONSOLE: the rest is dropped
        self.changed = threading.Event()
        self.thread = threading.Thread(target=self._pump, daemon=True)
        self.thread.start()

    def _pump(self):
        decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode
        fd = self.proc.stdout.fileno()
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                break
            self.seen += len(data)
            if self.seen > MAX_CONSOLE:
                # A flood: keep reading (so QEMU never blocks on a full
                # pipe) but keep nothing more, in memory or in the log.
                if not self.flooded:
                    self.log.write(b"\n# console flood: output cut at %d bytes\n" % MAX_CONSOLE)
                    self.log.flush()
                    with self.lock:
                        self.flooded = True
                    self.changed.set()
                continue
            self.log.write(data)
            self.log.flush()
            self._add(decode(data).replace("\r", ""))
        with self.lock:
            self.eof = True
        self.changed.set()

    def _add(self, s):
        lines = (self.partial + s).split("\n")
        self.partial = lines.pop()
        with self.lock:
            self.chunks.append(s)
            if self.panic is None:
                self.panic = next((l for l in lines if l.startswith(PANIC_PREFIX)), None)
        self.changed.set()

    def snapshot(self):
        """(transcript so far, panic line or None, QEMU's output ended)."""
        with self.lock:
            if self.chunks:
                self.text_cache += "".join(self.chunks)
                self.chunks = []
            return self.text_cache, self.panic, self.eof

    def type(self, line):
        try:
            self.proc.stdin.write(line.encode() + b"\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise TestFailure("QEMU exited before %r could be typed" % line)

    def wait_for(self, ready, deadline, what, panic_ok, settled=None):
        """Poll until ready(transcript) is true; fail on timeout, exit, panic.

        settled(transcript) says the awaited output can no longer arrive
        (the prompt is back); then SETTLE quiet seconds end the wait early,
        so a wrong answer costs seconds instead of the whole timeout. The
        grace period is for background jobs that print after the prompt.
        """
        quiet_since, seen = time.monotonic(), -1
        while True:
            text, panic, eof = self.snapshot()
            if len(text) != seen:
                quiet_since, seen = time.monotonic(), len(text)
            if panic and not panic_ok:
                self.drain(2.0)  # let the backtrace reach the log
                raise TestFailure("kernel " + panic.strip())
            if self.flooded:
                raise TestFailure("console flood: more than %d KiB of output while waiting "
                                  "for %s" % (MAX_CONSOLE >> 10, what))
            if ready(text):
                return text
            if eof:
                raise TestFailure("QEMU exited (status %s) while waiting for %s; output ends %r"
                                  % (self.proc.wait(), what, text[-80:]))
            left = deadline - time.monotonic()
            if left <= 0:
                raise TestFailure("timed out waiting for %s; output ends %r" % (what, text[-80:]))
            if settled and settled(text) and time.monotonic() - quiet_since >= SETTLE:
                raise TestFailure("gave up waiting for %s: the prompt is back and the output "
                                  "quiet for %gs; output ends %r" % (what, SETTLE, text[-80:]))
            self.changed.wait(min(left, 1.0))
            self.changed.clear()
            time.sleep(POLL)  # batch up a burst of small serial writes

    def drain(self, seconds):
        """Give QEMU up to `seconds` to finish printing and exit."""
        self.thread.join(seconds)


def output_of(text, mark, cmd):
    """What the command typed at offset `mark` printed: the transcript after
    the echo of its line (the whole rest if the echo is not there)."""
    rest = text[mark:]
    if cmd is None:
        return rest
    echo = rest.find(cmd + "\n")
    return rest if echo < 0 else rest[echo + len(cmd) + 1:]


def run_step(console, step, n, deadline, panic_ok, facts):
    mark = len(console.snapshot()[0])
    if step.cmd is not None:
        console.type(step.cmd)

    def prompted(text):
        return PROMPT in output_of(text, mark, step.cmd)

    def ready(text):
        if step.prompt and not prompted(text):
            return False
        out = output_of(text, mark, step.cmd)
        return all(re.search(rx, out) for rx in step.expect)

    what = "step %d %r: %s" % (n, step.cmd, " and ".join(
        ["/%s/" % rx for rx in step.expect] + (["the prompt"] if step.prompt else [])))
    text = console.wait_for(ready, deadline, what, panic_ok,
                            settled=prompted if step.prompt else None)
    out = output_of(text, mark, step.cmd)
    for rx in step.absent:
        if re.search(rx, out):
            raise TestFailure("step %d %r: output matches /%s/: %r" % (n, step.cmd, rx, out[-80:]))
    why = step.check(out) if step.check else None
    if why:
        raise TestFailure("step %d %r: %s" % (n, step.cmd, why))
    for rx in step.expect:
        facts.update(re.search(rx, out).groupdict())


def check_exit(console, test, deadline):
    """Wait for QEMU to end by itself and check its exit status."""
    try:
        status = console.proc.wait(max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        raise TestFailure("QEMU still running after %gs (want exit status %s)"
                          % (test.timeout, test.exit_code))
    console.drain(5.0)
    _, panic, _ = console.snapshot()
    if panic and not test.panic_ok:
        raise TestFailure("kernel " + panic.strip())
    good = status != 0 if test.exit_code == NONZERO else status == test.exit_code
    if not good:
        raise TestFailure("QEMU exit status %s, want %s" % (status, test.exit_code))


# The disk is always a throwaway copy, so cache=unsafe: QEMU skips the host
# fsync that each of the guest's cache FLUSHes would cost (four per log
# transaction). Killing QEMU loses nothing: every write the guest saw
# complete is already in the host's page cache, which only a host crash
# could lose.
def qemu_command(test, disk):
    cmd = shlex.split(QEMU) + [
        "-machine", "virt", "-bios", "default", "-kernel", test.kernel or KERNEL,
        "-m", test.mem, "-smp", str(test.cpus),
        "-nographic", "-monitor", "none",
        "-global", "virtio-mmio.force-legacy=false",
        "-drive", "file=%s,if=none,format=raw,id=x0,cache=unsafe" % disk,
        "-device", "virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0",
    ]
    if test.bootargs:
        cmd += ["-append", test.bootargs]
    if test.icount:
        cmd += ["-icount", "shift=0,sleep=%s" % ("on" if test.sleep else "off")]
    return cmd


def stop(proc):
    """Kill QEMU's whole process group (if it is still there) and reap it."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()


def preflight(test=None):
    kernel = test.kernel if test and test.kernel else KERNEL
    for path, what in ((kernel, "kernel"), (FSIMG, "file system image")):
        if not os.path.isfile(path):
            raise TestFailure("%s %s not found (run make first)" % (what, path))
    if shutil.which(shlex.split(QEMU)[0]) is None:
        raise TestFailure("%s not found (run scripts/deps.sh)" % QEMU)


def run_session(test, log, disk, facts):
    """Boot QEMU for one test and run its steps; raise TestFailure on failure."""
    cmd = qemu_command(test, disk)
    log.write(("# %s\n" % " ".join(shlex.quote(c) for c in cmd)).encode())
    log.flush()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, cwd=ROOT,
                            start_new_session=True, preexec_fn=_in_child_before_exec)
    console = None
    try:
        console = Console(proc, log)
        deadline = time.monotonic() + test.timeout
        if test.shell:
            console.wait_for(BOOT_PROMPT.search, deadline, "the shell prompt after boot",
                             test.panic_ok)
        for n, step in enumerate(test.steps, 1):
            run_step(console, step, n, deadline, test.panic_ok, facts)
        if test.exit_code is not None:
            check_exit(console, test, deadline)
    finally:
        stop(proc)
        for pipe in (proc.stdin, proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass  # QEMU is gone; a lost write to it no longer matters
        if console is not None:
            console.drain(5.0)


def fsck(disk, log):
    """The host fsck must find the image clean (a committed log counts as
    replayed); its output goes to the log, and into the reason if not."""
    if not os.path.isfile(FSCK):
        raise TestFailure("fsck %s not found (run make first)" % FSCK)
    try:
        r = subprocess.run([FSCK, "-q", disk], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=120)
    except subprocess.TimeoutExpired:
        raise TestFailure("fsck did not finish in 120s")
    out = r.stdout.decode("utf-8", "replace").strip()
    log.write(("\n# fsck -q: exit %d\n%s\n" % (r.returncode, out)).encode())
    if r.returncode != 0:
        lines = out.split("\n")
        if len(lines) > 12:
            lines = lines[:12] + ["... %d more lines in the log" % (len(lines) - 12)]
        raise TestFailure("fsck exit %d: %s" % (r.returncode, " | ".join(lines)))


def run_boots(test, log, disk, facts):
    """Boot test and then each Test of its `then` chain on the same disk,
    checking the image with fsck after each; a failure in a later boot is
    reported under that boot's name."""
    boot = test
    while boot is not None:
        try:
            run_session(boot, log, disk, facts)
            if not boot.panic_ok:
                fsck(disk, log)
        except TestFailure as e:
            if boot is test:
                raise
            raise TestFailure("%s: %s" % (boot.name, e))
        boot = boot.then


def copy_image(src, dst):
    """Copy a disk image and keep its holes. The default image is ~100 MB
    of which mkfs wrote well under 1 MB (the rest are holes that read as
    zeros), and every test boots on its own copy: a plain copy would write
    all 100 MB each time. Copies only the data extents (SEEK_DATA/SEEK_HOLE;
    on a file system without holes that is the whole file)."""
    fin = os.open(src, os.O_RDONLY)
    try:
        size = os.fstat(fin).st_size
        fout = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.ftruncate(fout, size)
            off = 0
            while off < size:
                try:
                    off = os.lseek(fin, off, os.SEEK_DATA)
                except OSError:  # ENXIO: nothing but a hole is left
                    break
                end = os.lseek(fin, off, os.SEEK_HOLE)
                while off < end:
                    chunk = os.pread(fin, min(end - off, 1 << 20), off)
                    os.pwrite(fout, chunk, off)
                    off += len(chunk)
        finally:
            os.close(fout)
    finally:
        os.close(fin)


def run_test(test, run=None):
    """Run one test (with its later boots); return (passed, reason, seconds).
    Without a Run, facts and kept images last only for this test."""
    own = run is None
    run = run or Run()
    os.makedirs(OUTDIR, exist_ok=True)
    start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="calf-test-")
    logpath = os.path.join(OUTDIR, test.name + ".log")
    try:
        with open(logpath, "wb") as log:
            try:
                preflight(test)
                disk = os.path.join(tmp, "fs.img")
                source = (run.image(test.disk) if test.disk else
                          run.small_image(test.fssize) if test.fssize else FSIMG)
                if not os.path.isfile(source):
                    raise TestFailure("no disk image kept as %r (did the test that keeps it "
                                      "pass?)" % test.disk)
                copy_image(source, disk)
                run_boots(test, log, disk, run.facts)
                if test.keep:
                    copy_image(disk, run.image(test.keep))
                reason = None
            except (TestFailure, OSError) as e:
                reason = str(e)
            log.write(("\n# %s\n" % ("PASS" if reason is None else "FAIL: " + reason)).encode())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if own:
            run.close()
    return reason is None, reason, time.monotonic() - start


# Suites that run only when named (make bench runs this one).
OPTIONAL = {"bench"}


def select_tests(names, pattern):
    if not names:
        names = [s for s in SUITES if s not in OPTIONAL]
    by_name = {t.name: t for tests in SUITES.values() for t in tests}
    chosen = []
    for name in names:
        if name in SUITES:
            chosen += SUITES[name]
        elif name in by_name:
            chosen.append(by_name[name])
        else:
            sys.exit("harness: no suite or test named %r (try --list)" % name)
    chosen = list({id(t): t for t in chosen}.values())  # once each, in order
    if pattern:
        chosen = [t for t in chosen if re.search(pattern, t.name)]
    return chosen


def expand(entry, run):
    """The tests a suite entry stands for: a Test itself, or what a
    Generated entry makes of the facts recorded so far."""
    if isinstance(entry, Generated):
        return entry.make(run.facts)
    return [entry]


class Beside:
    """A second harness, in its own process, running some suites while this
    one runs the rest: two QEMUs at a time, one per core. Its PASS and FAIL
    lines are passed on as they come; its closing count is added to ours.
    A suite keeps its facts and kept images inside one harness, so suites
    split this way stay whole. A shell command `first` may run in the same
    lane before those suites (make test's host checks): its output is passed
    on too, and if it fails the suites do not run and the lane fails."""

    SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed$")

    def __init__(self, suites, pattern, first=None):
        cmd = [sys.executable, os.path.abspath(__file__)] + suites
        if pattern:
            cmd[2:2] = ["-k", pattern]
        if first:
            cmd = ["sh", "-c", first + ' && exec "$0" "$@"'] + cmd
        self.counts = None
        # Its own process group, so stop() reaches whatever the lane is
        # running at the time: a check and its children, or the harness.
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                     text=True, bufsize=1, start_new_session=True)
        self.reader = threading.Thread(target=self._relay, daemon=True)
        self.reader.start()

    def _relay(self):
        for line in self.proc.stdout:
            m = self.SUMMARY.match(line.strip())
            if m:
                self.counts = (int(m.group(1)), int(m.group(2)))
            else:
                print(line, end="", flush=True)

    def wait(self):
        """Its (passed, failed); a harness that died without a count fails."""
        self.proc.wait()
        self.reader.join()
        if self.counts is None:
            print("FAIL beside: the second harness exited %d without a count"
                  % self.proc.returncode, flush=True)
            return 0, 1
        return self.counts

    def stop(self):
        if self.proc.poll() is None:
            try:  # the harness's own finally clauses end its QEMUs
                os.killpg(self.proc.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self.proc.wait()


def raise_interrupted(signum, frame):
    raise Interrupted(signal.Signals(signum).name)


def main():
    ap = argparse.ArgumentParser(description="Boot calf in QEMU and run tests.")
    ap.add_argument("--list", action="store_true", help="list suites and tests")
    ap.add_argument("-k", metavar="PATTERN", help="only tests whose name matches this regex")
    ap.add_argument("--beside", metavar="SUITES", default="",
                    help="comma-separated suites to run in a second harness at the same "
                         "time as the rest (make test: long suites that keep one core busy)")
    ap.add_argument("--beside-first", metavar="CMD",
                    help="a shell command the second harness's lane runs before its suites "
                         "(make test: the host checks)")
    ap.add_argument("names", nargs="*", metavar="suite", help="suites or tests (default: all)")
    args = ap.parse_args()

    if args.list:
        for suite, tests in SUITES.items():
            print("%s: %s" % (suite, " ".join(t.name for t in tests)))
        return 0
    beside = [b for b in args.beside.split(",") if b]
    aside = {id(t) for t in select_tests(beside, args.k)} if beside else set()
    entries = [t for t in select_tests(args.names, args.k) if id(t) not in aside]
    if not entries:
        print("harness: no tests selected", file=sys.stderr)
        return 2

    signal.signal(signal.SIGTERM, raise_interrupted)
    signal.signal(signal.SIGHUP, raise_interrupted)
    passed = failed = 0
    run = Run()
    name = None
    second = Beside(beside, args.k, args.beside_first) if beside else None
    try:
        for entry in entries:
            name = entry.name
            try:
                tests = expand(entry, run)
            except KeyError as e:
                failed += 1
                print("FAIL %s: needs the fact %s, which an earlier test records (run the "
                      "whole suite)" % (entry.name, e), flush=True)
                continue
            for test in tests:
                name = test.name
                ok, reason, secs = run_test(test, run)
                if ok:
                    passed += 1
                    print("PASS %s (%.1fs)" % (test.name, secs), flush=True)
                else:
                    failed += 1
                    print("FAIL %s: %s (%.1fs, log tests/out/%s.log)"
                          % (test.name, reason, secs, test.name), flush=True)
        if second:
            p2, f2 = second.wait()
            passed, failed = passed + p2, failed + f2
    except (KeyboardInterrupt, Interrupted) as e:
        failed += 1
        print("FAIL %s: interrupted (%s)" % (name, e or "Ctrl-C"), flush=True)
        print("%d passed, %d failed" % (passed, failed))
        return 130
    finally:
        run.close()
        if second:
            second.stop()
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
