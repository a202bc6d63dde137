"""End-to-end check of the Gradescope autograder and the handout's GitHub
Classroom workflow, on this machine.

Owns: the contract of `make gradescope` as Gradescope uses it. The zip is
built (lab cow, with tests/labs/hidden-example as the hidden tests) and
unpacked into a temporary root laid out like Gradescope's /autograder
(source/, submission/, results/, run_autograder); setup.sh runs there
(its package install finds everything present and installs nothing);
then run_autograder grades four submissions, and each results.json must
have the fields Gradescope documents and exactly the expected scores:

  reference    the full tree's cow.c, in a whole-repository upload that
               also changes README.md and holds a symbolic link: full marks,
               the link and README.md named as ignored
  stub         the handout's own cow.c, uploaded alone: every lab test 0,
               every hidden test passes
  broken       a cow.c that does not compile: every test 0, not run, the
               compiler's error in the output
  misbehaving  the reference cow.c, but its kernel panics, hangs or floods
               the console when a process named cowpanic, cowhang or
               cowflood forks: exactly those three hidden tests score 0,
               each with its reason and the last console lines

Then the handout's .github/workflows/grade.yml: its `run:` commands are
run, in order, in a copy of the zip's handout tree (the stub), as GitHub
Actions would run them; the job must end red (the stub is not full
marks), the job summary must hold the score, and its results must equal
the Gradescope run's for the lab's tests.

The grade step also writes results.xml, JUnit XML that the workflow's
report step uploads so that GitHub shows the tests one by one: it must be
valid JUnit (tests/results_check.py), hold every test of results.json
with the same verdict, and be the file that step reads.

QEMU runs here: under `make test`, or alone with make test
T='gradescope-|classroom-' (the zip and setup.sh checks come first).
"""

import json
import os
import re
import shutil
import subprocess
import zipfile

from scripts import handout
from tests import grade, results_check
from tests.kit import CheckFailed, expect, other_tree_env, sandbox

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

LAB = "cow"
HIDDEN = os.path.join("tests", "labs", "hidden-example")
STUDENT_FILE = "kernel/mm/cow.c"
LAB_POINTS = 100
HIDDEN_POINTS = {"hidden-fork-write": 5, "hidden-panic": 1, "hidden-hang": 1, "hidden-flood": 1}
VISIBILITIES = ("hidden", "after_due_date", "after_published", "visible")

# The misbehaving submission: the reference cow.c plus a hook at the top
# of uvm_share (fork's COW sharing) that misbehaves for three process names.
MISBEHAVE = """
#include "kernel/proc/proc.h"
#include "kernel/lib/printk.h"
#include "kernel/lib/string.h"

static void misbehave(void) {
  const char *name = myproc()->name;
  if (strncmp(name, "cowpanic", 16) == 0)
    panic("misbehave: a kernel that panics");
  if (strncmp(name, "cowhang", 16) == 0)
    for (;;)
      ;
  if (strncmp(name, "cowflood", 16) == 0)
    for (;;)
      printf("misbehave: a kernel that floods the console\\n");
}
"""


def sh(cmd, cwd, env=None, timeout=900):
    """Run cmd in another tree (the zip's), with none of this run's paths."""
    r = subprocess.run(cmd, cwd=cwd, env=env or other_tree_env(), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       timeout=timeout)
    return r.returncode, r.stdout.decode("utf-8", "replace")


def unpack(zpath, dest):
    """Unzip keeping the mode bits, as Gradescope's unpacking does."""
    with zipfile.ZipFile(zpath) as z:
        for info in z.infolist():
            path = z.extract(info, dest)
            mode = info.external_attr >> 16
            if mode:
                os.chmod(path, mode & 0o7777)


def validate(doc):
    """results.json against the fields Gradescope documents."""
    expect(isinstance(doc.get("score"), (int, float)), "no numeric top-level score")
    expect(isinstance(doc.get("execution_time"), (int, float)), "no execution_time")
    expect(isinstance(doc.get("output"), str), "no top-level output")
    expect(doc.get("visibility", "visible") in VISIBILITIES, "top-level visibility")
    expect(doc.get("stdout_visibility", "hidden") in VISIBILITIES, "stdout_visibility")
    tests = doc.get("tests")
    expect(isinstance(tests, list) and tests, "no tests[]")
    for t in tests:
        for key, typ in (("name", str), ("score", (int, float)), ("max_score", (int, float)),
                         ("output", str), ("visibility", str)):
            expect(isinstance(t.get(key), typ), "test %r: %s missing or not %s"
                   % (t.get("name"), key, typ.__name__ if isinstance(typ, type) else "a number"))
        expect(0 <= t["score"] <= t["max_score"], "%s: score out of range" % t["name"])
        expect(t["visibility"] in VISIBILITIES, "%s: visibility %s" % (t["name"], t["visibility"]))
        expect(t.get("status", "passed") in ("passed", "failed"), "%s: status" % t["name"])
    expect(abs(sum(t["score"] for t in tests) - doc["score"]) < 1e-9, "scores do not add up")
    return {t["name"].split(": ", 1)[1]: t for t in tests}


class Gradescope:
    """A temporary root laid out like Gradescope's /autograder."""

    def __init__(self, tmp):
        self.tmp = tmp
        self.zip = os.path.join(tmp, "autograder.zip")
        self.root = os.path.join(tmp, "autograder")
        self.stub_tests = None  # the stub's results, for the workflow's comparison

    def build_zip(self):
        status, out = sh(["make", "--no-print-directory", "gradescope", "LAB=" + LAB,
                          "EXTRA_USER=" + HIDDEN, "OUT=" + self.zip], ROOT)
        expect(status == 0, "make gradescope: %s" % out[-500:])
        with zipfile.ZipFile(self.zip) as z:
            names = set(z.namelist())
        for n in ("setup.sh", "run_autograder", "config.json", "hidden/cow.spec",
                  "calf/" + STUDENT_FILE, "calf/" + handout.WORKFLOW):
            expect(n in names, "%s is not in the zip" % n)
        leaked = [n for n in names if n.startswith("calf/tests/labs/hidden-example/")
                  or n == "calf/docs/cow.md"]
        expect(not leaked, "the handout tree holds %s" % leaked)
        for d in ("source", "submission", "results"):
            os.makedirs(os.path.join(self.root, d))
        unpack(self.zip, os.path.join(self.root, "source"))
        shutil.copy2(os.path.join(self.root, "source", "run_autograder"),
                     os.path.join(self.root, "run_autograder"))

    def setup(self):
        status, out = sh(["bash", os.path.join(self.root, "source", "setup.sh")], self.root)
        expect(status == 0 and "ready to grade" in out, "setup.sh failed: %s" % out[-800:])
        expect("installing" not in out, "setup.sh installed packages that are present")

    def grade(self, files, links=()):
        """Grade a submission {relative path: text} (plus symbolic links
        [(path, target)]); its parsed results."""
        sub = os.path.join(self.root, "submission")
        shutil.rmtree(sub)
        os.makedirs(sub)
        for rel, text in files.items():
            os.makedirs(os.path.dirname(os.path.join(sub, rel)) or sub, exist_ok=True)
            with open(os.path.join(sub, rel), "w") as f:
                f.write(text)
        for rel, target in links:
            os.symlink(target, os.path.join(sub, rel))
        results = os.path.join(self.root, "results", "results.json")
        if os.path.exists(results):
            os.unlink(results)
        status, out = sh([os.path.join(self.root, "run_autograder")], self.root)
        expect(status == 0, "run_autograder exit %d: %s" % (status, out[-800:]))
        try:
            with open(results) as f:
                doc = json.load(f)
        except (OSError, ValueError) as e:
            raise CheckFailed("no valid results.json (%s); run_autograder said: %s"
                              % (e, out[-800:]))
        return doc, validate(doc)


def read(path):
    with open(path) as f:
        return f.read()


def scores(tests):
    return {name: t["score"] for name, t in tests.items()}


def full(tests):
    return {name: t["max_score"] for name, t in tests.items()}


def check_reference(gs):
    readme = read(os.path.join(ROOT, "README.md")) + "\nA student's note.\n"
    doc, tests = gs.grade({STUDENT_FILE: read(os.path.join(ROOT, STUDENT_FILE)),
                           "README.md": readme}, links=[("secrets", "/etc/hostname")])
    expect(scores(tests) == full(tests), "reference not full marks: %s" % scores(tests))
    expect(doc["score"] == LAB_POINTS + sum(HIDDEN_POINTS.values()), "score %s" % doc["score"])
    expect(tests["hidden-fork-write"]["visibility"] == "hidden", "a hidden test is visible")
    expect(re.search(r"(?m)^ignored: the submission changes secrets, README\.md;",
                     doc["output"]),
           "the link and the changed README.md are not named as ignored: %r"
           % doc["output"][:400])
    expect("time budget 600 s" in doc["output"], "the time budget is not in the output")


def check_stub(gs):
    stub = read(os.path.join(gs.root, "source", "calf", STUDENT_FILE))
    doc, tests = gs.grade({"cow.c": stub})  # a flat upload: found by name
    want = {n: (HIDDEN_POINTS[n] if n in HIDDEN_POINTS else 0) for n in tests}
    expect(scores(tests) == want, "stub scores %s, want %s" % (scores(tests), want))
    expect("graded %s from the submission's cow.c" % STUDENT_FILE in doc["output"],
           "the flat upload was not used")
    gs.stub_tests = tests


def check_broken(gs):
    src = read(os.path.join(ROOT, STUDENT_FILE)) + "\nthis is not C;\n"
    doc, tests = gs.grade({STUDENT_FILE: src})
    expect(doc["score"] == 0 and len(tests) == 5 + len(HIDDEN_POINTS), "score %s" % doc["score"])
    for name, t in tests.items():
        expect(t["output"].startswith("not run: the submission does not build"),
               "%s: %r" % (name, t["output"][:80]))
    expect(re.search(r"kernel/mm/cow\.c:\d+:\d+: error:", doc["output"]),
           "no compiler message in the output: %r" % doc["output"][:600])


def check_misbehaving(gs):
    src = read(os.path.join(ROOT, STUDENT_FILE))
    head, sep, rest = src.partition("int uvm_share(pagetable_t old, pagetable_t new, uint64 sz) {\n")
    expect(sep, "uvm_share not found in %s" % STUDENT_FILE)
    doc, tests = gs.grade({STUDENT_FILE: head + MISBEHAVE + sep + "  misbehave();\n" + rest})
    # Each reason, and a line of the console's end that shows it.
    bad = {"hidden-panic": (r"kernel panic: misbehave", "$ cowpanic"),
           "hidden-hang": (r"timed out .*time limit", "$ cowhang"),
           "hidden-flood": (r"console flood", "misbehave: a kernel that floods the console")}
    want = {n: 0 if n in bad else t["max_score"] for n, t in tests.items()}
    expect(scores(tests) == want, "scores %s, want %s" % (scores(tests), want))
    for name, (rx, line) in bad.items():
        out = tests[name]["output"]
        expect(re.search(rx, out.split("\n", 1)[0]), "%s: reason %r" % (name, out[:200]))
        expect(line in out, "%s: the console's end is not shown: %r" % (name, out[-300:]))


def check_workflow(gs):
    """The workflow's commands, in order, in a copy of the handout tree."""
    repo = os.path.join(gs.tmp, "student-repo")
    shutil.copytree(os.path.join(gs.root, "source", "calf"), repo, symlinks=True)
    cmds = handout.workflow_commands(read(os.path.join(repo, handout.WORKFLOW)))
    expect(len(cmds) == len(handout.WORKFLOW_STEPS), "workflow commands: %s" % cmds)
    env = dict(other_tree_env(), GITHUB_STEP_SUMMARY=os.path.join(gs.tmp, "summary.md"))
    for n, cmd in enumerate(cmds, 1):
        status, out = sh(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", cmd],
                         repo, env)
        last = n == len(cmds)
        expect(status == (1 if last else 0), "step %d %r: exit %d (the stub %s): %s"
               % (n, cmd, status, "is not full marks" if last else "must pass", out[-600:]))
    expect(gs.stub_tests is not None, "no Gradescope results of the stub to compare with")
    summary = read(env["GITHUB_STEP_SUMMARY"])
    expect(summary.startswith("## Score: 0/%d" % LAB_POINTS), "summary: %r" % summary[:200])
    with open(os.path.join(repo, "results.json")) as f:
        tests = validate(json.load(f))
    theirs = {n: (t["score"], t.get("status")) for n, t in gs.stub_tests.items()
              if n not in HIDDEN_POINTS}
    ours = {n: (t["score"], t.get("status")) for n, t in tests.items()}
    expect(ours == theirs, "workflow results %s differ from Gradescope's %s" % (ours, theirs))
    check_junit_report(repo, tests)


def check_junit_report(repo, tests):
    """The report step reads the grade step's JUnit file, and that file
    gives each test of results.json its verdict."""
    _, action, inputs = handout.REPORT_STEP
    text = read(os.path.join(repo, handout.WORKFLOW))
    expect("uses: " + action in text and "report_paths: results.xml" in text,
           "the workflow has no step that uploads results.xml: %s" % text)
    path = os.path.join(repo, dict(inputs)["report_paths"])
    results_check.check_junit(path)
    cases = {c.get("name"): "passed" if c.find("failure") is None else "failed"
             for c in grade.ET.parse(path).getroot().iter("testcase")}
    want = {n: t["status"] for n, t in tests.items()}
    expect(cases == want, "results.xml says %s, results.json %s" % (cases, want))


fixture = sandbox("calf-gradescope-check-", Gradescope)
# In order, in one process (tests/conftest.py): the zip and setup.sh come
# first, and every later check grades with what they made.
IN_ORDER = True
CHECKS = [("gradescope-zip", Gradescope.build_zip), ("gradescope-setup", Gradescope.setup),
          ("gradescope-reference", check_reference), ("gradescope-stub", check_stub),
          ("gradescope-broken", check_broken), ("gradescope-misbehaving", check_misbehaving),
          ("classroom-workflow", check_workflow)]
