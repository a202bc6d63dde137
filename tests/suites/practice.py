"""COW in practice (docs/cow-in-practice.md): each program checks its
lesson itself and prints one verdict line per check.

Data only: a Test is a machine shape and Steps (tests/harness.py runs
them); every test keeps the name it has always had."""

from tests.harness import Step, Test


SUITES = {
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
}
