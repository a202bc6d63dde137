"""Checks on a make test run's own results, run by tests/report.py as the
run ends and reported like any test: the JUnit file is well formed (the
shape CI services and GitHub Classroom read), and a whole run still runs
every test named in tests/names-before.txt.

Owns those two rules. The JUnit schema is checked here, by hand, because
the project's tools are the standard library plus pytest: the elements and
attributes of the JUnit XML schema pytest writes (xunit2), and counts that
agree with the test cases.

usage: python3 -m tests.results_check JUNIT.xml   (the JUnit check alone)
"""

import argparse
import os
import re
import sys
import xml.etree.ElementTree as ET

from tests.kit import CheckFailed, expect

HERE = os.path.dirname(os.path.abspath(__file__))
BEFORE = os.path.join(HERE, "names-before.txt")
CASE_CHILDREN = {"failure", "error", "skipped", "system-out", "system-err", "properties"}
COUNTS = ("tests", "failures", "errors", "skipped")


def number(elem, attr):
    try:
        return float(elem.get(attr))
    except (TypeError, ValueError):
        raise CheckFailed("<%s name=%r>: %s=%r is not a number"
                          % (elem.tag, elem.get("name"), attr, elem.get(attr)))


def check_case(case):
    for attr in ("name", "classname"):
        expect(case.get(attr), "a <testcase> without %s" % attr)
    number(case, "time")
    for child in case:
        expect(child.tag in CASE_CHILDREN, "<testcase %s>: unknown <%s>"
               % (case.get("name"), child.tag))
        if child.tag in ("failure", "error"):
            expect(child.get("message") is not None, "<testcase %s>: <%s> without message"
                   % (case.get("name"), child.tag))


def check_suite(suite):
    cases = suite.findall("testcase")
    kinds = {"tests": len(cases)}
    for tag, attr in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
        kinds[attr] = sum(1 for c in cases if c.find(tag) is not None)
    for attr in COUNTS:
        expect(int(number(suite, attr)) == kinds[attr], "<testsuite>: %s=%s, but %d test cases "
               "say so" % (attr, suite.get(attr), kinds[attr]))
    number(suite, "time")
    for case in cases:
        check_case(case)
    return len(cases)


def check_junit(path):
    """Raise CheckFailed unless `path` is valid JUnit XML with a test case."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        raise CheckFailed("%s: %s" % (path, e))
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    expect(root.tag in ("testsuites", "testsuite") and suites,
           "%s: the root is <%s>, want <testsuites> of <testsuite>" % (path, root.tag))
    expect(sum(check_suite(s) for s in suites) > 0, "%s: no test cases" % path)


OPTIONAL = {"bench"}  # make bench runs this suite's tests, make test never did


def names_before():
    with open(BEFORE) as f:
        rows = [l.split() for l in f if l.strip() and not l.startswith("#")]
    return [name for where, name in rows if where not in OPTIONAL]


# A crash point is named by the disk write it stops at (crash-412,
# crash-wb-612-reboot), a count measured at run time: any change to the
# kernel's writes renames the points. Such names are compared as families
# (crash-N, crash-wb-N-reboot): every family must still have a member.
MEASURED = re.compile(r"-\d+(-reboot)?$")


def family(name):
    return MEASURED.sub(lambda m: "-N" + (m.group(1) or ""), name)


def check_names(ran):
    """Every test of names-before.txt ran: by name, or for a crash point,
    by family."""
    families = {family(n) for n in ran}
    missing = [n for n in names_before()
               if n not in ran and not (MEASURED.search(n) and family(n) in families)]
    expect(not missing, "%d test(s) of tests/names-before.txt did not run: %s%s"
           % (len(missing), " ".join(missing[:20]), " ..." if missing[20:] else ""))


def main():
    ap = argparse.ArgumentParser(description="Check a JUnit XML file's shape.")
    ap.add_argument("junit")
    try:
        check_junit(ap.parse_args().junit)
    except CheckFailed as e:
        print("FAIL junit: %s" % e)
        return 1
    print("ok junit")
    return 0


if __name__ == "__main__":
    sys.exit(main())
