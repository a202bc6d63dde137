"""A lab's handout fails the lab's own test, and the full tree passes it.

Owns: the promise each lab below makes to its students, checked on real
builds: the stub handed out (`make handout`) builds and boots, and the
lab's own test fails there *because of the stub* (the log shows the
reason the stub gives), while the full tree, which compiles the
solution, passes the same test. tests/grade_check.py checks the marker
text and tests/gradescope_check.py the whole grading path for lab cow;
this check covers the labs whose own tests are not in that path.

The lab mmap is graded in class with MIT's mmaptest.c, which is not
calf's to ship (docs/labs/mmap.md): its stand-in here is calf's own
`labmmap`, written the same way on the same calls.

For each lab: the full tree's harness test runs first (the kernel and
fs.img `make build` left); then the handout is written into a temporary
directory, built there with `make -j2 build`, and the handout's own
runner (pytest, as make test runs it) runs the test (its console log stays in the handout's
tests/out/, and is copied to tests/out/handout-LAB-TEST.log here).

Boots QEMU: under make test, or alone with make test T=handout-mmap.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

from scripts import handout
from tests import harness
from tests.kit import CheckFailed, other_tree_env
from tests.suites import BY_NAME

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

# lab -> (its harness test, what the stub makes the kernel say in the log)
LABS = {
    "mmap": ("labmmap", r"file mappings are not implemented yet \(lab mmap\)"),
    "checkpoint": ("labckpt", r"lazy restore is not implemented yet \(lab checkpoint\)"),
}
def tail(text, n=15):
    return "\n".join(text.rstrip().splitlines()[-n:])


def check_solution(lab, test, _stub_says):
    """The full tree passes the lab's test."""
    ok, reason, _ = harness.run_test(BY_NAME[test])
    if not ok:
        raise CheckFailed("the full tree fails %s: %s (log tests/out/%s.log)"
                          % (test, reason, test))


def check_stub(lab, test, stub_says):
    """The handout builds, boots and fails the lab's test with the stub's reason."""
    tmp = tempfile.mkdtemp(prefix="calf-handout-%s-" % lab)
    try:
        tree = os.path.join(tmp, "calf")
        handout.write_handout(lab, tree)
        r = subprocess.run(["make", "-j2", "build"], cwd=tree, env=other_tree_env(),
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=900)
        if r.returncode != 0:
            raise CheckFailed("the %s handout does not build:\n%s"
                              % (lab, tail(r.stdout.decode("utf-8", "replace"))))
        r = subprocess.run([sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider",
                            "--only", "^%s$" % re.escape(test)],
                           cwd=tree, env=other_tree_env(), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=600)
        out = r.stdout.decode("utf-8", "replace")
        logpath = os.path.join(tree, "tests", "out", test + ".log")
        try:
            with open(logpath, "rb") as f:
                log = f.read().decode("utf-8", "replace")
        except OSError:
            log = ""
        keep = os.path.join(harness.OUTDIR, "handout-%s-%s.log" % (lab, test))
        with open(keep, "w") as f:
            f.write(log)
        if r.returncode == 0 or not re.search(r"(?m)^FAIL %s\b" % re.escape(test), out):
            raise CheckFailed("%s passes in the %s handout: the stub gives the solution away\n%s"
                              % (test, lab, tail(out)))
        if not re.search(stub_says, log):
            raise CheckFailed("%s fails in the %s handout, but not because of the stub (no "
                              "/%s/ in its log, kept in %s):\n%s"
                              % (test, lab, stub_says, os.path.relpath(keep, ROOT), tail(out)))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)



CHECKS = [("handout-%s-%s" % (lab, kind), lambda lab=lab, check=check: check(lab, *LABS[lab]))
          for lab in sorted(LABS) for kind, check in (("solution", check_solution),
                                                      ("stub", check_stub))]
