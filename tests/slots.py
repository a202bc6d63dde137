"""Cores as slots: the pytest workers of one make test share the machine's
cores through file locks, so that a test's QEMU harts count against them.

Owns the slot files tests/out/.slots/N (N < CALF_SLOTS, which the
controller sets to the number of workers) and the invariant that the
weights of the tests running at once never add up to more than the slots;
a test marked alone takes them all. The kernel drops a flock when its
process dies, so a killed worker never leaves a slot taken.

Why a hart is not a whole core: under QEMU's TCG each hart is a host
thread, and an idle hart waits in WFI without using its core; most tests
run one busy process on their three harts. So a test weighs one slot per
two harts (a 4-hart storm or fuzz run weighs two), at least one, and at
most half the slots: no test but one marked alone keeps the machine from
running two at once (on two cores every test weighs one).
"""

import contextlib
import fcntl
import os
import time

from tests.harness import OUTDIR

DIR = os.path.join(OUTDIR, ".slots")
POLL = 0.2  # seconds between tries for a test that waits for slots


def total():
    return max(1, int(os.environ.get("CALF_SLOTS", "1")))


def weight(cpus, alone=False):
    """The slots a test of `cpus` harts takes."""
    n = total()
    return n if alone else max(1, min(cpus // 2, n // 2))


def _open(name):
    os.makedirs(DIR, exist_ok=True)
    return os.open(os.path.join(DIR, name), os.O_RDWR | os.O_CREAT, 0o644)


def _try_take(fds, want):
    """Lock `want` free slots, or none: taking some and waiting for the
    rest could deadlock with another test doing the same."""
    got = []
    for fd in fds:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            got.append(fd)
        except BlockingIOError:
            continue
        if len(got) == want:
            return got
    for fd in got:
        fcntl.flock(fd, fcntl.LOCK_UN)
    return None


@contextlib.contextmanager
def held(want):
    """Hold `want` slots for the block. A test that wants them all first
    closes the gate, so that the others finish and no new one starts
    (otherwise two workers taking turns could keep it waiting forever)."""
    n = total()
    fds = [_open(str(i)) for i in range(n)]
    gate = _open("gate")
    try:
        fcntl.flock(gate, fcntl.LOCK_EX if want >= n else fcntl.LOCK_SH)
        got = _try_take(fds, want)
        while got is None:
            time.sleep(POLL)
            got = _try_take(fds, want)
        if want < n:
            fcntl.flock(gate, fcntl.LOCK_UN)
        yield
    finally:
        for fd in fds + [gate]:
            os.close(fd)  # closing drops the lock
