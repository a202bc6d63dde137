"""Host-side checks of the autograder and the handout tool, no QEMU needed.

Owns: the contracts of tests/grade.py and scripts/handout.py that `make
grade` and `make handout` rely on but that a full grading run would take
minutes to exercise: the lab specs parse; a test whose harness test,
suite or program is missing is reported "not available" and scores 0
without crashing; a dependent of a failure is not run; the frame-leak
check fires; a run's time budget stops tests in time; results.json has
Gradescope's shape, and its Markdown summary; the grading tables in
docs/labs/ match the specs; the lab markers in the sources are well
formed and the handout transformation does what it says; every lab
students write has stubs to hand out, all inside the files its spec
lists under student-files, and a workflow whose commands read back. Every QEMU run
is faked (grade.grade takes the function that runs a test).

Run by make test (tests/conftest.py); alone: make test T='grade-|handout-'.
"""

import json
import os
import tempfile
import textwrap

from scripts import handout
from tests import grade
from tests.kit import CheckFailed, expect

HERE = os.path.dirname(os.path.abspath(__file__))


def fake_run(outcomes):
    """A stand-in for harness.run_test: outcome by harness test name
    (default pass); it records which tests were started."""
    started = []

    def run(test):
        started.append(test.name)
        ok, reason = outcomes.get(test.name, (True, None))
        return ok, reason, 0.5

    run.started = started
    return run


FAKE_SPEC = """
[lab]
title = A lab for the checks

[first]
points = 10
harness = boot
timeout = 7

[second]
points = 5
harness = cowtest
depends = first

[independent]
points = 3
harness = shell-pipe

[gone]
points = 4
harness = no-such-harness-test

[after-gone]
points = 2
harness = shell-list
depends = gone

[suite-gone]
points = 6
suite = no-such-suite

[hidden-prog]
points = 8
run = no-such-program arg
expect = ^fine$
visibility = hidden
"""


def load_fake():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "fake.spec")
        with open(path, "w") as f:
            f.write(FAKE_SPEC)
        return grade.load_spec(path)


def check_specs():
    labs = grade.load_labs()
    for name in ("base", "cow", "spawn", "creds", "snapshots"):
        expect(name in labs, "no tests/labs/%s.spec" % name)
    for lab in labs.values():
        if lab.status == "ready":
            expect(lab.tests and lab.points() > 0, "lab %s has no points" % lab.name)
    # Hidden tests from an instructor's directory extend a lab.
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "cow.spec"), "w") as f:
            f.write("[secret]\npoints = 5\nrun = secret\nexpect = ^ok$\n")
        labs = grade.load_labs(extra_dir=d)
        t = labs["cow"].tests[-1]
        expect((t.name, t.visibility, t.program) == ("secret", "hidden", "secret"),
               "an EXTRA_USER spec did not add a hidden test to lab cow")
    for bad in ("[t]\npoints = 1\n", "[t]\npoints = 1\nharness = boot\ndepends = later\n",
                "[t]\npoints = 1\nharness = boot\nvisibility = sometimes\n",
                "[t]\npoints = x\nharness = boot\n", "[t]\npoints = 1\nrun = x\n"):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "bad.spec")
            with open(path, "w") as f:
                f.write(bad)
            try:
                grade.load_spec(path)
            except grade.SpecError:
                continue
            raise CheckFailed("a bad spec was accepted: %r" % bad)


def check_missing_and_depends():
    lab = load_fake()
    run = fake_run({"boot": (False, "kernel panic: test")})
    results = {r.test.name: r for r in grade.grade(lab.tests, run=run)}
    want = {"first": "failed", "second": "not run", "independent": "passed",
            "gone": "not available", "after-gone": "not run", "suite-gone": "not available",
            "hidden-prog": "not available"}
    got = {n: r.status for n, r in results.items()}
    expect(got == want, "statuses %s, want %s" % (got, want))
    expect(results["second"].reason == "depends on first", "reason %r" % results["second"].reason)
    expect(run.started == ["boot", "shell-pipe"], "ran %s" % run.started)
    expect(grade.score_of(results.values()) == (3, 38), "score %s" % (grade.score_of(
        results.values()),))
    expect(grade.lab_missing(lab), "a lab with a missing harness test counted as complete")
    expect("no-such-program" in results["hidden-prog"].reason, "program not named")
    # The default run leaves out a lab whose harness tests do not exist yet.
    tests, notes = grade.choose({"fake": lab}, [])
    expect(tests == [] and "lab fake not graded" in notes[0], "incomplete lab graded by default")


def check_wrapping():
    tests = grade.harness_tests()
    lab = load_fake()
    first = grade.harness_test(lab.tests[0], tests["boot"])
    expect(first.timeout == 7 and first.steps == tests["boot"].steps,
           "boot (it powers off) must keep its steps and take the spec's timeout")
    cow = grade.harness_test(lab.tests[1], tests["cowtest"])
    cmds = [s.cmd for s in cow.steps]
    expect(cmds[0] == "free" and cmds[-1] == "free" and len(cmds) == len(tests["cowtest"].steps) + 2,
           "cowtest is not wrapped in free commands: %s" % cmds)
    free = "frames: total 100, free %d, used 1, shared 0\n"
    expect(cow.steps[0].check(free % 60) is None, "the first free check failed")
    expect(cow.steps[-1].check(free % 60) is None, "equal counts reported as a leak")
    why = cow.steps[-1].check(free % 59)
    expect(why and "frame leak" in why, "a lost frame was not reported: %r" % why)
    # With a page cache, frames idle in the cache count as available: a
    # program's text cached after the test is no leak, a lost frame is.
    cached = free + "page cache: %d frames (%d idle), available %d\n"
    expect(cow.steps[0].check(cached % (57, 6, 3, 60)) is None, "the first free check failed")
    expect(cow.steps[-1].check(cached % (55, 8, 5, 60)) is None,
           "a page idle in the cache was reported as a leak")
    why = cow.steps[-1].check(cached % (55, 8, 4, 59))
    expect(why and "frame leak" in why, "a lost frame beside the cache was not reported: %r"
           % why)


def check_json():
    lab = load_fake()
    run = fake_run({"boot": (False, "timed out waiting for the prompt")})
    results = grade.grade(lab.tests, run=run)
    doc = json.loads(json.dumps(grade.results_json(results, 12.3, ["note: x"])))
    expect(isinstance(doc.get("score"), (int, float)), "no numeric top-level score")
    expect(isinstance(doc.get("execution_time"), (int, float)), "no execution_time")
    expect(isinstance(doc.get("output"), str) and "Score: 3/38" in doc["output"], "output")
    expect(doc.get("visibility") in grade.VISIBILITIES, "top-level visibility")
    expect(isinstance(doc.get("tests"), list) and len(doc["tests"]) == len(lab.tests), "tests[]")
    for t in doc["tests"]:
        for key, typ in (("name", str), ("score", (int, float)), ("max_score", (int, float)),
                         ("output", str), ("visibility", str), ("status", str)):
            expect(isinstance(t.get(key), typ), "test %r: %s missing or not %s" % (
                t.get("name"), key, typ))
        expect(0 <= t["score"] <= t["max_score"], "test %s: score out of range" % t["name"])
        expect(t["visibility"] in grade.VISIBILITIES, "test %s: visibility" % t["name"])
        expect(t["status"] in ("passed", "failed"), "test %s: status %s" % (t["name"], t["status"]))
    expect(sum(t["score"] for t in doc["tests"]) == doc["score"], "scores do not add up")
    by = {t["name"]: t for t in doc["tests"]}
    expect(by["fake: second"]["output"].startswith("not run: depends on first"), "not-run text")
    expect(by["fake: hidden-prog"]["visibility"] == "hidden", "hidden test shown")


def check_budget():
    """A run budget: each test gets at most what is left (and at most the
    per-test limit); once less than MIN_TEST_SECS is left, the rest are
    not run. The fake clock advances 100 s per test run."""
    lab = load_fake()
    now = [0.0]
    limits = []

    def run(test):
        limits.append(test.timeout)
        now[0] += 100
        return True, None, 100.0

    tests = [t for t in lab.tests if t.kind == "harness" and t.name != "gone"]
    results = grade.grade(tests, run=run, budget=215, test_limit=150, clock=lambda: now[0])
    got = [(r.test.name, r.status) for r in results]
    want = [("first", "passed"), ("second", "passed"), ("independent", "not run"),
            ("after-gone", "not run")]
    expect(got == want, "statuses %s, want %s" % (got, want))
    expect(limits == [7, 115], "timeouts %s, want [7 (the spec's), 115 (what is left)]" % limits)
    expect("time budget of 215 s is used up" in results[2].reason, results[2].reason)
    doc = grade.results_json(results, 200)
    summary = grade.summary(doc)
    expect(summary.startswith("## Score: 15/20\n"), "summary %r" % summary[:40])
    expect("| fake: independent | 0/3 | not run: the run's time budget" in summary, summary)


def check_docs():
    problems = grade.doc_table_problems(grade.load_labs())
    expect(not problems, "; ".join(problems))


def check_markers():
    problems = handout.check_tree()
    expect(not problems, "; ".join(problems))
    src = textwrap.dedent("""\
        int keep;
        // LAB a: BEGIN SOLUTION
        int solution_a;
        // LAB a: END SOLUTION
        // LAB a: BEGIN STUB
        // // TODO a
        // int stub_a;
        //
        // LAB a: END STUB
          // LAB b: BEGIN SOLUTION
          int solution_b;
          // LAB b: END SOLUTION
          // LAB b: BEGIN STUB
          // int stub_b;
          // LAB b: END STUB
        """)
    got_a = handout.transform(src, "a")
    expect(got_a == "int keep;\n// TODO a\nint stub_a;\n\n  int solution_b;\n",
           "handout a: %r" % got_a)
    got_full = handout.transform(src, None)
    expect(got_full == "int keep;\nint solution_a;\n  int solution_b;\n",
           "full tree without markers: %r" % got_full)
    for bad in ("// LAB a: BEGIN SOLUTION\nx\n",
                "// LAB a: END STUB\n",
                "// LAB a: BEGIN STUB\nnot commented\n// LAB a: END STUB\n",
                "// LAB a: BEGIN SOLUTION\n// LAB b: BEGIN STUB\n",
                "// LAB a:BEGIN SOLUTION\n"):
        try:
            handout.transform(bad, "a")
        except handout.HandoutError:
            continue
        raise CheckFailed("malformed markers accepted: %r" % bad)


def check_lab_handouts():
    """Every lab students write (a ready lab with a docs page) has stubs to
    hand out, and its handout holds no marker; every file a spec's
    handout-remove names exists (a renamed file would silently stay in)."""
    texts = {}
    for rel in handout.tree_files():
        text = handout.read_text(handout.ROOT, rel)
        if text is not None and "LAB " in text:
            texts[rel] = text
    marked = set()
    for text in texts.values():
        marked |= handout.markers_in(text)
    for lab in grade.load_labs().values():
        for rel in lab.remove:
            expect(os.path.isfile(os.path.join(grade.ROOT, rel)),
                   "%s: handout-remove names %s, which does not exist"
                   % (os.path.relpath(lab.path, grade.ROOT), rel))
        for rel in lab.student_files:
            expect(os.path.isfile(os.path.join(grade.ROOT, rel)), "%s: student-files names %s, "
                   "which does not exist" % (os.path.relpath(lab.path, grade.ROOT), rel))
        if lab.status != "ready" or not lab.doc:
            continue
        expect(lab.name in marked, "lab %s is ready but no source has LAB %s markers "
               "(make handout would refuse it)" % (lab.name, lab.name))
        stubbed = {rel for rel, text in texts.items() if lab.name in handout.markers_in(text)}
        expect(stubbed <= set(lab.student_files), "lab %s has stubs in %s, outside its "
               "student-files (make handout would refuse it)"
               % (lab.name, " ".join(sorted(stubbed - set(lab.student_files)))))
        cmds = handout.workflow_commands(handout.workflow(lab.name))
        expect(cmds == [c.format(lab=lab.name) for _, c in handout.WORKFLOW_STEPS]
               and "make grade LAB=%s RESULTS=results.json JUNIT=results.xml || true" % lab.name in cmds,
               "the workflow of lab %s does not read back as its steps: %s" % (lab.name, cmds))
        for rel, text in texts.items():
            left = handout.ANY_MARK.search(handout.transform(text, lab.name, rel))
            expect(not left, "handout %s: %s keeps a marker: %s" % (lab.name, rel,
                                                                     left and left.group(0)))


CHECKS = [
    ("grade-specs", check_specs),
    ("grade-missing-and-depends", check_missing_and_depends),
    ("grade-leak-check", check_wrapping),
    ("grade-results-json", check_json),
    ("grade-budget", check_budget),
    ("grade-docs-tables", check_docs),
    ("handout-markers", check_markers),
    ("handout-labs", check_lab_handouts),
]
