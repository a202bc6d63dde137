#!/usr/bin/env python3
"""Grades one Gradescope submission of a calf lab (run by run_autograder).

Owns: turning ROOT/submission into a graded tree and ROOT/results/
results.json, where ROOT is Gradescope's /autograder (or a directory laid
out like it: source/, submission/, results/). source/ is the autograder
zip that `make gradescope` wrote: config.json, the lab's handout tree in
calf/ (already built by setup.sh), the instructor's hidden tests in
hidden/.

Invariant: every run ends with a results.json that Gradescope accepts,
whatever the submission does -- fails to build, hangs, panics, floods the
console -- and whatever goes wrong in the grader itself; and only the
files the lab's spec lists under student-files are taken from the
submission (the output names every other file that was changed and is
ignored).

Steps: copy the built handout tree to ROOT/work; copy the student's files
over it (by path, or by name for a flat upload); build (a failed build
scores every test 0, not run, with the compiler's messages in the
output); grade with the tree's own tests/grade.py, within the whole-run
time budget and the per-test limit of config.json; add the notes about
the submission to the output.

usage: python3 grader.py ROOT
"""

import argparse
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import traceback

BUILD_LIMIT = 300     # seconds for building a submission
MARGIN = 30           # seconds of the budget kept for writing the results
MESSAGE_LINES = 40    # compiler lines shown for a failed build
SKIP_DIRS = {".git", "__MACOSX", "build", "tests/out"}


def note(notes, text):
    notes.append(text)
    print("grader: " + text, flush=True)


def submission_files(sub):
    """(regular files, symbolic links) of the submission as relative paths,
    minus VCS and build debris."""
    files, links = [], []
    for d, dirs, names in os.walk(sub):
        rel = os.path.relpath(d, sub)
        dirs[:] = sorted(x for x in dirs if os.path.normpath(os.path.join(rel, x)) not in SKIP_DIRS
                         and x not in SKIP_DIRS)
        # A symbolic link could point anywhere on the grading machine: only
        # regular files are taken, and the links are named as ignored.
        for n in sorted(names):
            path = os.path.normpath(os.path.join(rel, n))
            (links if os.path.islink(os.path.join(d, n)) else files).append(path)
    return files, links


def find_student_file(path, files):
    """The submission's version of `path`: the same path, or else the one
    file with the same name (a flat upload of just the files), or None."""
    if path in files:
        return path
    same = [f for f in files if os.path.basename(f) == os.path.basename(path)]
    tails = [f for f in same if f.endswith("/" + path)]  # a repository in a folder
    if len(tails) == 1:
        return tails[0]
    return same[0] if len(same) == 1 else None


def same_file(a, b):
    try:
        with open(a, "rb") as fa, open(b, "rb") as fb:
            return fa.read() == fb.read()
    except OSError:
        return False


def overlay(sub, work, cfg, notes):
    """Copy the student's files over the handout tree; note what is ignored."""
    files, links = submission_files(sub)
    used = set()
    for path in cfg["student_files"]:
        found = find_student_file(path, files)
        if found is None:
            note(notes, "%s is not in the submission: the handout's version is graded" % path)
            continue
        used.add(found)
        shutil.copyfile(os.path.join(sub, found), os.path.join(work, path))
        note(notes, "graded %s from the submission's %s" % (path, found))
    ignored = links + [f for f in files if f not in used
                       and not same_file(os.path.join(sub, f), os.path.join(work, f))]
    if ignored:
        shown = ignored[:20] + (["... %d more" % (len(ignored) - 20)] if len(ignored) > 20 else [])
        note(notes, "ignored: the submission changes %s; only %s may change in lab %s"
             % (", ".join(shown), " ".join(cfg["student_files"]), cfg["lab"]))


def compiler_messages(out):
    """What a student needs from a failed build: the diagnostics first."""
    lines = out.replace("\r", "").split("\n")
    diag = [l for l in lines if re.search(r"\berror:|\bwarning:|undefined reference|\*\*\*", l)]
    picked = diag[:MESSAGE_LINES] if diag else lines[-MESSAGE_LINES:]
    return "\n".join(picked)


def run(cmd, cwd, timeout, stream=False):
    """(exit status or None on timeout, output); the whole process group
    is killed at the timeout."""
    proc = subprocess.Popen(cmd, cwd=cwd, stdout=None if stream else subprocess.PIPE,
                            stderr=subprocess.STDOUT, start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=timeout)
        return proc.returncode, (out or b"").decode("utf-8", "replace")
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        out, _ = proc.communicate()
        return None, (out or b"").decode("utf-8", "replace")


def fallback(results, why, notes):
    """A results.json for when grading itself went wrong: no points, the reason."""
    doc = {"score": 0, "output": "\n".join(notes + ["The grader could not grade this "
                                                     "submission: " + why]),
           "visibility": "visible", "tests": []}
    os.makedirs(os.path.dirname(results), exist_ok=True)
    with open(results, "w") as f:
        json.dump(doc, f, indent=2)


def grade(root, cfg, notes, start):
    src, work = os.path.join(root, "source"), os.path.join(root, "work")
    results = os.path.join(root, "results", "results.json")
    os.makedirs(os.path.dirname(results), exist_ok=True)
    budget = float(cfg["budget"])
    note(notes, "lab %s; time budget %g s for the whole run, at most %g s per test"
         % (cfg["lab"], budget, cfg["test_limit"]))
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(os.path.join(src, "calf"), work, symlinks=True)
    overlay(os.path.join(root, "submission"), work, cfg, notes)

    hidden = os.path.join(src, "hidden")
    extra = ["EXTRA_USER=" + hidden] if os.path.isdir(hidden) else []
    status, out = run(["make", "-j%d" % (os.cpu_count() or 1), "build"] + extra, work,
                      min(BUILD_LIMIT, budget - MARGIN))
    cmd = [sys.executable, "-m", "tests.grade", "--lab", cfg["lab"], "--results", results]
    if extra:
        cmd += ["--extra", hidden]
    if status != 0:
        why = "timed out" if status is None else "failed"
        note(notes, "the build %s: every test scores 0. The compiler said:\n%s"
             % (why, compiler_messages(out)))
        cmd += ["--not-run", "the submission does not build"]
        left = budget
    else:
        note(notes, "built in %.0f s" % (time.monotonic() - start))
        left = budget - (time.monotonic() - start) - MARGIN
        cmd += ["--budget", "%.0f" % left, "--test-limit", "%g" % cfg["test_limit"]]
    if os.path.exists(results):
        os.unlink(results)
    status, _ = run(cmd, work, max(left, 0) + MARGIN, stream=True)
    try:
        with open(results) as f:
            doc = json.load(f)
    except (OSError, ValueError):
        why = "tests/grade.py %s" % ("timed out" if status is None else
                                     "exited with status %s and no results" % status)
        return fallback(results, why, notes)
    doc["output"] = "\n".join(notes + [doc.get("output", "")])
    doc["execution_time"] = round(time.monotonic() - start)
    with open(results, "w") as f:
        json.dump(doc, f, indent=2)
    print("grader: score %g; results in %s" % (doc["score"], results), flush=True)


def main():
    ap = argparse.ArgumentParser(description="Grade a Gradescope submission.")
    ap.add_argument("root", help="Gradescope's /autograder")
    root, start, notes = os.path.abspath(ap.parse_args().root), time.monotonic(), []
    try:
        with open(os.path.join(root, "source", "config.json")) as f:
            cfg = json.load(f)
        grade(root, cfg, notes, start)
    except Exception:  # the grader's own bug: still a valid results.json
        traceback.print_exc()
        fallback(os.path.join(root, "results", "results.json"),
                 traceback.format_exc().strip().split("\n")[-1], notes)
    return 0


if __name__ == "__main__":
    sys.exit(main())
