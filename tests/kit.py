"""What every check in tests/ and scripts/ shares: the one way a check says
it failed. Owns CheckFailed and expect(); the invariant is that a check
fails only by raising CheckFailed (or a subclass) with a reason a person
can act on, so the runner (tests/conftest.py) can report every check the
same way: its name, the reason, and where its log is.
"""

import contextlib
import os
import shutil
import tempfile


class CheckFailed(Exception):
    """A check found something wrong; str() is why."""


def expect(cond, why, output=""):
    """Fail with `why` (and the output that shows it, if any) unless cond."""
    if not cond:
        raise CheckFailed(why + ("\n--- output ---\n" + output if output else ""))


def sandbox(prefix, make):
    """A check module's fixture (tests/conftest.py opens it once per process
    for the module's checks): make(tmp) in a fresh temporary directory,
    which goes when the run ends."""
    @contextlib.contextmanager
    def fixture():
        tmp = tempfile.mkdtemp(prefix=prefix)
        try:
            yield make(tmp)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return fixture


# What a check that builds and tests another tree (a handout, Gradescope's
# copy) must not pass on from make test: this tree's kernel and image
# paths, its make flags, and the runner's own variables.
NOT_INHERITED = ("KERNEL", "KSAN_KERNEL", "FSIMG", "FSCK", "MKFS", "MAKEFLAGS", "MAKELEVEL",
                 "MFLAGS", "EXTRA_USER", "KSAN", "LOCKCHECK", "CALF_SLOTS", "PYTEST_XDIST_WORKER",
                 "PYTEST_XDIST_WORKER_COUNT", "PYTEST_XDIST_TESTRUNUID", "PYTEST_CURRENT_TEST")


def other_tree_env():
    return {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
