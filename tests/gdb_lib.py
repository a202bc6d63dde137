# Shared by the scripts that tests/gdb_check.py runs inside gdb-multiarch
# (tests/gdb_cow.py, tests/gdb_spt.py): running a command for its text,
# reading a C expression's value, and the verdict line the driver reads.
#
# Owns: the protocol between a check script and its driver: exactly one
# line `GDB-CHECK: OK`, or `GDB-CHECK: FAIL: why` followed by `quit 1`.
import gdb


class Failed(Exception):
    pass


def run(cmd):
    return gdb.execute(cmd, to_string=True)


def expect(cond, why, output=""):
    if not cond:
        raise Failed(why + ("\n--- output ---\n" + output if output else ""))


def value(expr):
    return int(gdb.parse_and_eval(expr))


def report(check):
    """Run check() and print the verdict line the driver waits for."""
    try:
        check()
        print("GDB-CHECK: OK")
    except (Failed, gdb.error) as e:
        print("GDB-CHECK: FAIL: %s" % e)
        gdb.execute("quit 1")
