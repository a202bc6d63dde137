#!/usr/bin/env python3
"""make gradescope: a Gradescope autograder zip for one lab.

Owns: the layout of the zip. Its root holds setup.sh and run_autograder
(Gradescope's two required files), grader.py (what run_autograder runs),
config.json (the lab, the files a student may change -- the spec's
student-files, the same list make handout checks its stubs against --,
the whole-run time budget and the per-test limit), calf/ (the lab's
handout tree, written by scripts/handout.py) and, with --extra, hidden/
(the instructor's hidden tests: DIR's *.c and *.spec, never in the
handout). Invariant: the zip holds nothing of the lab's solution.

usage: python3 -m scripts.gradescope.bundle LAB OUT.zip [--extra DIR]
           [--budget SECS] [--test-limit SECS]
"""

import argparse
import json
import os
import shutil
import sys
import tempfile
import zipfile

from scripts import handout

HERE = os.path.dirname(os.path.abspath(__file__))

# Gradescope stops a run after the assignment's timeout, 10 minutes unless
# changed; the budget should match it (the grader keeps a margin).
DEFAULT_BUDGET = 600
DEFAULT_TEST_LIMIT = 300


def add_tree(z, top, prefix):
    for d, dirs, names in os.walk(top):
        dirs.sort()
        for n in sorted(names):
            path = os.path.join(d, n)
            arc = os.path.join(prefix, os.path.relpath(path, top))
            info = zipfile.ZipInfo.from_file(path, arc)  # keeps the mode bits
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as f:
                z.writestr(info, f.read())


def bundle(lab, out, extra=None, budget=DEFAULT_BUDGET, test_limit=DEFAULT_TEST_LIMIT):
    known = handout.labs_known()
    if lab not in known:
        raise handout.HandoutError("no lab named %s (labs: %s)" % (lab, " ".join(known)))
    with tempfile.TemporaryDirectory(prefix="calf-gradescope-") as tmp:
        handout.write_handout(lab, os.path.join(tmp, "calf"))
        if extra:
            os.makedirs(os.path.join(tmp, "hidden"))
            names = [n for n in sorted(os.listdir(extra)) if n.endswith((".c", ".h", ".spec"))]
            if not names:
                raise handout.HandoutError("%s has no *.c or *.spec" % extra)
            for n in names:
                shutil.copyfile(os.path.join(extra, n), os.path.join(tmp, "hidden", n))
        for n in ("setup.sh", "run_autograder", "grader.py"):
            shutil.copy2(os.path.join(HERE, n), os.path.join(tmp, n))
        with open(os.path.join(tmp, "config.json"), "w") as f:
            json.dump({"lab": lab, "student_files": known[lab].student, "budget": budget,
                       "test_limit": test_limit}, f, indent=2)
        tmpzip = out + ".tmp"
        with zipfile.ZipFile(tmpzip, "w") as z:
            add_tree(z, tmp, "")
        os.replace(tmpzip, out)
    return known[lab].student


def main():
    ap = argparse.ArgumentParser(description="Write a Gradescope autograder zip for a lab.")
    ap.add_argument("lab")
    ap.add_argument("out", metavar="OUT.zip")
    ap.add_argument("--extra", metavar="DIR", help="hidden tests: DIR/*.c and DIR/*.spec")
    ap.add_argument("--budget", type=float, default=DEFAULT_BUDGET,
                    help="seconds for a whole run (default %(default)s: Gradescope's default)")
    ap.add_argument("--test-limit", type=float, default=DEFAULT_TEST_LIMIT,
                    help="seconds for any one test (default %(default)s)")
    args = ap.parse_args()
    try:
        files = bundle(args.lab, args.out, args.extra, args.budget, args.test_limit)
    except (handout.HandoutError, OSError) as e:
        sys.exit("gradescope: %s" % e)
    print("gradescope: %s for lab %s; students submit %s; time budget %g s, at most %g s "
          "per test%s" % (args.out, args.lab, " ".join(files), args.budget, args.test_limit,
                          "; hidden tests from %s" % args.extra if args.extra else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
