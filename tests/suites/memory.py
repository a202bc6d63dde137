"""Memory: copy-on-write fork, the page cache and mmap, spawn, and the
same fork-heavy tests again under fork=sharedpt (each name + "-sharedpt").

Data only: a Test is a machine shape and Steps (tests/harness.py runs
them); every test keeps the name it has always had."""

from dataclasses import replace

from tests.harness import Step, Test


SUITES = {
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
}


# fork=sharedpt (issue 16, docs/cow.md): spttest's cases that break naive
# shared page tables, and the suites that exercise fork run again with the
# boot argument fork=sharedpt (each test's name gets "-sharedpt").
SHAREDPT_AGAIN = ("cowtest", "snaptest", "spawntest", "usertests", "maptest",
                  "prefork", "rcwalk", "pdsdemo", "dispatch")


def sharedpt_suite(earlier):
    """The sharedpt suite: spttest, and the tests of the `earlier` suites
    named in SHAREDPT_AGAIN once more under fork=sharedpt."""
    again = [replace(t, name=t.name + "-sharedpt", bootargs="fork=sharedpt")
             for tests in earlier.values() for t in tests
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

