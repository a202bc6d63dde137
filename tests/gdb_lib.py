# Shared by the scripts that tests/gdb_check.py runs inside gdb-multiarch
# (tests/gdb_cow.py, tests/gdb_spt.py): running a command for its text,
# reading a C expression's value, and the verdict line the driver reads.
#
# Owns: the protocol between a check script and its driver: exactly one
# line `GDB-CHECK: OK`, or `GDB-CHECK: FAIL: why` followed by `quit 1`.
# CheckFailed and expect are tests/kit.py's: gdb_check.py starts gdb with
# the tree on PYTHONPATH, so the scripts import tests.* like any check.
import gdb

from tests.kit import CheckFailed, expect  # noqa: F401  (the scripts' expect)


def run(cmd):
    return gdb.execute(cmd, to_string=True)


def value(expr):
    return int(gdb.parse_and_eval(expr))


def report(check):
    """Run check() and print the verdict line the driver waits for."""
    try:
        check()
        print("GDB-CHECK: OK")
    except (CheckFailed, gdb.error) as e:
        print("GDB-CHECK: FAIL: %s" % e)
        gdb.execute("quit 1")
