# Runs inside gdb-multiarch, started by tests/gdb_check.py after .gdbinit
# has loaded the kernel's symbols and the calf-* helpers and attached to a
# halted one-hart QEMU. The driver types `cowtest frames` at the shell.
#
# Owns: the claim that the GDB helpers still work on a real COW fault.
# It breaks in cow_break until a fault on a shared frame (count above 1),
# checks with calf-ps, calf-pt, calf-frame and $calf_refs that the
# faulting PTE is a user COW page whose frame is shared, steps out of
# the copy and checks the count fell and the page became private, checks
# calf-rcu and calf-user answer, then detaches and lets the test finish.
# Prints `GDB-CHECK: OK`, or `GDB-CHECK: FAIL: why` and quits with status 1.
import re

import gdb

from tests.gdb_lib import CheckFailed, expect, report, run, value

MAXVA = 1 << 38
MAX_STOPS = 12  # stops with a count of 1 (the reuse case) are skipped


def stop_on_shared_frame():
    """Continue to cow_break until the frame of the faulting PTE is shared."""
    for _ in range(MAX_STOPS):
        run("continue")
        frame = gdb.selected_frame()
        expect(frame.name() == "cow_break", "stopped in %s, not cow_break" % frame.name())
        pte_at = value("pte")
        pte = value("*(unsigned long *)%d" % pte_at)
        pa = (pte >> 10) << 12
        refs = value("$calf_refs(%d)" % pa)
        if refs > 1:
            return pte_at, pte, pa, refs
    raise CheckFailed("%d stops in cow_break, none on a shared frame" % MAX_STOPS)


# A row, and the FILE column calf-pt adds for a page-cache frame (a COW
# fault may hit initialised data still shared with the cache).
ROW = re.compile(r"^(0x[0-9a-f]+)\s+(0x[0-9a-f]+|-)\s+(.+?)\s+(\d+|-)\s+(0x[0-9a-f]+)"
                 r"(?:\s+ino \d+ pg \d+)?$")


def row_for(table, pte_at):
    """The calf-pt row whose PTE AT column is pte_at: (va, pa, flags, refs)."""
    for line in table.splitlines():
        m = ROW.match(line.strip())
        if m and int(m.group(5), 16) == pte_at:
            return int(m.group(1), 16), m.group(2), m.group(3), m.group(4)
    raise CheckFailed("calf-pt shows no row for the PTE at 0x%x" % pte_at, table)


def check():
    run("break cow_break")
    pte_at, pte, pa, refs = stop_on_shared_frame()

    ps = run("calf-ps")
    m = re.search(r"(?m)^(\d+)\s+running\s+0\s+(?:\S+\s+)?cowtest$", ps)
    expect(m, "calf-ps does not show cowtest running on hart 0", ps)
    pid = int(m.group(1))

    table = run("calf-pt")
    expect(re.search(r"(?m)^pid %d \(cowtest\)" % pid, table),
           "calf-pt without a pid is not the running cowtest", table)
    va, row_pa, flags, row_refs = row_for(table, pte_at)
    expect(va < MAXVA and va % 4096 == 0, "faulting va 0x%x is not a user page" % va, table)
    expect(row_pa == "0x%x" % pa, "calf-pt's pa %s is not the PTE's 0x%x" % (row_pa, pa), table)
    expect(re.fullmatch(r"V R - . U COW", flags),
           "faulting PTE's flags %r are not those of a user COW page" % flags, table)
    expect(row_refs == str(refs), "calf-pt's count is not $calf_refs's %d" % refs, table)

    detail = run("calf-pt %d 0x%x" % (pid, va))
    expect("pa 0x%x, refs %d" % (pa, refs) in detail, "calf-pt PID VA disagrees", detail)

    frame = run("calf-frame 0x%x" % pa)
    expect(("frame 0x%x: refs %d" % (pa, refs)) in frame, "calf-frame's count is wrong", frame)
    expect(("pid %d (cowtest) va 0x%x" % (pid, va)) in frame,
           "calf-frame does not list the faulting PTE", frame)
    expect(len(re.findall(r"(?m)^  pid ", frame)) >= 2, "calf-frame lists one sharer", frame)

    # Step out of the copy: the writer moves to a private frame and the
    # shared frame loses the writer's reference.
    run("finish")  # gdb puts the returned value in its value history
    expect(str(gdb.history(0)) == "FAULT_COW_COPY", "cow_break returned %s" % gdb.history(0))
    expect(value("$calf_refs(%d)" % pa) == refs - 1, "the shared frame's count did not fall")
    after = run("calf-pt %d 0x%x" % (pid, va))
    m = re.search(r"\[V R W . U[^\]]*\] -> pa (0x[0-9a-f]+), refs 1$", after.strip())
    expect(m and "COW" not in after and int(m.group(1), 16) != pa,
           "after the copy the page is not private and writable", after)

    rcu = run("calf-rcu")
    expect(re.search(r"(?m)^(no RCU in this kernel|grace periods: started \d+)", rcu),
           "calf-rcu printed neither its state nor its absence", rcu)

    run("delete")
    run("calf-user cowtest")
    expect("is a function at address" in run("info address execfree"),
           "calf-user cowtest did not load cowtest's symbols")

    # A stop in user mode (cowtest's frameinfo() stub, before its ecall):
    # the hart runs on the process's page table, which maps no kernel
    # data, so the helpers must read through QEMU's physical-memory mode
    # -- and switch it off again afterwards.
    run("tbreak frameinfo")
    run("continue")
    expect(gdb.selected_frame().name() == "frameinfo" and value("$pc") < MAXVA,
           "did not stop in user mode at frameinfo")
    ps = run("calf-ps")
    m = re.search(r"(?m)^(\d+)\s+running\s+0\s+(?:\S+\s+)?cowtest$", ps)
    expect(m, "calf-ps in user mode does not show cowtest running", ps)
    table = run("calf-pt")
    expect(re.search(r"(?m)^pid %s \(cowtest\)" % m.group(1), table),
           "calf-pt in user mode does not show the running cowtest", table)
    try:
        run("x/gx &'kernel/mm/frame.c'::frames")
        raise CheckFailed("kernel memory is readable in user mode: physical mode left on")
    except gdb.MemoryError:
        pass
    run("detach")


report(check)
