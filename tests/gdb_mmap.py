# Runs inside gdb-multiarch, started by tests/gdb_check.py after .gdbinit
# has loaded the kernel's symbols and the calf-* helpers and attached to a
# halted one-hart QEMU. The driver types `labmmap shared` at the shell:
# a child maps a 1.5-page file MAP_SHARED, reads it, stores to it, and
# munmaps it.
#
# Owns: the claim that the GDB helpers show file pages. It breaks in
# vma_fault until a fault maps a file page (FAULT_FILE), then checks that
# calf-pt's FILE column, calf-pt PID VA, calf-frame and calf-cache all
# name the same inode and page for the frame the PTE holds, and that the
# process's text shows as cached file pages too; then it breaks in
# vma_unmap, where calf-cache must show both pages counted dirty (WMAPS),
# and after it returns, clean, idle and no longer mapped.
# Prints `GDB-CHECK: OK`, or `GDB-CHECK: FAIL: why` and quits with status 1.
import re

import gdb

from tests.gdb_lib import CheckFailed, expect, report, run, value

MAX_STOPS = 40  # vma_fault also sees faults that map no file page
ROW = re.compile(r"^(0x[0-9a-f]+)\s+(0x[0-9a-f]+|-)\s+(.+?)\s+(\d+|-)\s+(0x[0-9a-f]+)"
                 r"(?:\s+ino (\d+) pg (\d+))?$")
CACHE_ROW = re.compile(r"^(\d+)\s+(\d+)\s+(\d+)\s+(0x[0-9a-f]+)\s+(\d+|-)\s+(-?\d+)\s+(\d+)$")


def rows(table):
    """calf-pt's rows: {va: (pa, flags, refs, (inum, page) or None)}."""
    out = {}
    for line in table.splitlines():
        m = ROW.match(line.strip())
        if m:
            file = (int(m.group(6)), int(m.group(7))) if m.group(6) else None
            out[int(m.group(1), 16)] = (m.group(2), m.group(3), m.group(4), file)
    return out


def cache_rows(text):
    """calf-cache's rows: {pa: (inum, page, refs, wmaps)}."""
    out = {}
    for line in text.splitlines():
        m = CACHE_ROW.match(line.strip())
        if m:
            out[int(m.group(4), 16)] = (int(m.group(2)), int(m.group(3)),
                                        int(m.group(5)) if m.group(5) != "-" else None,
                                        int(m.group(6)))
    return out


def stop_on_file_fault():
    """Continue to vma_fault until one returns FAULT_FILE: (va, scause)."""
    for _ in range(MAX_STOPS):
        run("continue")
        expect(gdb.selected_frame().name() == "vma_fault",
               "stopped in %s, not vma_fault" % gdb.selected_frame().name())
        va, scause = value("$stval"), value("$scause")
        run("finish")
        if str(gdb.history(0)) == "FAULT_FILE":
            return va - va % 4096, scause
    raise CheckFailed("%d stops in vma_fault, none mapped a file page" % MAX_STOPS)


def show(cmd):
    """Run cmd and copy its output into gdb's log (tests/out/gdb-mmap.gdb.log)."""
    out = run(cmd)
    print("(gdb) %s\n%s" % (cmd, out.rstrip()))
    return out


def check():
    run("break vma_fault")
    va, scause = stop_on_file_fault()
    expect(scause == 13, "the first file fault of `labmmap shared` is not a load (scause %d)"
           % scause)

    ps = show("calf-ps")
    m = re.search(r"(?m)^(\d+)\s+running\s+0\s+(?:\S+\s+)?labmmap$", ps)
    expect(m, "calf-ps does not show labmmap running on hart 0", ps)
    pid = int(m.group(1))

    table = show("calf-pt")
    expect(re.search(r"(?m)^VA\s.*PTE AT\s+FILE$", table), "calf-pt has no FILE column", table)
    got = rows(table)
    expect(va in got, "calf-pt shows no row for the faulting page 0x%x" % va, table)
    pa_text, flags, refs, file = got[va]
    expect(file is not None and file[1] == 0,
           "calf-pt does not name the file page 0 for 0x%x: %s" % (va, file), table)
    inum = file[0]
    # A load of a shared mapping maps the cache's own frame, read-only
    # until a store counts it dirty.
    expect(re.fullmatch(r"V R - - U", flags), "the shared page's flags are %r" % flags, table)
    expect(refs == "2", "the cache's frame should have 2 references (cache, PTE): %s" % refs,
           table)
    text = [r for r in got.values() if r[3] is not None and r[3][0] != inum and " X " in r[1]]
    expect(text, "calf-pt shows no text page of labmmap as a cached file page", table)
    pa = int(pa_text, 16)

    detail = show("calf-pt %d 0x%x" % (pid, va))
    expect("pa 0x%x, refs 2, caches inode %d page 0" % (pa, inum) in detail,
           "calf-pt PID VA does not name the file page", detail)

    frame = show("calf-frame 0x%x" % pa)
    expect("the page cache's copy of inode %d page 0" % inum in frame,
           "calf-frame does not name the file page", frame)
    expect("pid %d (labmmap) va 0x%x" % (pid, va) in frame,
           "calf-frame does not list the mapping PTE", frame)
    expect("more reference" not in frame, "calf-frame counts the cache's reference as "
           "unknown", frame)

    cache = show("calf-cache")
    expect(re.search(r"(?m)^page cache: \d+ of \d+ entries used, \d+ idle", cache),
           "calf-cache has no summary line", cache)
    entries = cache_rows(cache)
    expect(entries.get(pa) == (inum, 0, 2, 0),
           "calf-cache's row for 0x%x is %s, not (inode %d, page 0, refs 2, wmaps 0)"
           % (pa, entries.get(pa), inum), cache)
    mine = cache_rows(show("calf-cache %d" % inum))
    expect(set(v[0] for v in mine.values()) == {inum} and pa in mine,
           "calf-cache INUM lists other files, or not this page", str(mine))

    # The test stores to both pages, then munmaps: both counted dirty.
    run("delete")
    run("break vma_unmap")
    run("continue")
    expect(gdb.selected_frame().name() == "vma_unmap", "did not stop in vma_unmap")
    dirty = cache_rows(show("calf-cache %d" % inum))
    pages = {v[1]: (p, v[3]) for p, v in dirty.items()}
    expect(pages.get(0) == (pa, 1) and pages.get(1, (0, 0))[1] == 1,
           "before munmap, pages 0 and 1 are not counted dirty once each: %s" % pages)
    expect(re.fullmatch(r"V R W - U", rows(show("calf-pt"))[va][1]),
           "the stored-to shared page is not writable")
    run("finish")
    clean = cache_rows(show("calf-cache %d" % inum))
    expect(clean.get(pa) == (inum, 0, 1, 0),
           "after munmap the page is not clean and idle (refs 1, wmaps 0): %s" % (clean.get(pa),))
    expect(va not in rows(show("calf-pt")), "the page is still mapped after munmap")
    run("delete")
    run("detach")


report(check)
