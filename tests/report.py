"""make test's reports, written where the results arrive (the controller
of an xdist run): a `PASS name (3.2s)` or `FAIL name: reason (log ...)`
line per test as it ends, the TAP stream tests/out/results.tap, last run's
times tests/out/durations.json, and `N passed, N failed` as the very last
line (CI reads it).

Owns the invariant that every test is reported once under its own name,
the tests a Generated entry makes included: their results travel in the
entry's report (user_properties, which xdist carries from the worker) and
are turned here into reports of their own, which pytest's JUnit writer and
the counts see like any other.
"""

import json
import os
import re

import pytest
from _pytest.reports import TestReport

from tests import results_check
from tests.harness import OUTDIR
from tests.kit import CheckFailed

SUB = "calf-generated"  # the user_properties key of a Generated test's result
TAP = os.path.join(OUTDIR, "results.tap")
DURATIONS = os.path.join(OUTDIR, "durations.json")
FAILED = os.path.join(OUTDIR, "failed.txt")
# Options that run part of the tests (the workers, not this process, do
# the selecting under xdist, so the options are what tells).
PARTIAL = ("only", "failed", "keyword", "markexpr", "lf", "deselect", "collectonly", "maxfail")
AFTER = os.path.join(os.path.dirname(OUTDIR), "names-after.txt")


class Results:
    def __init__(self, config):
        self.config = config
        self.passed = self.failed = 0
        self.took = {}
        self.where = {}  # name -> the file it is in
        self.tap = []  # its lines after the plan

    def record(self, name, ok, reason, secs, where="tests/report.py"):
        """One test's result: the line, the TAP entry, the counts."""
        self.took[name] = round(secs, 1)
        self.where[name] = where
        tr = self.config.pluginmanager.get_plugin("terminalreporter")
        if ok:
            self.passed += 1
            line = "PASS %s (%.1fs)" % (name, secs)
            self.tap.append("ok %d - %s" % (len(self.tap) + 1, name))
        else:
            self.failed += 1
            line = "FAIL %s: %s (%.1fs)" % (name, reason, secs)
            self.tap.append("not ok %d - %s" % (len(self.tap) + 1, name))
            self.tap += ["  # " + l for l in str(reason).split("\n")]
        if tr is not None:
            tr.write_line(line)

    def write(self):
        os.makedirs(OUTDIR, exist_ok=True)
        n = sum(1 for l in self.tap if not l.startswith("  "))
        with open(FAILED, "w") as f:
            f.write("".join(l.split(" - ", 1)[1] + "\n" for l in self.tap
                            if l.startswith("not ok")))
        with open(TAP, "w") as f:
            f.write("TAP version 13\n1..%d\n" % n)
            f.write("".join(l + "\n" for l in self.tap))
        try:
            with open(DURATIONS) as f:
                took = json.load(f)
        except (OSError, ValueError):
            took = {}
        took.update(self.took)
        with open(DURATIONS, "w") as f:
            json.dump(took, f, indent=0, sort_keys=True)

    @pytest.hookimpl(tryfirst=True)
    def pytest_runtest_logreport(self, report):
        report.nodeid = report.nodeid.split("@")[0]  # xdist's group suffix
        subs = [v for k, v in report.user_properties if k == SUB]
        report.user_properties[:] = [(k, v) for k, v in report.user_properties if k != SUB]
        for name, ok, reason, secs in subs:
            if report.nodeid.endswith("::" + name):
                continue  # the entry made one test of its own name: its report says it
            for when in ("setup", "call", "teardown"):
                outcome = "failed" if when == "call" and not ok else "passed"
                self.config.hook.pytest_runtest_logreport(
                    report=sub_report(report, name, when, outcome, reason, secs))
        if report.when == "call" or (report.when == "setup" and not report.passed):
            where, name = report.nodeid.rsplit("::", 1)
            self.record(name, report.passed, reason_of(report), report.duration, where)

    @pytest.hookimpl(trylast=True)
    def pytest_sessionfinish(self, session):
        """The run's own checks (after pytest's JUnit writer has written),
        as results of their own: they fail the run like any test."""
        checks = []
        if self.config.getoption("collectonly"):
            return  # LIST=1: nothing ran, nothing to check or write
        ended = session.exitstatus in (pytest.ExitCode.OK, pytest.ExitCode.TESTS_FAILED)
        if self.config.option.xmlpath and ended:  # (a stopped run's file may be cut short)
            checks.append(("junit-valid",
                           lambda: results_check.check_junit(self.config.option.xmlpath)))
        whole = not (session.shouldstop or self.config.args != self.config.getini("testpaths")
                     or any(self.config.getoption(o, None) for o in PARTIAL))
        if session.testscollected and whole and ended:
            checks.append(("names-kept", self.check_names))
        for name, check in checks:
            try:
                check()
                self.record(name, True, None, 0.0)
            except CheckFailed as e:
                self.record(name, False, str(e), 0.0)
        if not ended:
            # Interrupted, no test matched, an error in collection: the
            # closing line must not read as a clean run.
            self.record("runner", False, "pytest ended: %s"
                        % pytest.ExitCode(session.exitstatus).name.lower().replace("_", " "), 0.0)
        if self.failed and session.exitstatus == 0:
            session.exitstatus = 1
        self.write()

    def check_names(self):
        """A whole run: every name of before still runs; the names it ran
        are tests/names-after.txt."""
        with open(AFTER, "w") as f:
            f.write("# Test names a whole make test ran (tests/report.py writes this),\n"
                    "# one per line: the file it is in, then its name.\n")
            f.write("".join("%s %s\n" % (self.where[n], n) for n in sorted(self.took)))
        results_check.check_names(set(self.took))

    def pytest_sessionstart(self, session):
        tr = self.config.pluginmanager.get_plugin("terminalreporter")
        if tr is not None:  # (it is there by now)
            tr.showfspath = False  # a PASS or FAIL line per test says it all

    def pytest_report_teststatus(self, report, config):
        """No progress letters: the PASS and FAIL lines say it."""
        if report.when == "call":
            return report.outcome, "", report.outcome.upper()
        return None

    @pytest.hookimpl(trylast=True)
    def pytest_unconfigure(self, config):
        if config.getoption("collectonly"):
            return
        print("%d passed, %d failed" % (self.passed, self.failed), flush=True)


def reason_of(report):
    """A failure's text without the line xdist puts first ("[gw0] linux ...")."""
    lines = report.longreprtext.strip().split("\n")
    return "\n".join(lines[1:] if lines and re.match(r"\[gw\d+\] ", lines[0]) else lines)


def sub_report(parent, name, when, outcome, reason, secs):
    """A report for one test a Generated entry made, as if it were an item
    of the entry's file (the JUnit classname and the counts see no
    difference)."""
    return TestReport(nodeid=parent.nodeid.rsplit("::", 1)[0] + "::" + name,
                      location=parent.location, keywords={name: 1}, outcome=outcome,
                      longrepr=None if outcome == "passed" else
                      "%s (log tests/out/%s.log)" % (reason, name),
                      when=when, sections=[], duration=secs if when == "call" else 0.0,
                      user_properties=[])


def pytest_configure(config):
    if not hasattr(config, "workerinput"):
        config.pluginmanager.register(Results(config), "calf-results")


def pytest_runtest_makereport(item, call):
    """Attach a Generated entry's results to its report (in the worker)."""
    if call.when == "call":
        for name, ok, reason, secs in getattr(item, "subresults", ()):
            item.user_properties.append((SUB, (name, ok, reason, secs)))
