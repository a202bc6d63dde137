# Runs inside gdb-multiarch, started by tests/gdb_check.py after .gdbinit
# has loaded the kernel's symbols and the calf-* helpers and attached to a
# halted one-hart QEMU booted with fork=sharedpt. The driver types
# `spttest threeway` at the shell.
#
# Owns: the claim that calf-pt shows shared leaf tables (kernel/mm/
# sharedpt.c) truthfully. It breaks in spt_unshare until a fault on a
# table that more than one page table holds, checks that calf-pt lists
# that table with the count $calf_refs reads, and that calf-pt PID VA
# says a page below it is mapped through it; steps out of the copy and
# checks the table is no longer listed for the process. Prints
# `GDB-CHECK: OK`, or `GDB-CHECK: FAIL: why` and quits with status 1.
import re

import gdb

from tests.gdb_lib import CheckFailed, expect, report, run, value

MAX_STOPS = 12  # stops on a table no one else holds (take-backs) are skipped


def stop_on_shared_table():
    """Continue to spt_unshare until its table has a count above 1."""
    for _ in range(MAX_STOPS):
        run("continue")
        frame = gdb.selected_frame()
        expect(frame.name() == "spt_unshare", "stopped in %s, not spt_unshare" % frame.name())
        table = value("(*l1e >> 10) << 12")
        refs = value("$calf_refs(%d)" % table)
        if refs > 1:
            return table, refs
    raise CheckFailed("%d stops in spt_unshare, none on a shared table" % MAX_STOPS)


def check():
    run("break spt_unshare")
    table, refs = stop_on_shared_table()
    listing = run("calf-pt")
    m = re.search(r"(?m)^pid (\d+) ", listing)
    expect(m, "calf-pt printed no header", listing)
    pid = int(m.group(1))
    m = re.search(r"(?m)^shared leaf table at 0x%x for 0x([0-9a-f]+)-0x([0-9a-f]+): count (\d+)"
                  % table, listing)
    expect(m, "calf-pt does not list the shared table 0x%x" % table, listing)
    expect(int(m.group(3)) == refs, "calf-pt's count %s is not $calf_refs's %d"
           % (m.group(3), refs), listing)
    lo, hi = int(m.group(1), 16), int(m.group(2), 16)
    rows = [int(v, 16) for v in re.findall(r"(?m)^0x([0-9a-f]{16})  0x[0-9a-f]+ ", listing)]
    inside = [v for v in rows if lo <= v <= hi]
    expect(inside, "calf-pt shows no page below the shared table", listing)
    detail = run("calf-pt %d 0x%x" % (pid, inside[0]))
    expect("through shared leaf table 0x%x (count %d)" % (table, refs) in detail,
           "calf-pt PID VA does not say the page is mapped through the table", detail)

    run("finish")
    expect(str(gdb.history(0)) == "FAULT_SPT_COPY", "spt_unshare returned %s" % gdb.history(0))
    after = run("calf-pt %d" % pid)
    expect("shared leaf table at 0x%x" % table not in after,
           "after the copy calf-pt still lists the table for pid %d" % pid, after)
    run("delete")
    run("detach")


report(check)
