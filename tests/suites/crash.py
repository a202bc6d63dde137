"""Crash consistency (user/crashwork.c). One chain: crash-setup keeps the
image crash-base, the -run tests record the write spans as facts, and the
Generated entries turn those facts into one test per crash point. Its
entries must run in this order, in one process (tests/conftest.py groups
them); the points of one Generated entry depend on no other point's
outcome, so they run as many at once as there are free cores (apart).

Data only: a Test is a machine shape and Steps (tests/harness.py runs
them); every test keeps the name it has always had."""

import re
import threading

from tests.harness import Step, Test, Generated


CRASH_CPUS = 1                         # crashwork is one process: on one hart the
                                       # suite takes 70% of the time, half the CPU
TRIMCAP = "trimcap=32"                 # the crash runs: a truncation step cuts at
                                       # most 32 blocks, so crashwork's TRUNC of E
                                       # takes several transactions
GROUP = "commit=group commitsecs=0"     # the crash runs under commit=group: no
                                       # time limit, so commits fall at the same
                                       # writes in every run

CRASH_POINTS = 20  # crash points spread evenly over crashwork's run (at least 20)
CRASH_WB_POINTS = 8  # ... and with the simulated write-back cache,
COMMIT_WINDOW = 12    # plus every point of the last commit's writes
CRASH_GROUP_POINTS = 12  # under commit=group (which has no window)


def crash_points(w0, w1, npoints=CRASH_POINTS, cache=None, trunc=None, writeback=(),
                 mode=None):
    """One test per crash point N in (w0, w1): boot the crash-setup image
    with crashafter=N, start `crashwork run` and let the disk stop; fsck
    the image as the crash left it; boot it again, where `crashwork check`
    must find the state after some prefix of the steps -- none of them if
    the crash came right after the run's first write, and never fewer steps than
    an earlier crash point (a later crash cannot lose what an earlier one
    kept) -- and fsck it once more. With cache="wb" the disk also keeps
    writes in a simulated volatile cache until a flush (boot argument
    diskcache=wb), and the tests are named crash-wb-N. trunc, the span of
    writes (t0, t1] of crashwork's several-transaction truncation of E, adds
    points a third and two thirds into it, where at least one of its
    transactions has committed and the last has not: there the check must
    find E cut part way ("part done"). writeback, spans (t0, t1, whole) of
    crashwork's msync and munmap write-backs (one transaction per page),
    adds points a third and two thirds into each; where its pages are of
    one size (whole), the check must find the step part done: some pages
    new, the rest old, none torn. And at every point, each step the run
    reported durable before the disk stopped must have survived: under
    commit=op a step reported done or synced (write() and msync are durable
    when they return). mode="group" boots with commit=group (tests named
    crash-group-N), where only what fsync, sync or msync made durable
    ("durable through step k", "step k synced") must survive."""
    # The disk stops at the first write or flush after write N; with N = w0
    # that would be boot's own flush, before the run, so the points start
    # at the run's first write.
    # N = w1 stops the disk at the run's last flush, after every write.
    first, last = w0 + 1, w1
    ns = {first, first + 1, last} | {first + round(i * (last - first) / (npoints - 1))
                                     for i in range(npoints)}
    if cache and mode != "group":
        # Every point of the run's last commit, so that each of its writes
        # and flushes is a crash point once: the spread above hits some
        # commit phases only by chance.
        ns |= set(range(max(first, w1 - COMMIT_WINDOW), w1 + 1))
    inside = set()
    if trunc:
        t0, t1 = trunc
        inside = {t0 + (t1 - t0) // 3, t0 + 2 * (t1 - t0) // 3}
        ns |= inside
    inside_wb = set()
    for t0, t1, whole in writeback:
        thirds = {t0 + (t1 - t0) // 3, t0 + 2 * (t1 - t0) // 3}
        ns |= thirds
        if whole:
            inside_wb |= thirds
    name = "crash-" + "".join(x + "-" for x in (mode, cache) if x)
    extra = " diskcache=%s" % cache if cache else ""
    extra += " " + GROUP if mode == "group" else ""
    recovered = {}  # N -> the step its check found, of the points checked so far
    lock = threading.Lock()  # the points run at once (Generated apart)
    durable = {}    # N -> the last step the crashed run reported durable
    # Under commit=op a step is durable when it returns ("done"); under
    # commit=group only when fsync, sync or msync said so.
    said = (r"(?m)^crashwork: (?:durable through step (\d+)|step (\d+) synced)$" if mode == "group"
            else r"(?m)^crashwork: (?:durable through step (\d+)|step (\d+) (?:done|synced))$")

    def note_durable(n):
        def check(out):
            done = [int(a or b) for a, b in re.findall(said, out)]
            durable[n] = max(done + [0])
            return None
        return check

    def no_step_lost(n):
        def check(out):
            k = int(re.search(r"consistent at step (\d+)", out).group(1))
            if k < durable.get(n, 0):
                return ("recovered to step %d, but step %d was durable before the crash"
                        % (k, durable[n]))
            # A later crash keeps at least what an earlier one kept. The
            # points finish in any order, so each is compared both ways with
            # those already checked: of a pair out of order, the one checked
            # second fails.
            with lock:
                wrong = [(m, j) for m, j in sorted(recovered.items())
                         if (m < n and j > k) or (m > n and j < k)]
                recovered[n] = k
            if wrong:
                return ("recovered to step %d, but the crash after %d writes kept %d steps"
                        % (k, wrong[0][0], wrong[0][1]))
            return None
        return check

    return [Test(name + str(n), disk="crash-base", cpus=CRASH_CPUS,
                 bootargs="crashafter=%d %s%s" % (n, TRIMCAP, extra),
                 timeout=60,
                 steps=[Step("crashwork run", (r"(?m)^crashwork: start writes=%d$" % w0,
                                               r"(?m)^crash: disk stopped after %d writes$" % n),
                             absent=(r"crashwork: end writes",), prompt=False,
                             check=note_durable(n))],
                 then=Test(name + "%d-reboot" % n, cpus=CRASH_CPUS, exit_code=0, timeout=90,
                           steps=[
                     Step("crashwork check",
                          (r"(?m)^crashwork: consistent at step %s of \d+$"
                           % ("0" if n == first else r"\d+"),)
                          + ((r"(?m)^crashwork: and step \d+ \(truncate E\) part done",)
                             if n in inside else ())
                          + ((r"(?m)^crashwork: and step \d+ \((msync|munmap) M2?\) part done",)
                             if n in inside_wb else ()),
                          absent=(r"INCONSISTENT",), check=no_step_lost(n)),
                     Step("poweroff", prompt=False),
                 ]))
            for n in sorted(ns)]


ORPHAN_POINTS = 8  # crash points spread over crashwork's orphan workload


def orphan_points(facts, npoints=ORPHAN_POINTS, mode=None):
    """One test per crash point N spread over `crashwork orphans`: boot the
    crash-setup image with crashafter=N, run the workload until the disk
    stops, fsck; boot again (the mount frees the orphans) and check that
    the free block and inode counts are the starting ones less what the
    files that still have names hold; fsck again."""
    f = "g" if mode == "group" else ""  # the facts of the group run start with g
    w0, wf, w1 = int(facts[f + "orph_w0"]), int(facts[f + "orph_wf"]), int(facts[f + "orph_w1"])
    before = "%s %s %s" % (facts[f + "orph_free"], facts[f + "orph_ifree"], facts[f + "orph_dir"])
    name = "crash-group-orphans-" if mode == "group" else "crash-orphans-"
    extra = " " + GROUP if mode == "group" else ""
    # Half the points while the files are written and O1 is open but
    # unlinked; half in the multi-step frees of O2, O3 (reflinked) and O1.
    half = npoints // 2
    ns = sorted({w0 + 1 + round(i * (wf - w0 - 1) / half) for i in range(half)} |
                {wf + 1 + round(i * (w1 - wf - 1) / (half - 1)) for i in range(half)})
    return [Test(name + str(n), disk="crash-base", cpus=CRASH_CPUS, timeout=60,
                 bootargs="crashafter=%d %s%s" % (n, TRIMCAP, extra),
                 steps=[Step("crashwork orphans",
                             (r"(?m)^crash: disk stopped after %d writes$" % n,),
                             absent=(r"crashwork: orphans end",), prompt=False)],
                 then=Test(name + "%d-reboot" % n, cpus=CRASH_CPUS, exit_code=0,
                           timeout=90, steps=[
                     Step("crashwork orphancheck " + before,
                          (r"(?m)^crashwork: orphans consistent$",), absent=(r"INCONSISTENT",)),
                     Step("poweroff", prompt=False),
                 ]))
            for n in ns]


SUITES = {
    # Crash consistency (user/crashwork.c): stop the disk after N block
    # writes, for N spread over crashwork's run, and check after a reboot
    # that the files are as after some prefix of its steps.
    "crash": [
        Test("crash-setup", cpus=CRASH_CPUS, keep="crash-base", exit_code=0, steps=[
            Step("crashwork setup", (r"(?m)^crashwork: setup done$",)),
            Step("crashwork check", (r"(?m)^crashwork: consistent at step 0 of \d+$",)),
            Step("poweroff", prompt=False),
        ]),
        # The whole run, to measure its span of disk writes [w0, w1); a
        # crash point that is never reached changes nothing.
        Test("crash-run", cpus=CRASH_CPUS, disk="crash-base",
             bootargs="crashafter=1000000000 " + TRIMCAP, exit_code=0,
             steps=[
                 Step("crashwork run", (r"(?m)^crashwork: start writes=(?P<crash_w0>\d+)$",
                                        r"(?m)^crashwork: end writes=(?P<crash_w1>\d+)$",
                                        r"(?m)^crashwork: truncate E writes=(?P<trunc_w0>\d+)-"
                                        r"(?P<trunc_w1>\d+)$",
                                        r"(?m)^crashwork: msync M writes=(?P<msync_w0>\d+)-"
                                        r"(?P<msync_w1>\d+)$",
                                        r"(?m)^crashwork: msync M2 writes=(?P<msync2_w0>\d+)-"
                                        r"(?P<msync2_w1>\d+)$",
                                        r"(?m)^crashwork: munmap M writes=(?P<munmap_w0>\d+)-"
                                        r"(?P<munmap_w1>\d+)$")),
                 Step("crashwork check", (r"(?m)^crashwork: consistent at step (\d+) of \1$",)),
                 Step("poweroff", prompt=False),
             ]),
        Generated("crash-points", lambda facts: crash_points(
            int(facts["crash_w0"]), int(facts["crash_w1"]),
            trunc=(int(facts["trunc_w0"]), int(facts["trunc_w1"])),
            writeback=[(int(facts[k + "_w0"]), int(facts[k + "_w1"]), k != "munmap")
                       for k in ("msync", "msync2", "munmap")]), apart=True),
        # The same run on a disk with a simulated volatile write cache
        # (diskcache=wb): at the crash, every write since the last flush
        # is lost but the newest. Passes only if the log flushes where
        # order matters (docs/snapshots.md).
        Generated("crash-wb-points", lambda facts: crash_points(
            int(facts["crash_w0"]), int(facts["crash_w1"]), CRASH_WB_POINTS, "wb"), apart=True),
        # Orphans (docs/reclaim.md): files unlinked while open, and big and
        # reflinked files freed in several steps. The whole run must end
        # with the free counts it started with; then crash points in it.
        Test("crash-orphans-run", cpus=CRASH_CPUS, disk="crash-base", exit_code=0,
             bootargs="crashafter=1000000000 " + TRIMCAP, steps=[
                 Step("crashwork orphans", (
                     r"(?m)^crashwork: orphans before free=(?P<orph_free>\d+) "
                     r"ifree=(?P<orph_ifree>\d+) dirsize=(?P<orph_dir>\d+)$",
                     r"(?m)^crashwork: orphans start writes=(?P<orph_w0>\d+)$",
                     r"(?m)^crashwork: orphans frees writes=(?P<orph_wf>\d+)$",
                     r"(?m)^crashwork: orphans end writes=(?P<orph_w1>\d+) ",
                     r"(?s)before free=(\d+) ifree=(\d+) .*end writes=\d+ free=\1 ifree=\2\s")),
                 Step("poweroff", prompt=False),
             ]),
        Generated("crash-orphan-points", lambda facts: orphan_points(facts), apart=True),
    ] + [
        # The same under commit=group (kernel/fs/log.c): a transaction holds
        # many steps, so a crash may lose several, but never one that an
        # fsync or sync made durable ("durable through step k"). The time
        # limit is off (commitsecs=0), so every run commits at the same
        # writes and the crash points mean the same thing in each.
        Test("crash-group-run", cpus=CRASH_CPUS, disk="crash-base",
             bootargs="crashafter=1000000000 %s %s" % (TRIMCAP, GROUP), exit_code=0,
             steps=[
                 Step("crashwork run", (r"(?m)^crashwork: start writes=(?P<crash_gw0>\d+)$",
                                        r"(?m)^crashwork: end writes=(?P<crash_gw1>\d+)$")),
                 Step("crashwork check", (r"(?m)^crashwork: consistent at step (\d+) of \1$",)),
                 Step("poweroff", prompt=False),
             ]),
        # Fewer points than under commit=op: the run commits a handful of
        # times, not once per step; and no window of every write of the last
        # commit, whose code commit=op's window already covers.
        Generated("crash-group-points", lambda facts: crash_points(
            int(facts["crash_gw0"]), int(facts["crash_gw1"]), CRASH_GROUP_POINTS,
            mode="group"), apart=True),
        Generated("crash-group-wb-points", lambda facts: crash_points(
            int(facts["crash_gw0"]), int(facts["crash_gw1"]), CRASH_WB_POINTS, "wb",
            mode="group"), apart=True),
        Test("crash-group-orphans-run", cpus=CRASH_CPUS, disk="crash-base", exit_code=0,
             bootargs="crashafter=1000000000 %s %s" % (TRIMCAP, GROUP), steps=[
                 Step("crashwork orphans", (
                     r"(?m)^crashwork: orphans before free=(?P<gorph_free>\d+) "
                     r"ifree=(?P<gorph_ifree>\d+) dirsize=(?P<gorph_dir>\d+)$",
                     r"(?m)^crashwork: orphans start writes=(?P<gorph_w0>\d+)$",
                     r"(?m)^crashwork: orphans frees writes=(?P<gorph_wf>\d+)$",
                     r"(?m)^crashwork: orphans end writes=(?P<gorph_w1>\d+) ",
                     r"(?s)before free=(\d+) ifree=(\d+) .*end writes=\d+ free=\1 ifree=\2\s")),
                 Step("poweroff", prompt=False),
             ]),
        Generated("crash-group-orphan-points", lambda facts: orphan_points(facts, mode="group"),
                  apart=True),
    ],
}
