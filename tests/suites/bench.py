"""Benchmarks (make bench, tests/bench.py): optional, run only when named;
they count guest instructions (-icount), so they want a quiet machine.

Data only: a Test is a machine shape and Steps (tests/harness.py runs
them); every test keeps the name it has always had."""

from tests.harness import Step, Test


SUITES = {
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
        # Issue 26: a 32 MiB service brought back cold, eager and lazy at
        # five working-set sizes, best of 3 runs each from a cold page cache
        # (docs/benchmarks.md); then with lazycost=50000 on the same disk.
        # Waits for the disk are real time (sleep=on).
        Test("crdemo-bench", cpus=1, mem="256M", icount=True, sleep=True, timeout=1800,
             bootargs="commit=group", exit_code=0, steps=[
                 Step("crdemo setup 32", (r"(?m)^crdemo: setup done",)),
                 Step("crdemo bench 3", (r"(?m)^crdemo: (measured|predicted)",)),
                 Step("poweroff", prompt=False),
             ], then=Test("crdemo-bench-lazycost", cpus=1, mem="256M", icount=True, sleep=True,
                          timeout=1800, bootargs="commit=group lazycost=50000", steps=[
                 Step("crdemo bench 3", (r"(?m)^crdemo: (measured|predicted)",)),
             ])),
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
