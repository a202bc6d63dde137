#!/usr/bin/env python3
"""Autograder: scores calf's labs by running the harness's tests headless.

Owns: reading the lab spec files (tests/labs/*.spec), deciding which graded
tests run, scoring them, and reporting the result on the terminal and in
Gradescope's results.json format. The QEMU side (one machine per test, no
QEMU outliving us, logs in tests/out/) is tests/harness.py's; this file
only builds harness Tests and calls harness.run_test.

Invariant: every graded test gets exactly one result, scored all or
nothing, and a test runs only if every test it depends on passed (a
dependent of a failure is reported "not run: depends on X", in the
style of test161). The score printed, the exit status and results.json
are computed from the same list of results.

Spec files are INI (configparser; a comment is a whole line starting
with #). The [lab] section describes the lab:

    title           one line, for the docs and the report
    doc             the docs page whose grading table must match the spec
    order           labs are graded in increasing order (default 100)
    status          ready (default), or future: listed, not graded by default
    handout-remove  files `make handout` leaves out (space separated)
    student-files   the files a student changes (space separated): every
                    stub of the lab must be in one, and the Gradescope
                    grader takes only these from a submission

Every other section is one graded test, named by the section:

    points          all or nothing (required)
    harness         a harness test by name, or
    suite           every test of a harness suite, or
    run             a command typed at the shell, with
      expect        regexes its output must match, one per line (re.M)
      absent        regexes it must not match
      program       what must be on the disk (default: the command's
                    first word); also cpus, mem and bootargs
    timeout         seconds for the whole test, boot included
    depends         earlier tests of this lab that must pass first
    visibility      visible (default), hidden, after_due_date, after_published
    leakcheck       yes (default) or no: compare `free` before and after
    description     what it checks, for the docs table

Instructors keep hidden tests outside the student tree: `make grade
EXTRA_USER=DIR` builds DIR/*.c onto the disk and adds the tests of
DIR/*.spec (a file per lab, named like the lab it extends; visibility
defaults to hidden there).

A panic or a hang fails the test that caused it (the harness sees both);
so does a frame leak: unless leakcheck = no, a test that leaves the shell
running is wrapped in two `free` commands, and the free-frame counts must
match.

usage: python3 -m tests.grade [--lab LAB[,LAB...]] [--results FILE] [--junit FILE]
                              [--extra DIR] [--list] [--table LAB]
                              [--update-docs]
Prints one line per graded test, then `Score: N/M`; exits 0 only with
full marks. Without --lab it grades every lab whose harness tests all
exist (a lab waiting for its feature is named and skipped).
"""

from __future__ import annotations

import argparse
import configparser
import dataclasses
import glob
import json
import os
import re
import shlex
import signal
import sys
import time
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from tests import harness
from tests.harness import Step, Test
from tests.suites import SUITES

ROOT = harness.ROOT
SPECDIR = os.path.join(ROOT, "tests", "labs")
FSLIST = os.path.join(ROOT, "build", "fs.list")  # the Makefile's list of fs.img's programs
VISIBILITIES = ("visible", "hidden", "after_due_date", "after_published")
KINDS = ("harness", "suite", "run")
TEST_KEYS = set(KINDS) | {"points", "timeout", "depends", "visibility", "leakcheck",
                          "description", "expect", "absent", "program", "cpus", "mem",
                          "bootargs"}
LAB_KEYS = {"name", "title", "doc", "order", "status", "handout-remove", "student-files"}
RUN_TIMEOUT = 120.0      # default timeout of a `run` test, seconds
EXCERPT_LINES = 40       # console lines kept in a result's output
EXCERPT_WIDTH = 300      # characters kept of one console line (a flood's
                         # line may have no end)
MIN_TEST_SECS = 20       # a test is not started with less budget left
FREE_RX = r"(?m)^frames: total \d+, free (\d+)"
# With a page cache, `free` also prints the frames an allocation can
# have: free ones plus idle cache pages (a program's text stays cached
# after it exits, which is no leak). That figure is the one to compare.
AVAIL_RX = r"(?m)^page cache: \d+ frames \(\d+ idle\), available (\d+)"


class SpecError(Exception):
    pass


@dataclass
class GradedTest:
    lab: str
    name: str
    points: int
    kind: str                 # "harness", "suite" or "run"
    target: str               # harness test, suite name, or command line
    timeout: float | None = None
    depends: list = field(default_factory=list)
    visibility: str = "visible"
    leakcheck: bool = True
    description: str = ""
    expect: tuple = ()
    absent: tuple = ()
    program: str | None = None
    cpus: int = 3
    mem: str = "128M"
    bootargs: str | None = None


@dataclass
class Lab:
    name: str
    title: str = ""
    doc: str | None = None
    order: int = 100
    status: str = "ready"
    remove: list = field(default_factory=list)
    student_files: list = field(default_factory=list)
    tests: list = field(default_factory=list)
    path: str = ""

    def points(self):
        return sum(t.points for t in self.tests)


@dataclass
class Result:
    test: GradedTest
    status: str               # "passed", "failed", "not run", "not available"
    reason: str | None = None
    secs: float = 0.0
    output: str = ""

    @property
    def score(self):
        return self.test.points if self.status == "passed" else 0


# ------------------------------------------------------------------ specs

def _regexes(value):
    """One regex per line; ^ and $ match at line boundaries of the output."""
    return tuple("(?m)" + l.strip() for l in value.splitlines() if l.strip())


def _parse_test(lab, name, sec, default_visibility, path):
    where = "%s [%s]" % (os.path.relpath(path, ROOT), name)
    unknown = set(sec) - TEST_KEYS
    if unknown:
        raise SpecError("%s: unknown key(s) %s" % (where, ", ".join(sorted(unknown))))
    kinds = [k for k in KINDS if k in sec]
    if len(kinds) != 1:
        raise SpecError("%s: needs exactly one of harness, suite, run" % where)
    try:
        t = GradedTest(lab, name, sec.getint("points"), kinds[0], sec[kinds[0]].strip(),
                       timeout=sec.getfloat("timeout"),
                       depends=sec.get("depends", "").split(),
                       visibility=sec.get("visibility", default_visibility),
                       leakcheck=sec.getboolean("leakcheck", True),
                       description=" ".join(sec.get("description", "").split()),
                       expect=_regexes(sec.get("expect", "")),
                       absent=_regexes(sec.get("absent", "")),
                       cpus=sec.getint("cpus", 3), mem=sec.get("mem", "128M"),
                       bootargs=sec.get("bootargs"))
    except (TypeError, ValueError) as e:
        raise SpecError("%s: %s" % (where, e))
    if t.points is None or t.points < 0:
        raise SpecError("%s: points must be a number >= 0" % where)
    if t.visibility not in VISIBILITIES:
        raise SpecError("%s: visibility must be one of %s" % (where, ", ".join(VISIBILITIES)))
    for rx in t.expect + t.absent:
        try:
            re.compile(rx)
        except re.error as e:
            raise SpecError("%s: bad regex %r: %s" % (where, rx, e))
    if t.kind == "run":
        if not t.expect:
            raise SpecError("%s: a run test needs expect" % where)
        t.program = sec.get("program", shlex.split(t.target)[0])
    elif {"expect", "absent", "program", "cpus", "mem", "bootargs"} & set(sec):
        raise SpecError("%s: expect, absent, program, cpus, mem, bootargs are for run tests"
                        % where)
    return t


def _read(path):
    cp = configparser.ConfigParser(interpolation=None, inline_comment_prefixes=None)
    try:
        with open(path) as f:
            cp.read_file(f)
    except (OSError, configparser.Error) as e:
        raise SpecError("%s: %s" % (os.path.relpath(path, ROOT), e))
    return cp


def load_spec(path, default_visibility="visible", into=None):
    """Parse one spec file; with `into`, add its tests to that Lab."""
    cp = _read(path)
    head = cp["lab"] if cp.has_section("lab") else {}
    unknown = set(head) - LAB_KEYS
    if unknown:
        raise SpecError("%s [lab]: unknown key(s) %s" % (path, ", ".join(sorted(unknown))))
    name = head.get("name", os.path.splitext(os.path.basename(path))[0])
    lab = into or Lab(name, head.get("title", name), head.get("doc"),
                      int(head.get("order", 100)), head.get("status", "ready"),
                      head.get("handout-remove", "").split(),
                      head.get("student-files", "").split(), path=path)
    if lab.status not in ("ready", "future"):
        raise SpecError("%s [lab]: status must be ready or future" % path)
    for sname in cp.sections():
        if sname == "lab":
            continue
        if any(t.name == sname for t in lab.tests):
            raise SpecError("%s: test %s is already in lab %s" % (path, sname, lab.name))
        t = _parse_test(lab.name, sname, cp[sname], default_visibility, path)
        earlier = {x.name for x in lab.tests}
        for d in t.depends:
            if d not in earlier:
                raise SpecError("%s [%s]: depends on %s, which is not an earlier test of lab %s"
                                % (path, sname, d, lab.name))
        lab.tests.append(t)
    return lab


def load_labs(extra_dir=None, specdir=SPECDIR):
    """All labs, in grading order; extra_dir's specs add (hidden) tests."""
    labs = {}
    for path in sorted(glob.glob(os.path.join(specdir, "*.spec"))):
        lab = load_spec(path)
        if lab.name in labs:
            raise SpecError("%s: lab %s is defined twice" % (path, lab.name))
        labs[lab.name] = lab
    if extra_dir:
        for path in sorted(glob.glob(os.path.join(extra_dir, "*.spec"))):
            stem = os.path.splitext(os.path.basename(path))[0]
            name = _read(path).get("lab", "name", fallback=stem)
            if name in labs:
                load_spec(path, "hidden", into=labs[name])
            else:
                labs[name] = load_spec(path, "hidden")
    return dict(sorted(labs.items(), key=lambda kv: (kv[1].order, kv[0])))


# ------------------------------------------------------------ availability

def harness_tests():
    return {t.name: t for tests in SUITES.values() for t in tests}


def on_disk(program):
    """Whether the Makefile put program on fs.img: build/fs.list names the
    image's programs (it is rewritten whenever EXTRA_USER changes them)."""
    try:
        with open(FSLIST) as f:
            return "build/fs/_%s" % program in f.read().split()
    except OSError:
        return os.path.exists(os.path.join(ROOT, "build", "fs", "_" + program))


def missing(gt):
    """Why gt cannot run in this tree, or None."""
    if gt.kind == "harness" and gt.target not in harness_tests():
        return "harness test %s does not exist yet" % gt.target
    if gt.kind == "suite" and not SUITES.get(gt.target):
        return "harness suite %s does not exist yet" % gt.target
    if gt.kind == "run" and not on_disk(gt.program):
        return ("program %s is not on the disk image (hidden tests: make grade EXTRA_USER=DIR)"
                % gt.program)
    return None


def lab_missing(lab):
    """Why a lab is left out of a default run: a harness test or suite it
    needs does not exist yet (its feature has not landed). Missing programs
    do not count: they are reported per test."""
    why = [missing(t) for t in lab.tests if t.kind != "run"]
    return "; ".join(w for w in why if w) or None


# ---------------------------------------------------------------- running

def available(out):
    """The frames `free` says an allocation can have, and what they are."""
    m = re.search(AVAIL_RX, out)
    if m:
        return int(m.group(1)), "available (free, or idle in the page cache)"
    return int(re.search(FREE_RX, out).group(1)), "free"


def leak_checked(steps):
    """steps wrapped in two `free` commands whose counts of available
    frames must match."""
    seen = {}

    def before(out):
        seen["free"] = available(out)[0]

    def after(out):
        now, what = available(out)
        if now != seen.get("free"):
            return ("frame leak: %s frames %s before the test, %d after"
                    % (seen.get("free"), what, now))
        return None

    return ([Step("free", (FREE_RX,), check=before)] + list(steps)
            + [Step("free", (FREE_RX,), check=after)])


def harness_test(gt, base, limit=None):
    """The harness Test to run for gt, built on `base` (None for a run test);
    `limit` caps its timeout (the per-test limit, or what is left of the
    run's budget)."""
    if base is None:
        base = Test(gt.name, steps=[Step(gt.target, gt.expect, gt.absent)], cpus=gt.cpus,
                    mem=gt.mem, bootargs=gt.bootargs, timeout=RUN_TIMEOUT)
    steps = base.steps
    if gt.leakcheck and base.shell and base.exit_code is None and not base.panic_ok:
        steps = leak_checked(steps)
    timeout = gt.timeout or base.timeout
    if limit is not None:
        timeout = min(timeout, limit)
    return dataclasses.replace(base, steps=steps, timeout=timeout)


def excerpt(logname, limit=EXCERPT_LINES):
    """The console as the student should see it: from the first shell
    prompt on (the firmware banner is noise), at most `limit` lines from
    the end, where a panic or a hang shows."""
    path = os.path.join(harness.OUTDIR, logname + ".log")
    try:
        with open(path, "rb") as f:
            text = f.read().decode("utf-8", "replace").replace("\r", "")
    except OSError:
        return ""
    lines = text.split("\n")
    if lines and lines[0].startswith("# "):
        lines = lines[1:]  # the harness's note of the QEMU command line
    while lines and (not lines[-1].strip() or re.match(r"# (PASS|FAIL)", lines[-1])):
        lines.pop()        # ... and of its verdict
    first = next((i for i, l in enumerate(lines) if l.startswith("$ ")), 0)
    lines = [l if len(l) <= EXCERPT_WIDTH else
             l[:EXCERPT_WIDTH] + " [... %d more characters]" % (len(l) - EXCERPT_WIDTH)
             for l in lines[first:]]
    if len(lines) > limit:
        lines = ["[... %d earlier lines: tests/out/%s.log]" % (len(lines) - limit, logname)] \
            + lines[-limit:]
    return "\n".join(lines)


def run_one(gt, run=None, limit=None):
    """Run gt and return its Result. `run` is harness.run_test (a parameter
    so that the checks can feed in fake outcomes); `limit` caps each of its
    QEMU runs, in seconds."""
    run = run or harness.run_test
    why = missing(gt)
    if why:
        return Result(gt, "not available", why)
    if gt.kind == "suite":
        bases = list(SUITES[gt.target])
    elif gt.kind == "harness":
        bases = [harness_tests()[gt.target]]
    else:
        bases = [None]
    secs, outputs = 0.0, []
    for base in bases:
        test = harness_test(gt, base, limit)
        ok, reason, took = run(test)
        if not ok and re.match(r"timed out|QEMU still running", reason):
            reason += " (time limit %g s)" % test.timeout
        secs += took
        log = "tests/out/%s.log" % test.name
        head = "console (%s):\n" % log
        if gt.kind == "suite":  # say which of the suite's tests this is
            head = "%s: %s (%.1fs); console (%s):\n" % (
                test.name, "passed" if ok else "FAILED: " + reason, took, log)
        outputs.append(head + excerpt(test.name))
        if not ok:
            if gt.kind == "run" and re.search(r"exec %s failed" % re.escape(gt.program),
                                              excerpt(test.name, 10**6)):
                return Result(gt, "not available", "program %s is not on the disk image"
                              % gt.program, secs, "\n\n".join(outputs))
            if gt.kind == "suite":
                reason = "%s: %s" % (test.name, reason)
            return Result(gt, "failed", "%s (log %s)" % (reason, log), secs, "\n\n".join(outputs))
    return Result(gt, "passed", None, secs, "\n\n".join(outputs))


def grade(tests, run=None, report=None, budget=None, test_limit=None, clock=time.monotonic):
    """Run the tests in order, skipping dependents of failures. With a
    budget (seconds for the whole run), no test runs past it: each gets at
    most what is left, and none starts with less than MIN_TEST_SECS left.
    test_limit caps every test's own timeout."""
    results, start = {}, clock()
    for gt in tests:
        blocker = next((d for d in gt.depends
                        if results.get((gt.lab, d)) is None
                        or results[(gt.lab, d)].status != "passed"), None)
        left = None if budget is None else budget - (clock() - start)
        if blocker is not None:
            r = Result(gt, "not run", "depends on %s" % blocker)
        elif left is not None and left < MIN_TEST_SECS:
            r = Result(gt, "not run", "the run's time budget of %g s is used up" % budget)
        else:
            limits = [x for x in (test_limit, left) if x is not None]
            r = run_one(gt, run, min(limits) if limits else None)
        results[(gt.lab, gt.name)] = r
        if report:
            report(r)
    return list(results.values())


# --------------------------------------------------------------- reports

def result_line(r):
    t = r.test
    head = "%-6s %-18s %3d/%-3d" % (t.lab, t.name, r.score, t.points)
    if r.status == "passed":
        return "%s pass (%.1fs)" % (head, r.secs)
    if r.status == "failed":
        return "%s FAIL: %s (%.1fs)" % (head, r.reason, r.secs)
    return "%s %s: %s" % (head, r.status, r.reason)


def score_of(results):
    return sum(r.score for r in results), sum(r.test.points for r in results)


def results_json(results, execution_time, notes=()):
    """Gradescope's autograder results format for these results."""
    score, total = score_of(results)
    tests = []
    for r in results:
        text = {"passed": "passed", "failed": "FAILED: %s" % r.reason,
                "not run": "not run: %s" % r.reason,
                "not available": "not available: %s" % r.reason}[r.status]
        if r.status in ("passed", "failed"):
            text += " (%.1fs)" % r.secs
        if r.output:
            text += "\n\n" + r.output
        tests.append({
            "name": "%s: %s" % (r.test.lab, r.test.name),
            "score": r.score,
            "max_score": r.test.points,
            "status": "passed" if r.status == "passed" else "failed",
            "output": text,
            "visibility": r.test.visibility,
        })
    return {
        "score": score,
        "execution_time": round(execution_time),
        "output": "\n".join(list(notes) + ["Score: %d/%d" % (score, total)]),
        "visibility": "visible",
        "stdout_visibility": "hidden",
        "tests": tests,
    }


def summary(doc):
    """A results.json as Markdown, for a CI job's summary page."""
    total = sum(t["max_score"] for t in doc["tests"])
    rows = ["## Score: %g/%g" % (doc["score"], total), "",
            "| test | score | result |", "|---|---:|---|"]
    for t in doc["tests"]:
        first = t["output"].split("\n", 1)[0].replace("|", "\\|")
        rows.append("| %s | %g/%g | %s |" % (t["name"], t["score"], t["max_score"], first))
    return "\n".join(rows + ["", "```", doc.get("output", ""), "```"]) + "\n"


def junit(doc):
    """A results.json as JUnit XML, one test case per graded test, for CI
    services that show tests one by one (the handout's workflow uploads it
    to GitHub's checks; tests/gradescope_check.py validates it)."""
    tests = doc["tests"]
    suite = ET.Element("testsuite", name="grade", tests=str(len(tests)), errors="0",
                       skipped="0", time=str(doc.get("execution_time", 0)),
                       failures=str(sum(t["status"] != "passed" for t in tests)))
    for t in tests:
        lab, name = t["name"].split(": ", 1)
        case = ET.SubElement(suite, "testcase", classname="lab." + lab, name=name, time="0")
        if t["status"] != "passed":
            ET.SubElement(case, "failure", message=t["output"].split("\n", 1)[0]).text = \
                t["output"]
    root = ET.Element("testsuites")
    root.append(suite)
    return ET.tostring(root, encoding="unicode") + "\n"


def read_results(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        sys.exit("grade: %s: %s" % (path, e))


def grading_table(lab):
    """The Markdown grading table of a lab's docs page."""
    if not lab.tests:
        return "No graded tests yet.\n"
    rows = ["| test | points | depends on | what it checks |", "|---|---:|---|---|"]
    for t in lab.tests:
        what = t.description or {"harness": "harness test `%s`", "suite": "harness suite `%s`",
                                 "run": "`%s`"}[t.kind] % t.target
        name = "`%s`" % t.name + ("" if t.visibility == "visible" else " (%s)" % t.visibility)
        rows.append("| %s | %d | %s | %s |" % (name, t.points, ", ".join(
            "`%s`" % d for d in t.depends) or "", what))
    rows.append("")
    rows.append("Total: %d points. Source: `%s`." % (lab.points(), os.path.relpath(lab.path, ROOT)))
    if lab.student_files:
        rows.append("Graded from your work: %s (the grader ignores changes to any other "
                    "file)." % ", ".join("`%s`" % f for f in lab.student_files))
    return "\n".join(rows) + "\n"


TABLE_BEGIN = "<!-- grading table: generated from the lab's spec by `python3 -m tests.grade --update-docs` -->\n"
TABLE_END = "<!-- end of grading table -->\n"


def doc_table_problems(labs):
    """Labs whose docs page is missing or whose table differs from the spec."""
    problems = []
    for lab in labs.values():
        if not lab.doc:
            continue
        path = os.path.join(ROOT, lab.doc)
        try:
            with open(path) as f:
                text = f.read()
        except OSError as e:
            problems.append("%s: %s" % (lab.doc, e))
            continue
        m = re.search(re.escape(TABLE_BEGIN) + r"(.*?)" + re.escape(TABLE_END), text, re.S)
        if not m:
            problems.append("%s: no grading table markers" % lab.doc)
        elif m.group(1) != grading_table(lab):
            problems.append("%s: grading table differs from %s (run python3 -m tests.grade "
                            "--update-docs)" % (lab.doc, os.path.relpath(lab.path, ROOT)))
    return problems


def update_docs(labs):
    for lab in labs.values():
        if not lab.doc:
            continue
        path = os.path.join(ROOT, lab.doc)
        with open(path) as f:
            text = f.read()
        new = re.sub(re.escape(TABLE_BEGIN) + r".*?" + re.escape(TABLE_END),
                     lambda m: TABLE_BEGIN + grading_table(lab) + TABLE_END, text, flags=re.S)
        if new != text:
            with open(path, "w") as f:
                f.write(new)
            print("updated %s" % lab.doc)


# ------------------------------------------------------------------ main

def choose(labs, names):
    """(tests to grade, notes about labs left out)."""
    if names:
        chosen = []
        for n in names:
            if n not in labs:
                sys.exit("grade: no lab named %r (labs: %s)" % (n, " ".join(labs)))
            chosen.append(labs[n])
        notes = ["lab %s is not ready yet (status future): nothing to grade" % lab.name
                 for lab in chosen if lab.status == "future"]
        return [t for lab in chosen for t in lab.tests], notes
    tests, notes = [], []
    for lab in labs.values():
        why = lab_missing(lab) if lab.status == "ready" else "status future"
        if why:
            notes.append("lab %s not graded: %s (make grade LAB=%s grades it anyway)"
                         % (lab.name, why, lab.name))
        else:
            tests += lab.tests
    return tests, notes


def raise_interrupted(signum, frame):
    raise harness.Interrupted(signal.Signals(signum).name)


def main():
    ap = argparse.ArgumentParser(description="Grade calf's labs.")
    ap.add_argument("--lab", help="lab(s) to grade, comma separated (default: all ready)")
    ap.add_argument("--results", metavar="FILE", help="also write Gradescope results.json")
    ap.add_argument("--junit", metavar="FILE", help="also write the results as JUnit XML")
    ap.add_argument("--extra", metavar="DIR", help="instructor's directory of hidden *.spec")
    ap.add_argument("--list", action="store_true", help="list labs and their tests")
    ap.add_argument("--table", metavar="LAB", help="print a lab's grading table")
    ap.add_argument("--update-docs", action="store_true", help="rewrite the docs' tables")
    ap.add_argument("--budget", type=float, metavar="SECS",
                    help="time budget for the whole run (tests past it are not run)")
    ap.add_argument("--test-limit", type=float, metavar="SECS",
                    help="at most this long for any one test")
    ap.add_argument("--not-run", metavar="REASON",
                    help="run nothing: every test scores 0, not run for REASON")
    ap.add_argument("--summary", metavar="RESULTS",
                    help="print a results.json as Markdown (a CI job summary)")
    ap.add_argument("--full-marks", metavar="RESULTS",
                    help="exit 0 only if a results.json has full marks")
    args = ap.parse_args()
    if args.summary:
        sys.stdout.write(summary(read_results(args.summary)))
        return 0
    if args.full_marks:
        doc = read_results(args.full_marks)
        total = sum(t["max_score"] for t in doc["tests"])
        print("Score: %g/%g" % (doc["score"], total))
        return 0 if doc["tests"] and doc["score"] == total else 1
    try:
        labs = load_labs(args.extra)
    except SpecError as e:
        sys.exit("grade: %s" % e)

    if args.list:
        for lab in labs.values():
            print("%s (%s, %d points%s): %s" % (lab.name, lab.title, lab.points(),
                  ", future" if lab.status == "future" else "",
                  " ".join("%s=%d" % (t.name, t.points) for t in lab.tests)))
        return 0
    if args.table:
        if args.table not in labs:
            sys.exit("grade: no lab named %r" % args.table)
        sys.stdout.write(grading_table(labs[args.table]))
        return 0
    if args.update_docs:
        update_docs(labs)
        return 0

    names = [n for n in re.split(r"[,\s]+", args.lab or "") if n]
    tests, notes = choose(labs, names)
    for n in notes:
        print("note: " + n, flush=True)
    if not tests:
        print("grade: no tests to grade", file=sys.stderr)
        return 2
    if args.budget is not None:
        notes.append("time budget %g s for the run%s" % (args.budget, "" if args.test_limit is None
                     else ", at most %g s per test" % args.test_limit))
        print("note: " + notes[-1], flush=True)
    signal.signal(signal.SIGTERM, raise_interrupted)
    signal.signal(signal.SIGHUP, raise_interrupted)
    start = time.monotonic()
    report = lambda r: print(result_line(r), flush=True)  # noqa: E731
    try:
        if args.not_run:
            results = [Result(t, "not run", args.not_run) for t in tests]
            for r in results:
                report(r)
        else:
            results = grade(tests, report=report, budget=args.budget,
                            test_limit=args.test_limit)
    except (KeyboardInterrupt, harness.Interrupted) as e:
        print("grade: interrupted (%s)" % (e or "Ctrl-C"), flush=True)
        return 130
    if args.budget is not None:
        notes.append("time used: %.0f s" % (time.monotonic() - start))
    score, total = score_of(results)
    doc = results_json(results, time.monotonic() - start, notes)
    if args.results:
        with open(args.results, "w") as f:
            json.dump(doc, f, indent=2)
            f.write("\n")
    if args.junit:
        with open(args.junit, "w") as f:
            f.write(junit(doc))
    print("Score: %d/%d" % (score, total))
    return 0 if score == total else 1


if __name__ == "__main__":
    sys.exit(main())
