#!/usr/bin/env python3
"""Lab handouts from one tree: write a student's copy of calf for one lab.

Owns: the lab markers in the sources and the transformation that turns
the full tree (which compiles every solution) into a lab's handout (which
compiles that lab's stubs). Invariant: the full tree and every handout
differ only inside marker blocks (and by the files the lab's spec leaves
out), and a handout holds no marker at all.

In a source file, a lab's solution and the stub a student starts from
sit side by side, the stub commented out line by line, so the full tree
builds the solution:

    // LAB cow: BEGIN SOLUTION
    ...the working code...
    // LAB cow: END SOLUTION
    // LAB cow: BEGIN STUB
    // // Your job: ...
    // return FAULT_KILL;
    // LAB cow: END STUB

Markers are read in the sources only (kernel/, user/ and mkfs/: C and
assembly, where `//` starts a comment), so docs and this script can show
them. For `make handout LAB=cow`, cow's solution blocks are dropped and
its stub blocks uncommented (one leading `// ` removed per line); other
labs keep their solutions and lose their stubs; every marker line goes.
Files the lab's spec lists under handout-remove (pages that narrate the
solution) are left out. A lab with no markers gets no handout: it would
be the solution; a lab whose stubs sit outside the files its spec lists
under student-files gets none either (the Gradescope grader would ignore
the student's work there). The handout also carries a GitHub Classroom
workflow, .github/workflows/grade.yml, that grades the lab on every push.

usage: python3 scripts/handout.py LAB OUT     write the handout into OUT
       python3 scripts/handout.py --check     check the markers in the tree
"""

import argparse
import collections
import configparser
import fnmatch
import os
import re
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
SPECDIR = os.path.join(ROOT, "tests", "labs")
MARKED_DIRS = ("kernel/", "user/", "mkfs/")  # where markers may be
MARK = re.compile(r"^\s*(//)\s*LAB (\S+): (BEGIN|END) (SOLUTION|STUB)\s*$")
ANY_MARK = re.compile(r"\bLAB\b.*\b(BEGIN|END)\s+(SOLUTION|STUB)\b")


class HandoutError(Exception):
    pass


LabFiles = collections.namedtuple("LabFiles", "remove student")
# The example of an instructor's hidden tests stays out of every handout.
NEVER_HANDED_OUT = ("tests/labs/hidden-example/",)


def labs_known():
    """{lab name: LabFiles}, from tests/labs/*.spec: the files its handout
    leaves out, and the files a student of the lab may change."""
    labs = {}
    for name in sorted(os.listdir(SPECDIR)):
        if not name.endswith(".spec"):
            continue
        cp = configparser.ConfigParser(interpolation=None)
        cp.read(os.path.join(SPECDIR, name))
        lab = cp.get("lab", "name", fallback=name[:-len(".spec")])
        labs[lab] = LabFiles(cp.get("lab", "handout-remove", fallback="").split(),
                             cp.get("lab", "student-files", fallback="").split())
    return labs


def uncomment(line, token, where):
    """A stub line without its one level of comment."""
    m = re.match(r"^(\s*)%s ?(.*)$" % re.escape(token), line)
    if not line.strip():
        return line
    if not m:
        raise HandoutError("%s: stub line is not commented out with %r" % (where, token))
    return m.group(1) + m.group(2) + ("\n" if line.endswith("\n") else "")


def transform(text, lab, path="<text>"):
    """The handout version of one file's text for `lab` (None: the text
    with every lab's solution kept, which is how --check validates)."""
    out, block = [], None  # block: (lab, SOLUTION|STUB, comment token, line number)
    for n, line in enumerate(text.splitlines(keepends=True), 1):
        where = "%s:%d" % (path, n)
        m = MARK.match(line)
        if m is None:
            if ANY_MARK.search(line):
                raise HandoutError("%s: malformed lab marker: %s" % (where, line.strip()))
            if block is None:
                out.append(line)
            elif block[1] == "SOLUTION" and block[0] != lab:
                out.append(line)
            elif block[1] == "STUB":
                text_line = uncomment(line, block[2], where)  # checked for every lab
                if block[0] == lab:
                    out.append(text_line)
            continue
        token, name, edge, kind = m.groups()
        if edge == "BEGIN":
            if block is not None:
                raise HandoutError("%s: LAB %s: BEGIN %s inside the %s block of lab %s opened "
                                   "at line %d" % (where, name, kind, block[1], block[0], block[3]))
            block = (name, kind, token, n)
        else:
            if block is None or block[:2] != (name, kind):
                raise HandoutError("%s: LAB %s: END %s without its BEGIN" % (where, name, kind))
            block = None
    if block is not None:
        raise HandoutError("%s:%d: LAB %s: BEGIN %s is never ended"
                           % (path, block[3], block[0], block[1]))
    return "".join(out)


def markers_in(text):
    """The lab names that have markers in text."""
    return {m.group(2) for m in map(MARK.match, text.splitlines()) if m}


def tree_files(root=ROOT):
    """The tree's source files (relative paths): what git tracks or would
    track, so build products and test logs stay out. Outside a git work
    tree (a handout itself), the same rules come from .gitignore."""
    try:
        out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others",
                              "--exclude-standard"], cwd=root, capture_output=True, check=True)
        return sorted(p for p in out.stdout.decode().split("\0")
                      if p and os.path.isfile(os.path.join(root, p)))
    except (OSError, subprocess.CalledProcessError):
        return walk_files(root)


def _ignored(rel, isdir, patterns):
    for pat in patterns:
        dir_only = pat.endswith("/")
        pat = pat.rstrip("/")
        if dir_only and not isdir:
            continue
        target = rel if "/" in pat else os.path.basename(rel)
        if fnmatch.fnmatch(target, pat.lstrip("/")):
            return True
    return False


def walk_files(root):
    patterns = [".git/"]
    try:
        with open(os.path.join(root, ".gitignore")) as f:
            patterns += [l.strip() for l in f if l.strip() and not l.startswith("#")]
    except OSError:
        pass
    files = []
    for d, dirs, names in os.walk(root):
        reld = os.path.relpath(d, root)
        rel = (lambda n: n) if reld == "." else (lambda n: os.path.join(reld, n))
        dirs[:] = [x for x in dirs if not _ignored(rel(x), True, patterns)]
        files += [rel(n) for n in names if not _ignored(rel(n), False, patterns)]
    return sorted(files)


def read_text(root, rel):
    """A source file's text, or None for a binary file or one outside
    MARKED_DIRS (it is copied as it is)."""
    if not rel.startswith(MARKED_DIRS):
        return None
    with open(os.path.join(root, rel), "rb") as f:
        data = f.read()
    if b"\0" in data:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def check_tree(root=ROOT):
    """Problems with the tree's markers: malformed or unbalanced blocks,
    stub lines that are not commented out, labs that have no spec."""
    known, problems = labs_known(), []
    for rel in tree_files(root):
        text = read_text(root, rel)
        if text is None or "LAB " not in text:
            continue
        try:
            transform(text, None, rel)
        except HandoutError as e:
            problems.append(str(e))
            continue
        for lab in sorted(markers_in(text) - set(known)):
            problems.append("%s: markers for lab %s, which has no tests/labs/%s.spec"
                            % (rel, lab, lab))
    return problems


def write_handout(lab, out, root=ROOT):
    known = labs_known()
    if lab not in known:
        raise HandoutError("no lab named %s (labs: %s)" % (lab, " ".join(known)))
    out = os.path.realpath(out)
    build = os.path.join(os.path.realpath(root), "build")
    if (out + "/").startswith(os.path.realpath(root) + "/") and not out.startswith(build + "/"):
        raise HandoutError("%s is inside the tree (use a directory outside it, or under build/)"
                           % out)
    if os.path.exists(out) and os.listdir(out):
        raise HandoutError("%s exists and is not empty" % out)
    files = [rel for rel in tree_files(root) if rel not in set(known[lab].remove)
             and not rel.startswith(NEVER_HANDED_OUT)]
    # Transform everything before writing anything: a bad marker or a lab
    # without stubs (a handout that would give the solution away) leaves
    # no half-written tree behind.
    texts = {}
    for rel in files:
        text = read_text(root, rel)
        if text is not None and "LAB " in text:
            texts[rel] = (transform(text, lab, rel), lab in markers_in(text))
    stubbed = [rel for rel, (_, has) in texts.items() if has]
    if not stubbed:
        raise HandoutError("no source has LAB %s markers yet: the handout would be the "
                           "solution" % lab)
    outside = [rel for rel in stubbed if rel not in known[lab].student]
    if outside:
        raise HandoutError("stubs of lab %s in %s, which tests/labs/%s.spec does not list "
                           "under student-files" % (lab, " ".join(outside), lab))
    for rel in files:
        src, dst = os.path.join(root, rel), os.path.join(out, rel)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        if rel in texts:
            with open(dst, "w") as f:
                f.write(texts[rel][0])
            shutil.copymode(src, dst)
        else:
            shutil.copy2(src, dst)
    path = os.path.join(out, WORKFLOW)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(workflow(lab))
    return stubbed


# The GitHub Classroom workflow of a student repository. Its steps are
# plain shell commands, so tests/gradescope_check.py can run them, in
# order, in a handout on this machine: only the YAML around them is
# untested here.
WORKFLOW = ".github/workflows/grade.yml"
WORKFLOW_STEPS = (
    ("install the packages",
     'if [ "$(id -u)" -eq 0 ]; then bash scripts/deps.sh; else sudo bash scripts/deps.sh; fi'),
    ("build", "make build"),
    ("grade", "make grade LAB={lab} RESULTS=results.json JUNIT=results.xml || true"),
    ("score in the job summary",
     'python3 -m tests.grade --summary results.json >> "$GITHUB_STEP_SUMMARY"'),
    ("full marks or a red job", "python3 -m tests.grade --full-marks results.json"),
)


# After the grade step, whatever it found: GitHub shows each test of the
# JUnit file as a line of its own in the run's checks (an action, not a
# command: tests/gradescope_check.py checks that it reads the file the
# grade step wrote, and that the file is valid JUnit with every test).
REPORT_AFTER = "grade"
REPORT_STEP = ("tests one by one", "mikepenz/action-junit-report@v4",
               (("report_paths", "results.xml"), ("check_name", "tests"),
                ("include_passed", "true")))


def report_step():
    name, action, inputs = REPORT_STEP
    return (["      - name: %s" % name, "        if: always()", "        uses: %s" % action,
             "        with:"] + ["          %s: %s" % kv for kv in inputs])


def workflow(lab):
    """The text of .github/workflows/grade.yml for lab's handout."""
    lines = [
        "# Grades lab %s on every push, as `make grade LAB=%s` does on your" % (lab, lab),
        "# machine; the score is in the run's summary. Written by make handout.",
        "name: grade",
        "on: [push, workflow_dispatch]",
        "jobs:",
        "  grade:",
        "    # Ubuntu 24.04 ships QEMU 8.2; calf needs 7.2 or newer.",
        "    runs-on: ubuntu-24.04",
        "    timeout-minutes: 30",
        "    permissions:  # the JUnit report step writes a check run",
        "      contents: read",
        "      checks: write",
        "    steps:",
        "      - uses: actions/checkout@v4",
    ]
    for name, cmd in WORKFLOW_STEPS:
        lines += ["      - name: %s" % name, "        run: %s" % cmd.format(lab=lab)]
        if name == REPORT_AFTER:
            lines += report_step()
    return "\n".join(lines) + "\n"


def workflow_commands(text):
    """The shell commands of a workflow written by workflow(), in order."""
    return [l.split("run: ", 1)[1] for l in text.splitlines()
            if l.strip().startswith("run: ")]


def main():
    ap = argparse.ArgumentParser(description="Write a lab's handout, or check the markers.")
    ap.add_argument("--check", action="store_true", help="check the markers in the tree")
    ap.add_argument("lab", nargs="?")
    ap.add_argument("out", nargs="?", help="the directory to write the handout into")
    args = ap.parse_args()
    try:
        if args.check:
            problems = check_tree()
            for p in problems:
                print("FAIL handout markers: " + p)
            if not problems:
                print("ok handout markers")
            return 1 if problems else 0
        if not args.out:
            ap.error("give LAB and OUT, or --check")
        lab, out = args.lab, args.out
        stubbed = write_handout(lab, out)
    except HandoutError as e:
        print("handout: %s" % e, file=sys.stderr)
        return 1
    print("handout for lab %s in %s; stubs in: %s" % (lab, out, " ".join(stubbed)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
