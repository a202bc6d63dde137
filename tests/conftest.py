"""make test's runner: pytest collects every check make test runs, the QEMU
tests of tests/suites/ and the host checks (tests/*_check.py), as pytest
items named exactly as each test has always been named.

Owns: collection, selection (T=, --lf) and running one item; the reporting
(PASS/FAIL lines, TAP, the closing count) is tests/report.py's, the QEMU
engine tests/harness.py's. Invariants:
- A chain (tests that share kept images or recorded facts: a suite with a
  `keep`, `disk` or Generated entry, or a host-check module, which shares
  one sandbox) is one xdist group, so `--dist loadgroup` runs it in one
  worker, in order; and a selected member of a chain whose tests need the
  earlier ones (the QEMU chains; a host-check module with IN_ORDER) pulls
  them in (T=crash-wb runs crash-setup and crash-run first).
- A Generated entry is one item that runs the tests it makes; each of
  those is reported under its own name (tests/report.py).
- Every item writes tests/out/NAME.log, and a failure names it.
- A QEMU test takes slots (tests/slots.py) for its harts before it boots,
  and a test marked alone takes them all.
"""

import atexit
import concurrent.futures
import contextlib
import importlib
import json
import os
import re
import shutil
import signal
import tempfile
import time

import pytest

from tests import harness, report, slots
from tests.harness import Generated, Run, TestFailure, expand
from tests.kit import CheckFailed
from tests.suites import MODULE_OF, OPTIONAL, SUITES

HERE = os.path.dirname(os.path.abspath(__file__))
# Outside the tree: make gradescope and make handout refuse to write into it.
RUN_TMP = os.path.join(tempfile.gettempdir(), "calf-run-%d" % os.getpid())  # the controller's
HOST_CHECKS = ("mkfs_check", "fsck_check", "ckptdump_check", "readpath_check", "layers_check", "loops_check",
               "grade_check", "host_check", "plot_bench", "gradescope_check", "handout_check",
               "gdb_check", "names_check")
# How long each took last time (tests/report.py keeps it), or in the run
# measured for docs/testing.md (a fresh clone): the longest start first,
# so that a long test does not start last and run alone.
DURATIONS = (os.path.join(harness.OUTDIR, "durations.json"), os.path.join(HERE, "durations.json"))


def pytest_addoption(parser):
    parser.addoption("--only", dest="only", metavar="REGEX",
                     help="only tests whose name matches REGEX (make test T=...)")
    parser.addoption("--failed", action="store_true",
                     help="only the tests that failed last time (make test LF=1)")
    parser.addoption("--suites", metavar="LIST", default="",
                     help="comma-separated suites to run as well (make bench: bench)")


def pytest_configure(config):
    # The host checks run their own makes, which must not inherit make
    # test's flags (-j, variables).
    for var in ("MAKEFLAGS", "MAKELEVEL", "MFLAGS"):
        os.environ.pop(var, None)
    if hasattr(config, "workerinput"):
        # A worker dies with the controller, even by kill -9, and its QEMU
        # with it (the engine gives each QEMU a parent-death signal).
        harness.die_with_parent(signal.SIGKILL)
    else:  # the controller: one count of slots for all workers
        os.environ.setdefault("CALF_SLOTS", str(config.getoption("numprocesses", 0) or 1))
        # Ctrl-C, SIGTERM (CI's stop) and SIGHUP: see interrupt().
        for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, interrupt)
        # The workers' temporary files (disk copies, kept images, sandboxes)
        # go in a folder of this run's, removed as the run exits:
        # a worker killed mid-test leaves nothing in /tmp.
        os.environ["TMPDIR"] = tempfile.tempdir = RUN_TMP  # (J=1 runs tests here)
        os.makedirs(RUN_TMP, exist_ok=True)
        # At exit, after pytest's own clean-up of its folder in there (the
        # later registered runs first).
        atexit.register(shutil.rmtree, RUN_TMP, True)
    config.pluginmanager.register(Chains(), "calf-chains")
    config.pluginmanager.register(report, "calf-report")


def interrupt(signum, frame):
    """Stop at once: kill the workers (an xdist worker runs its test in a
    thread a signal cannot reach, so it would finish the test first), which
    takes each one's QEMU with it, then end the run as Ctrl-C does."""
    for pid in children():
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    raise KeyboardInterrupt(signal.Signals(signum).name)


def children():
    """This process's children: the xdist workers (their QEMUs are theirs),
    or under J=1 the QEMU or the tool a test runs."""
    pids = []
    for task in os.listdir("/proc/self/task"):
        with open("/proc/self/task/%s/children" % task) as f:
            pids += [int(p) for p in f.read().split()]
    return pids


def chained(entries):
    return any(isinstance(e, Generated) or e.keep or e.disk for e in entries)


class QemuItem(pytest.Item):
    """One entry of a suite: a Test, or a Generated entry standing for the
    tests it makes once its chain has recorded the facts."""

    def __init__(self, *, entry, suite, **kw):
        super().__init__(**kw)
        self.entry, self.suite = entry, suite
        self.chain = suite if chained(SUITES[suite]) else None
        self.needs_earlier = self.chain is not None
        mark_chain(self)
        self.subresults = []  # (name, passed, reason, seconds) of Generated tests

    def runtest(self):
        run = RUNS.get(self.chain)
        try:
            tests = expand(self.entry, run)
        except KeyError as e:
            raise TestFailure("needs the fact %s, which an earlier test of the %s suite "
                              "records (it did not pass)" % (e, self.suite))
        if not isinstance(self.entry, Generated):
            _, ok, reason, _ = run_in_slots(tests[0], run)
            if not ok:
                raise TestFailure(reason)
            return
        self.subresults = run_all(tests, run, self.entry.apart)
        bad = [s[0] for s in self.subresults if not s[1]]
        if bad:
            raise TestFailure("%d of the %d tests it made failed (logs %s)"
                              % (len(bad), len(tests),
                                 " ".join("tests/out/%s.log" % n for n in bad)))

    def repr_failure(self, excinfo):
        if isinstance(self.entry, Generated) and self.subresults:
            return str(excinfo.value)  # it names its tests' logs; it has none of its own
        return failure_text(self.name, excinfo)

    def reportinfo(self):
        return self.path, None, self.name


class HostItem(pytest.Item):
    """One host check: a (name, function) of a tests/*_check.py module's
    CHECKS, called with the module's fixture (one per process) if it has
    one. It fails by raising (tests.kit.CheckFailed, or anything else)."""

    def __init__(self, *, module, check, **kw):
        super().__init__(**kw)
        self.module, self.check = module, check
        self.chain = module.__name__
        self.suite = module.__name__.rsplit(".", 1)[1]
        self.needs_earlier = getattr(module, "IN_ORDER", False)
        self.subresults = []
        mark_chain(self)

    def runtest(self):
        start = time.monotonic()
        reason = "exception"
        try:
            with slots.held(1):
                if hasattr(self.module, "fixture"):
                    self.check(FIXTURES.get(self.module))
                else:
                    self.check()
            reason = None
        except BaseException as e:
            reason = "%s: %s" % (type(e).__name__, e)
            raise
        finally:
            if not getattr(self.module, "KEEPS_LOGS", False):
                write_log(self.name, reason, time.monotonic() - start)

    def repr_failure(self, excinfo):
        return failure_text(self.name, excinfo)

    def reportinfo(self):
        return self.path, None, self.name


def run_in_slots(test, run):
    """Run one QEMU test once it holds slots for its harts; (name, passed,
    reason, seconds)."""
    with slots.held(slots.weight(test.cpus, test.alone)):
        return (test.name,) + harness.run_test(test, run)


def run_all(tests, run, apart):
    """A Generated entry's tests, in order, or (apart) as many at once as
    there are slots: a thread each, every one waiting for its own slots,
    so the chain's worker uses the cores the other workers leave idle
    (the crash points, a boot or two each, are most of make test's
    longest chain). Results come back in the tests' order either way."""
    if not apart or slots.total() == 1:
        return [run_in_slots(t, run) for t in tests]
    # Started from the last: a crash point later in its workload runs
    # longer, and the longest should not be the one left running alone.
    with concurrent.futures.ThreadPoolExecutor(slots.total()) as pool:
        return list(pool.map(lambda t: run_in_slots(t, run), tests[::-1]))[::-1]


def mark_chain(item):
    """xdist's loadgroup sends the items of one group to one worker, in
    order (it appends "@group" to their node ids; tests/report.py takes it
    off again, so results keep the test's own name)."""
    if item.chain:
        item.add_marker(pytest.mark.xdist_group(item.chain))


def write_log(name, reason, secs):
    """A host check's log: its verdict (a check that keeps a log of its
    own, a console's, says so with KEEPS_LOGS)."""
    os.makedirs(harness.OUTDIR, exist_ok=True)
    with open(os.path.join(harness.OUTDIR, name + ".log"), "w") as f:
        f.write("# %s (%.1fs)\n" % ("PASS" if reason is None else "FAIL: " + reason, secs))


def failure_text(name, excinfo):
    """The reason and where to look: the same for every kind of test."""
    e = excinfo.value
    why = str(e) if isinstance(e, CheckFailed) else "%s: %s" % (type(e).__name__, e)
    if not str(e):  # a bare assert or the like: where it was raised says more
        why = str(excinfo.getrepr(style="short"))
    return "%s (log tests/out/%s.log)" % (why, name)


class SuiteFile(pytest.File):
    def collect(self):
        mod = self.path.stem
        for suite, entries in SUITES.items():
            if MODULE_OF.get(suite) != mod:
                continue
            if suite in OPTIONAL and suite not in self.config.getoption("suites").split(","):
                continue
            for entry in entries:
                yield QemuItem.from_parent(self, name=entry.name, entry=entry, suite=suite)


class CheckFile(pytest.File):
    def collect(self):
        module = importlib.import_module("tests." + self.path.stem)
        for name, check in module.CHECKS:
            yield HostItem.from_parent(self, name=name, module=module, check=check)


def pytest_collect_file(file_path, parent):
    if file_path.parent.name == "suites" and file_path.stem in MODULE_OF.values():
        return SuiteFile.from_parent(parent, path=file_path)
    if file_path.parent == parent.config.rootpath / "tests" and file_path.stem in HOST_CHECKS:
        return CheckFile.from_parent(parent, path=file_path)
    return None


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(session, config, items):
    """T=: keep only the matching names. Remember the whole list, for the
    chains (pytest_collection_modifyitems below runs after --lf's)."""
    config.calf_all = list(items)
    chosen = items
    pattern = config.getoption("only")
    if pattern:
        chosen = [i for i in chosen if re.search(pattern, i.name) or re.fullmatch(pattern, i.suite)]
    failed = last_failed() if config.getoption("failed") else None
    if failed:  # none recorded: everything, as pytest's --lf does
        chosen = [i for i in chosen if i.name in failed]
    deselect(config, items, whole_chains(items, set(chosen)))


def last_failed():
    """The names tests/report.py noted as failed at the end of the last
    run (a test a Generated entry made is rerun by rerunning its entry,
    which failed with it). pytest's own --lf cannot serve: it matches node
    ids, and xdist's loadgroup renames those of chained items."""
    try:
        with open(report.FAILED) as f:
            return set(f.read().split())
    except OSError:
        return set()


def deselect(config, items, keep):
    dropped = [i for i in items if i not in keep]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
    items[:] = keep


def whole_chains(full, chosen):
    """chosen, with each chain's members before its last chosen one (in a
    chain whose items need the earlier ones)."""
    last = {}
    for n, item in enumerate(full):
        if item in chosen and item.needs_earlier:
            last[item.chain] = n
    return [item for n, item in enumerate(full)
            if item in chosen or (item.chain in last and n < last[item.chain])]


def longest_first(items):
    """The chains and tests in the order to start them: the longest first
    (by last run's times; a fresh tree keeps suite order)."""
    took = {}
    for path in DURATIONS:
        try:
            with open(path) as f:
                took = json.load(f)
            break
        except (OSError, ValueError):
            continue
    cost = {}
    for item in items:
        key = item.chain or item.name
        cost[key] = cost.get(key, 0.0) + took.get(item.name, 0.0)
    return sorted(items, key=lambda i: -cost[i.chain or i.name])


class Chains:
    """Runs after every other plugin's collection_modifyitems (pytest's
    own -k, --lf): puts back what chosen chain members need, and orders."""

    @pytest.hookimpl(trylast=True)
    def pytest_collection_modifyitems(self, session, config, items):
        items[:] = longest_first(whole_chains(config.calf_all, set(items)))


class _PerProcess:
    """What a process's items of one chain share, made on first use and
    closed when the session ends: the Run of a QEMU suite (its facts and
    kept images), the fixture of a host-check module (its sandbox)."""

    def __init__(self):
        self.stack = contextlib.ExitStack()
        self.made = {}

    def get(self, key):
        if key not in self.made:
            self.made[key] = self._make(key)
        return self.made[key]

    def _make(self, key):
        if key is None:
            return None
        if isinstance(key, str):
            run = Run()
            self.stack.callback(run.close)
            return run
        return self.stack.enter_context(key.fixture())

    def close(self):
        self.stack.close()
        self.made.clear()


RUNS = _PerProcess()      # by chain name; a test of no chain gets a Run of its own
FIXTURES = _PerProcess()  # by host-check module


def pytest_sessionfinish(session):
    RUNS.close()
    FIXTURES.close()

