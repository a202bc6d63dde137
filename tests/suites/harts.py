"""Many harts (issue 15, docs/rcu.md).

Data only: a Test is a machine shape and Steps (tests/harness.py runs
them); every test keeps the name it has always had."""

from tests.harness import Step, Test


SUITES = {}


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
