"""Snapshots of a process (docs/snapshots.md).

Data only: a Test is a machine shape and Steps (tests/harness.py runs
them); every test keeps the name it has always had."""

from tests.harness import Step, Test


SUITES = {
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
}
