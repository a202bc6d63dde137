"""The file system: usertests, an xv6-style program, big files, reflinks,
and the journaling lesson under the three commit modes.

Data only: a Test is a machine shape and Steps (tests/harness.py runs
them); every test keeps the name it has always had."""

from tests.harness import Step, Test, Generated, COMPLAINT


SUITES = {
    "usertests": [
        Test("usertests", timeout=600, steps=[
            Step("usertests", (r"ALL TESTS PASSED",)),
        ]),
    ],
    # An xv6-style program (tests/xv6compat/, on the disk because make test
    # builds it as EXTRA_USER): sloppy printf formats, xv6's headers and
    # calls, README; it counts free pages before and after, as xv6 does.
    "xv6compat": [
        Test("xv6compat", timeout=180, steps=[
            Step("xv6compat", (r"(?m)^xv6compat: forks: exit statuses add up to 15$",
                               r"(?m)^xv6compat: heap: break 0x[0-9a-f]+, grown by 40960$",
                               r"(?m)^xv6compat: \d+ free pages before and after$",
                               r"(?m)^ALL TESTS PASSED$"),
                 absent=(r"FAILED", COMPLAINT)),
        ]),
    ],
    # The largest file on the default disk, and big files freed in
    # several transactions (O_TRUNC, unlink, close after unlink). One
    # process does all of it, and on one hart it takes about 2/3 of the
    # time (disk completions need no IPI to reach it).
    # commit=group: the test checks what the files hold and the free
    # counts, which no commit mode changes, and group commit writes the
    # file in about a sixth of the commits (issue 25).
    "bigfile": [
        Test("bigfiletest", cpus=1, timeout=900, bootargs="trimcap=64 commit=group", steps=[
            Step("bigfiletest", (r"(?m)^ALL BIGFILE TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
    ],
    "reflink": [
        # Its "full" test fills the disk: a small one (the default holds
        # 200,000 blocks). One process clones and writes: one hart (about
        # half the time of three; inject-reflinktest keeps three).
        Test("reflinktest", cpus=1, timeout=300, fssize=8000, steps=[
            Step("reflinktest", (r"(?m)^ALL REFLINK TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
        # A fresh image shares no block; a clone of a one-block file
        # shares one until the source goes.
        Test("clone-tools", steps=[
            Step("df", (r"(?m)^ +total +used +free +shared$",
                        r"(?m)^blocks +\d+ +\d+ +\d+ +0$", r"(?m)^inodes +\d+ +\d+ +\d+$")),
            Step("echo reflinked > f ; clone f g"),
            Step("cat g", (r"(?m)^reflinked$",)),
            Step("df", (r"(?m)^blocks +\d+ +\d+ +\d+ +1$",)),
            Step("clone f g", (r"(?m)^clone: cannot clone f to g$",)),
            Step("clone nosuch h", (r"(?m)^clone: cannot clone nosuch to h$",)),
            Step("cat h", (COMPLAINT,)),
            Step("clone f", (r"(?m)^usage: clone SRC DST$",)),
            Step("rm f ; cat g", (r"(?m)^reflinked$",)),
            Step("df", (r"(?m)^blocks +\d+ +\d+ +\d+ +0$",)),
        ]),
    ],
    # The journaling lesson (user/jdemo.c, docs/cow-in-practice.md): the
    # same workload under the three commit modes; commit=group must write
    # at most a quarter of commit=op's blocks per created file (issue 25).
    "log": [
        Test("jdemo-inplace", cpus=1, timeout=300, bootargs="commit=inplace", steps=[
            Step("jdemo", (r"(?m)^jdemo: OK$",)),
        ]),
        Test("jdemo-op", cpus=1, timeout=300, bootargs="commit=op", steps=[
            Step("jdemo", (r"(?m)^ +create +\d+ +\d+ +(?P<jd_op_create>\d+\.\d\d) ",
                           r"(?m)^jdemo: OK$")),
        ]),
        # fsync and sync under each mode (user/synctest.c).
        *[Test("synctest-" + mode, cpus=3, timeout=120, bootargs="commit=%s commitsecs=0" % mode,
               steps=[Step("synctest", (r"(?m)^ALL SYNC TESTS PASSED$",), absent=(r"FAILED",))])
          for mode in ("op", "group", "inplace")],
        # commit=group's time limit: a second.
        # It waits for the one-second commit timer, which runs on real time:
        # it runs alone, so that a busy host does not stretch the second.
        Test("synctest-timer", cpus=1, timeout=120, bootargs="commit=group commitsecs=1",
             alone=True,
             steps=[Step("synctest timelimit", (r"(?m)^ALL SYNC TESTS PASSED$",),
                         absent=(r"FAILED",))]),
        Generated("jdemo-group", lambda facts: [
            Test("jdemo-group", cpus=1, timeout=300, bootargs="commit=group", steps=[
                Step("jdemo 1000 %d" % round(float(facts["jd_op_create"]) * 100),
                     (r"(?m)^jdemo: commit=group: .*: ok$", r"(?m)^jdemo: OK$"),
                     absent=(r"FAILED",)),
            ])]),
    ],
}
