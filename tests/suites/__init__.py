"""The QEMU test suites, by area, in the order make test has always listed
them; each module holds data only (tests/harness.py is the engine).

Owns: SUITES, suite name -> its entries (Tests and Generated), and the
invariant that every entry name is unique across all suites, since a
test's name is its log's name (tests/out/NAME.log) and its result's name.
"""

from tests.suites import (bench, boot, checkers, checkpoint, containers, crash, creds, fs, harts,
                          memory, practice, reliability, snapshots)

_AREAS = {}
MODULE_OF = {}  # suite -> the name of the module here that defines it
for _module in (boot, memory, snapshots, practice, creds, fs, crash, bench, harts, containers,
                reliability, checkpoint, checkers):
    _AREAS.update(_module.SUITES)
    MODULE_OF.update(dict.fromkeys(_module.SUITES, _module.__name__.rsplit(".", 1)[1]))

ORDER = ("boot", "panic", "shell", "cow", "mmap", "spawn", "snapshots", "practice", "creds",
         "usertests", "xv6compat", "bigfile", "reflink", "crash", "log", "bench", "sharedpt",
         "harts", "containers", "reliability", "inject", "checkpoint", "checkers")
_AREAS["sharedpt"] = memory.sharedpt_suite(
    {k: _AREAS[k] for k in ORDER[:ORDER.index("sharedpt")]})
MODULE_OF["sharedpt"] = "memory"
SUITES = {k: _AREAS[k] for k in ORDER}
assert set(SUITES) == set(_AREAS), "a suite missing from ORDER"

# Suites that run only when named (make bench runs this one).
OPTIONAL = {"bench"}

BY_NAME = {e.name: e for entries in SUITES.values() for e in entries}
assert len(BY_NAME) == sum(map(len, SUITES.values())), "two entries share a name"


def suite_of(name):
    """The suite an entry belongs to."""
    return next(s for s, entries in SUITES.items() if any(e.name == name for e in entries))
