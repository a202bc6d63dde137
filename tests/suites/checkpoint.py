"""Checkpoint and restore (issue 26, docs/checkpoint.md), and crdemo, the
lesson measured (docs/cow-in-practice.md section 7).

Data only: a Test is a machine shape and Steps (tests/harness.py runs
them); every test keeps the name it has always had."""

from tests.harness import Step, Test
from tests.suites.reliability import INJECT_POLICY, INJECT_SEEDS, inject_steps


SUITES = {}


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


# crdemo's model check: a service of 8 MiB brought back three ways at five
# working-set sizes, each run from a cold page cache. The boot with
# lazycost=0 must find lazy winning well below the crossover its measured
# per-page costs predict and losing well above it; the second boot, on the
# same disk with a fixed cost added to every lazy fault, must find the
# same and a lower crossover. Part of each figure is real disk time
# (sleep=on), so the test runs alone and the check leaves a factor of 1.5
# around the prediction.
CRDEMO_MODEL = (r"(?m)^crdemo: model holds \(predicted \d+\)$",)


def _crdemo_model():
    return Test("crdemo-model", cpus=1, mem="256M", icount=True, sleep=True, alone=True,
                timeout=600, bootargs="commit=group lazycost=0", exit_code=0, steps=[
        Step("crdemo setup 8", (r"(?m)^crdemo: setup done: 8 MiB of state in 8 files",)),
        Step("crdemo model", CRDEMO_MODEL, absent=(r"FAILS",)),
        Step("poweroff", prompt=False),
    ], then=Test("crdemo-model-lazycost", cpus=1, mem="256M", icount=True, sleep=True,
                 alone=True, timeout=600, bootargs="commit=group lazycost=50000", exit_code=0,
                 steps=[
        Step("crdemo model -prev", CRDEMO_MODEL + (r"(?m)^crdemo: crossover moved down ",),
             absent=(r"FAILS", r"DID NOT")),
        Step("poweroff", prompt=False),
    ]))


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
    _crdemo_model(),
    # The lab's test (docs/labs/checkpoint.md): lazy restore's fault path.
    Test("labckpt", cpus=3, timeout=120, steps=[
        Step("labckpt", (r"(?m)^labckpt: all tests succeeded$",), absent=(r"FAILED",)),
    ]),
    # The tools' messages when something is wrong (ckpttest runs the calls).
    Test("ckpt-tools", cpus=2, timeout=300, steps=[
        # init, asleep in wait() for ever, stops (its wait restarts) and goes on.
        Step("checkpoint 1 /init.img", (r"(?m)^checkpoint: pid 1 saved in /init\.img$",)),
        Step("checkpoint 9999 /x.img", (r"checkpoint: pid 9999: failed\. Either: no such process",)),
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
