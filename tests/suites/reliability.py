"""Reliability (issue 13, docs/reliability.md): hostile input, exhaustion,
the fuzzer, and the suites again under fault injection.

Data only: a Test is a machine shape and Steps (tests/harness.py runs
them); every test keeps the name it has always had."""

import os
import re

from tests.harness import Step, Test, COMPLAINT


SUITES = {}

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

