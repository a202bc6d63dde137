"""GDB commands for looking inside calf: processes, page tables, frames, RCU.

Owns: reading calf's kernel data structures from GDB, by memory reads only
(never by calling kernel functions), so every command works wherever the
machine is stopped, even in the middle of a fault. Invariant: a command
that meets a structure it does not know (an older or newer kernel) says
so and carries on; it never leaves QEMU's stub in physical-memory mode.

Loaded by .gdbinit (`source scripts/gdb/calf.py`). The commands:

    calf-ps               processes: pid, state, hart, owner, name
    calf-pt [PID [VA]]    a process's page table, each page's flags and its
                          frame's count (default: the process on this hart),
                          and its shared leaf tables (fork=sharedpt) with
                          their counts; with VA, that one page in detail
    calf-frame PA         a frame's count, the file page it caches, and every
                          process PTE that maps it
    calf-cache [INUM]     the page cache: every cached file page (inode,
                          page index, frame, count, writable shared maps)
    calf-rcu              RCU: grace periods and callbacks waiting per hart
    calf-user NAME        load user/_NAME's symbols beside the kernel's
    $calf_refs(PA)        a frame's count, for `display` and conditions

calf-pt and calf-frame also say which file page a frame caches (the
frame table's cached[] marks, and the page cache's entries).

docs/gdb.md walks through them on a COW fault and on a file mapping.
"""

import contextlib
import os
import struct

import gdb

PGSIZE = 4096
MAXVA = 1 << 38  # Sv39, as in kernel/riscv.h: one bit less than the hardware's
PTE_BITS = [("V", 1 << 0), ("R", 1 << 1), ("W", 1 << 2), ("X", 1 << 3), ("U", 1 << 4)]
PTE_A, PTE_D = 1 << 6, 1 << 7
PTE_COW = 1 << 8  # the RSW bit calf uses (docs/cow.md)
PTE_SHARED_PT = 1 << 8  # in an invalid level-1 entry: a shared leaf table (kernel/mm/internal.h)
L1SPAN = 512 * PGSIZE   # what one leaf table maps


# Kernel symbols, qualified by file first: a user program loaded with
# calf-user may have a function of the same name (cowtest has `frames`).
FRAMES = ("'kernel/mm/frame.c'::frames", "frames")
CPUS = ("'kernel/riscv/cpu.c'::cpus", "cpus")
PROCS = ("'kernel/sched/sched.c'::proc", "proc")
PCACHE = ("'kernel/fs/pagecache.c'::pc",)


class CalfError(Exception):
    pass


# ---------------------------------------------------------------- memory

def _read(addr, n):
    return bytes(gdb.selected_inferior().read_memory(addr, n))


def _kernel_readable():
    try:
        _read(int(_sym(*FRAMES).address), 8)
        return True
    except gdb.MemoryError:
        return False


@contextlib.contextmanager
def kernel_memory():
    """Make the kernel's data readable for the duration.

    The kernel maps RAM at its physical address, so its data is where the
    symbols say -- under the kernel's page table. A hart stopped in user
    mode runs on a user page table, which maps none of it; QEMU's stub can
    then be switched to read physical memory, which for RAM is the same
    thing. The switch is undone on the way out, whatever happens."""
    if _kernel_readable():
        yield
        return
    gdb.execute("maintenance packet Qqemu.PhyMemMode:1", to_string=True)
    try:
        yield
    finally:
        gdb.execute("maintenance packet Qqemu.PhyMemMode:0", to_string=True)


def _sym(*exprs):
    """The first of exprs that names a kernel symbol, as a gdb.Value."""
    for e in exprs:
        try:
            return gdb.parse_and_eval(e)
        except gdb.error:
            continue
    raise CalfError("no symbol %s in this kernel (is kernel/kernel loaded?)" % exprs[0])


def _field(v, name, default=None):
    """v[name], or default when v's struct has no such field."""
    try:
        if any(f.name == name for f in v.type.strip_typedefs().fields()):
            return v[name]
    except (gdb.error, TypeError):
        pass
    return default


def _cstr(arr):
    raw = bytes(int(c) & 0xFF for c in (arr[i] for i in range(arr.type.sizeof)))
    return raw.split(b"\0", 1)[0].decode("utf-8", "replace")


def _count(arr):
    lo, hi = arr.type.strip_typedefs().range()
    return hi - lo + 1


# ---------------------------------------------------------------- frames

class Frames:
    """kernel/mm/frame.h's `frames` table: one count per managed frame."""

    CHUNK = 512  # counts read at once: a walk of a big heap asks for thousands

    def __init__(self):
        f = _sym(*FRAMES)
        self.base_pfn = int(f["base_pfn"])
        self.nframes = int(f["nframes"])
        self.refs_at = int(f["refs"])
        self.chunks = {}  # chunk number -> counts, for this command only
        cached = _field(f, "cached")  # the page cache's marks, if this kernel has them
        self.cached_at = int(cached) if cached is not None else None
        self.marks = {}   # chunk number -> marks

    def index(self, pa):
        i = pa // PGSIZE - self.base_pfn
        return i if 0 <= i < self.nframes else None

    def refs(self, pa):
        """The count of frame pa, or None if calf does not manage it."""
        i = self.index(pa)
        if i is None:
            return None
        c = i // self.CHUNK
        if c not in self.chunks:
            n = min(self.CHUNK, self.nframes - c * self.CHUNK)
            self.chunks[c] = struct.unpack("<%dq" % n, _read(self.refs_at + 8 * c * self.CHUNK,
                                                             8 * n))
        return self.chunks[c][i % self.CHUNK]

    def cached(self, pa):
        """Is frame pa marked as the page cache's (frames.cached[])? None in
        a kernel without the marks, or for a frame calf does not manage."""
        i = self.index(pa)
        if i is None or self.cached_at is None:
            return None
        c = i // self.CHUNK
        if c not in self.marks:
            n = min(self.CHUNK, self.nframes - c * self.CHUNK)
            self.marks[c] = _read(self.cached_at + c * self.CHUNK, n)
        return bool(self.marks[c][i % self.CHUNK])


# ------------------------------------------------------------ page cache

class CachedPage:
    """One entry of the page cache: file (dev, inum), page idx, frame pa."""

    def __init__(self, slot, dev, inum, idx, pa, wmaps, used):
        self.slot, self.dev, self.inum, self.idx = slot, dev, inum, idx
        self.pa, self.wmaps, self.used = pa, wmaps, used

    def name(self):
        return "ino %d pg %d" % (self.inum, self.idx)


class PageCache:
    """kernel/fs/pagecache.c's `pc`: its entries (struct cpage), read in one
    go as raw bytes, decoded by the offsets gdb gives for each field (a
    field added to struct cpage does not break it). available is False in
    a kernel without a page cache."""

    FIELDS = ("dev", "inum", "idx", "pa", "wmaps", "used")

    def __init__(self):
        try:
            self.pc = _sym(*PCACHE)
        except CalfError:
            self.available = False
            return
        self.available = True
        e = self.pc["e"]
        self.nentries = _count(e)
        ct = e.type.strip_typedefs().target().strip_typedefs()
        self.size = ct.sizeof
        fields = {f.name: f for f in ct.fields()}
        missing = [n for n in self.FIELDS if n not in fields]
        if missing:
            raise CalfError("struct cpage has no field %s: a layout these commands do not "
                            "know" % ", ".join(missing))
        self.layout = {n: (fields[n].bitpos // 8, fields[n].type.strip_typedefs().sizeof)
                       for n in self.FIELDS}
        raw = _read(int(e.address), self.size * self.nentries)
        self.pages = []
        for i in range(self.nentries):
            rec = raw[i * self.size:(i + 1) * self.size]
            v = {n: int.from_bytes(rec[o:o + w], "little", signed=(n == "wmaps"))
                 for n, (o, w) in self.layout.items()}
            if v["pa"]:
                self.pages.append(CachedPage(i, v["dev"], v["inum"], v["idx"], v["pa"],
                                             v["wmaps"], v["used"]))
        self.by_pa = {c.pa: c for c in self.pages}

    def whose(self, pa):
        """The entry caching frame pa, or None."""
        return self.by_pa.get(pa) if self.available else None

    def hand(self):
        return int(_field(self.pc, "hand", -1))

    def count(self):
        return int(_field(self.pc, "count", -1))


# ------------------------------------------------------------- processes

def procs():
    """(index, gdb.Value of struct proc) for every slot of the process table."""
    table = _sym(*PROCS)
    return [(i, table[i]) for i in range(_count(table))]


def proc_state(p):
    s = str(p["state"])
    return s.lower()


def live(p):
    return proc_state(p) != "unused"


def hart_of(p):
    """The hart running p, or None."""
    cpus = _sym(*CPUS)
    addr = int(p.address)
    for h in range(_count(cpus)):
        if int(cpus[h]["proc"]) == addr:
            return h
    return None


def owner(p):
    """p's uid as its credentials say, or None in a kernel without them.

    Found by type, not by field name: any pointer in struct proc to a
    struct cred (real or effective) with a uid field."""
    try:
        for f in p.type.strip_typedefs().fields():
            t = f.type.strip_typedefs()
            if t.code == gdb.TYPE_CODE_PTR and t.target().strip_typedefs().tag == "cred":
                c = p[f.name]
                if int(c) == 0:
                    return "-"
                uid = _field(c.dereference(), "uid")
                euid = _field(c.dereference(), "euid")
                if uid is None:
                    continue
                if euid is not None and int(euid) != int(uid):
                    return "%d/e%d" % (int(uid), int(euid))
                return str(int(uid))
    except gdb.MemoryError:
        return "?"
    return None


def find_proc(pid):
    for _, p in procs():
        if live(p) and int(p["pid"]) == pid:
            return p
    raise CalfError("no live process with pid %d (see calf-ps)" % pid)


def current_proc():
    """The process on the hart gdb has selected, or None.

    QEMU's stub shows each hart as a thread, "Thread 1.N" for CPU N-1
    (on virt, the CPU index is the hart id). Not $tp: it holds the hart
    id only while the hart is in the kernel."""
    cpus = _sym(*CPUS)
    h = gdb.selected_thread().ptid[1] - 1
    if 0 <= h < _count(cpus) and int(cpus[h]["proc"]) != 0:
        return cpus[h]["proc"].dereference()
    return None


def _arg_int(s):
    return int(gdb.parse_and_eval(s))


# ------------------------------------------------------------ page tables

def flags_str(pte):
    s = " ".join(c if pte & bit else "-" for c, bit in PTE_BITS)
    if pte & PTE_COW:
        s += " COW"
    return s


def _entries(table_pa):
    return struct.unpack("<512Q", _read(table_pa, PGSIZE))


def is_shared_table(pte, level):
    """Is pte, at this level, the mark of a shared leaf table?"""
    return level == 1 and pte & (1 | PTE_SHARED_PT) == PTE_SHARED_PT


def walk(pagetable):
    """Yield (va, pte, pte_address) for every user-half leaf entry that is
    valid, in address order, looking through shared leaf tables
    (fork=sharedpt)."""
    def down(table_pa, level, va):
        for i, pte in enumerate(_entries(table_pa)):
            v = va | (i << (12 + 9 * level))
            if level == 2 and v >= MAXVA:
                break
            at = table_pa + 8 * i
            if is_shared_table(pte, level):
                yield from down((pte >> 10) << 12, 0, v)
                continue
            if not pte & 1:
                continue
            if level == 0 or pte & 0xE:  # a leaf: R, W or X set
                yield v, pte, at
            else:
                yield from down((pte >> 10) << 12, level - 1, v)

    yield from down(int(pagetable), 2, 0)


def shared_tables(pagetable):
    """Yield (va, table_pa) for every shared leaf table a page table holds."""
    for i, l2 in enumerate(_entries(int(pagetable))):
        if i * 512 * L1SPAN >= MAXVA:
            break
        if not l2 & 1 or l2 & 0xE:
            continue
        for j, l1 in enumerate(_entries((l2 >> 10) << 12)):
            if is_shared_table(l1, 1):
                yield (i * 512 + j) * L1SPAN, (l1 >> 10) << 12


def shared_table_of(pagetable, va):
    """The shared leaf table that maps va, or None."""
    for v, t in shared_tables(pagetable):
        if v <= va < v + L1SPAN:
            return t
    return None


def pte_line(va, pte, at, refs, file=None):
    if not pte & 1:
        return "0x%016x  %-12s %-16s %5s  0x%x" % (va, "-", flags_str(pte), "-", at)
    line = "0x%016x  0x%-10x %-16s %5s  0x%x" % (
        va, (pte >> 10) << 12, flags_str(pte), "-" if refs is None else refs, at)
    return line if file is None else "%-72s %s" % (line, file.name())


def file_pages(frames, rows):
    """{pa: CachedPage} for the frames among rows' (va, pte, ...) that the
    frame table marks as cached: the page cache is read only if one is."""
    marked = [(pte >> 10) << 12 for _, pte, *_ in rows
              if pte & 1 and frames.cached((pte >> 10) << 12)]
    if not marked:
        return {}
    cache = PageCache()
    return {pa: cache.whose(pa) for pa in marked if cache.whose(pa) is not None}


def _consecutive(a, b):
    """May two neighbouring rows' file pages stand in one run? Both none,
    or the same file's pages idx and idx + 1."""
    if a is None or b is None:
        return a is None and b is None
    return (a.dev, a.inum, a.idx + 1) == (b.dev, b.inum, b.idx)


def page_table_lines(p):
    frames = Frames()
    rows = [(va, pte, at, frames.refs((pte >> 10) << 12) if pte & 1 else None)
            for va, pte, at in walk(p["pagetable"])]
    files = file_pages(frames, rows)
    # A frame the cache holds is a file's page: a program's text, or a
    # mapped file's page that no store has copied. The FILE column says
    # which (inode number and page index; calf-cache lists them all).
    rows = [r + (files.get((r[1] >> 10) << 12) if r[1] & 1 else None,) for r in rows]
    head = "%-18s  %-12s %-16s %5s  %s" % ("VA", "PA", "FLAGS", "REFS", "PTE AT")
    lines = ["pid %d (%s): page table at 0x%x, sz 0x%x, %d pages" % (
        int(p["pid"]), _cstr(p["name"]), int(p["pagetable"]), int(p["sz"]), len(rows)),
        "%-72s %s" % (head, "FILE") if files else head]
    # Shared leaf tables first: their pages follow among the others, with
    # each frame's own count (one reference per table, not per sharer).
    shared = ["shared leaf table at 0x%x for 0x%x-0x%x: count %s (page tables holding it)"
              % (t, va, va + L1SPAN - 1, frames.refs(t)) for va, t in shared_tables(p["pagetable"])]
    lines[1:1] = shared
    # A long run of pages alike (same flags, same count: a big heap) is
    # shown by its two ends.
    alike = lambda a, b: (b[0] == a[0] + PGSIZE and (a[1] ^ b[1]) & 0x3FF == 0 and a[3] == b[3]
                          and _consecutive(a[4], b[4]))
    i = 0
    while i < len(rows):
        j = i
        while j + 1 < len(rows) and alike(rows[j], rows[j + 1]):
            j += 1
        if j - i >= 4:
            lines.append(pte_line(*rows[i]))
            lines.append("%18s  ... %d more pages like it, up to:" % ("", j - i - 1))
            lines.append(pte_line(*rows[j]))
        else:
            lines += [pte_line(*r) for r in rows[i:j + 1]]
        i = j + 1
    return lines


def page_detail(p, va):
    frames = Frames()
    va = va - va % PGSIZE
    for v, pte, at in walk(p["pagetable"]):
        if v == va:
            pa = (pte >> 10) << 12
            more = (" A" if pte & PTE_A else "") + (" D" if pte & PTE_D else "")
            if not pte & 1:
                return "va 0x%x: PTE at 0x%x = 0x%x [%s]: reserved, no frame yet" % (
                    va, at, pte, flags_str(pte))
            t = shared_table_of(p["pagetable"], va)
            through = "" if t is None else ", through shared leaf table 0x%x (count %s)" % (
                t, frames.refs(t))
            file = PageCache().whose(pa) if frames.cached(pa) else None
            cached = "" if file is None else ", caches inode %d page %d (dev %d)" % (
                file.inum, file.idx, file.dev)
            return "va 0x%x: PTE at 0x%x = 0x%x [%s%s] -> pa 0x%x, refs %s%s%s" % (
                va, at, pte, flags_str(pte), more, pa, frames.refs(pa), through, cached)
    return "va 0x%x: not mapped in pid %d" % (va, int(p["pid"]))


# ------------------------------------------------------------- commands

class CalfCommand(gdb.Command):
    """Base: run body() with kernel memory readable; report errors tidily."""

    def __init__(self, name):
        super().__init__(name, gdb.COMMAND_DATA)

    def invoke(self, arg, from_tty):
        try:
            with kernel_memory():
                for line in self.body(gdb.string_to_argv(arg)):
                    gdb.write(line + "\n")
        except CalfError as e:
            raise gdb.GdbError("%s: %s" % (self._name, e))
        except gdb.MemoryError as e:
            raise gdb.GdbError("%s: cannot read memory: %s" % (self._name, e))


class Ps(CalfCommand):
    """calf-ps: list calf's processes (pid, state, hart, owner uid, name).

The owner column appears once struct proc points at a struct cred."""

    _name = "calf-ps"

    def __init__(self):
        super().__init__(self._name)

    def body(self, argv):
        rows = [p for _, p in procs() if live(p)]
        owners = [owner(p) for p in rows]
        with_uid = any(o is not None for o in owners)
        head = "%-5s %-9s %-5s " % ("PID", "STATE", "HART") + ("%-7s " % "UID" if with_uid else "")
        yield head + "NAME"
        for p, o in zip(rows, owners):
            h = hart_of(p)
            line = "%-5d %-9s %-5s " % (int(p["pid"]), proc_state(p), "-" if h is None else h)
            if with_uid:
                line += "%-7s " % (o or "-")
            yield line + _cstr(p["name"])


class Pt(CalfCommand):
    """calf-pt [PID [VA]]: walk a process's page table.

Each user page: its virtual address, the frame it maps, the flags
(V R W X U, and COW, calf's software bit 8), the frame's
reference count, and the address of the PTE itself (what cow_break's
`pte` argument points at). Without PID: the process on the current hart.
With VA: that one page, with its raw PTE."""

    _name = "calf-pt"

    def __init__(self):
        super().__init__(self._name)

    def body(self, argv):
        if len(argv) > 2:
            raise CalfError("usage: calf-pt [PID [VA]]")
        if argv:
            p = find_proc(_arg_int(argv[0]))
        else:
            p = current_proc()
            if p is None:
                raise CalfError("no process on this hart; give a pid (see calf-ps)")
        if len(argv) == 2:
            yield page_detail(p, _arg_int(argv[1]))
        else:
            yield from page_table_lines(p)


class Frame(CalfCommand):
    """calf-frame PA: a physical frame's reference count and its mappers.

PA may be any expression, e.g. calf-frame (*pte >> 10) << 12. Lists every
process PTE that maps the frame; references beyond those are held by the
kernel or by page tables that belong to no process (snapshots)."""

    _name = "calf-frame"

    def __init__(self):
        super().__init__(self._name)

    def body(self, argv):
        if not argv:
            raise CalfError("usage: calf-frame PA")
        pa = _arg_int(" ".join(argv))  # one expression, spaces and all
        pa -= pa % PGSIZE
        frames = Frames()
        refs = frames.refs(pa)
        if refs is None:
            yield "frame 0x%x: not managed by the frame allocator (kernel image, firmware " \
                  "or device)" % pa
            return
        yield "frame 0x%x: refs %d%s" % (pa, refs, " (free)" if refs == 0 else "")
        file = PageCache().whose(pa) if frames.cached(pa) else None
        if file is not None:
            yield "  the page cache's copy of inode %d page %d (dev %d): 1 reference is the " \
                  "cache's; writable shared maps %d" % (file.inum, file.idx, file.dev, file.wmaps)
        mapped = 0
        for _, p in procs():
            if not live(p) or int(p["pagetable"]) == 0:
                continue
            for va, pte, at in walk(p["pagetable"]):
                if pte & 1 and (pte >> 10) << 12 == pa:
                    mapped += 1
                    yield "  pid %d (%s) va 0x%x [%s], PTE at 0x%x" % (
                        int(p["pid"]), _cstr(p["name"]), va, flags_str(pte), at)
        others = refs - mapped - (file is not None)
        if others > 0:
            yield "  %d more reference(s): the kernel's, or a snapshot's page table" % others


class Cache(CalfCommand):
    """calf-cache [INUM]: the page cache's pages, by file and page index.

One row per cached file page (only inode INUM's with an argument): the
inode number, the page index (file offset / 4096), the frame, its count
(the cache holds one reference; each PTE that maps the frame, and any
kernel user such as a read() in progress, one more), WMAPS (writable
shared mappings of the page: the page is dirty, and may not be evicted,
while this is above 0), and USED (looked up since the eviction clock's
hand last passed). A row with count 1 and WMAPS 0 is idle: evictable."""

    _name = "calf-cache"

    def __init__(self):
        super().__init__(self._name)

    def body(self, argv):
        if len(argv) > 1:
            raise CalfError("usage: calf-cache [INUM]")
        cache = PageCache()
        if not cache.available:
            yield "no page cache in this kernel"
            return
        frames = Frames()
        inum = _arg_int(argv[0]) if argv else None
        rows = sorted((c for c in cache.pages if inum is None or c.inum == inum),
                      key=lambda c: (c.dev, c.inum, c.idx))
        refs = {c.pa: frames.refs(c.pa) for c in cache.pages}
        idle = sum(1 for c in cache.pages if c.wmaps == 0 and refs[c.pa] == 1)
        yield "page cache: %d of %d entries used, %d idle (evictable), %d dirty; clock hand " \
              "at %d" % (len(cache.pages), cache.nentries, idle,
                         sum(1 for c in cache.pages if c.wmaps > 0), cache.hand())
        if cache.count() not in (-1, len(cache.pages)):
            yield "  (pc.count says %d: the table is changing, or the cache is broken)" % \
                cache.count()
        if inum is not None:
            yield "inode %d: %d page(s) cached" % (inum, len(rows))
        yield "%-4s %-7s %-7s %-12s %5s %6s %5s" % ("DEV", "INUM", "PAGE", "PA", "REFS",
                                                    "WMAPS", "USED")
        for c in rows:
            r = refs[c.pa]
            yield "%-4d %-7d %-7d 0x%-10x %5s %6d %5d%s" % (
                c.dev, c.inum, c.idx, c.pa, "-" if r is None else r, c.wmaps, c.used,
                "" if frames.cached(c.pa) in (None, True) else "  (frame not marked cached!)")


class Rcu(CalfCommand):
    """calf-rcu: RCU's grace-period state and each hart's waiting callbacks.

Prints "no RCU in this kernel" in a kernel built without it."""

    _name = "calf-rcu"

    def __init__(self):
        super().__init__(self._name)

    def body(self, argv):
        try:
            rcu = _sym("'kernel/sync/rcu.c'::rcu")
        except CalfError:
            yield "no RCU in this kernel"
            return
        names = [f.name for f in rcu.type.strip_typedefs().fields()]
        if not {"started", "completed"} <= set(names):
            yield "rcu = %s" % rcu  # a layout this command does not know
            return
        started, completed = int(rcu["started"]), int(rcu["completed"])
        state = "running" if started != completed else "idle"
        line = "grace periods: started %d, completed %d (%s)" % (started, completed, state)
        if "wanted" in names:
            line += ", wanted %d" % int(rcu["wanted"])
        yield line
        for mask in ("pending", "online"):
            if mask in names:
                yield "%s harts: %s" % (mask, _harts_in(int(rcu[mask])))
        yield from _cred_pool()
        try:
            harts = _sym("'kernel/sync/rcu.c'::harts")
        except CalfError:
            return
        online = int(_field(rcu, "online", 0))
        yield "%-5s %-8s %-8s %-8s %s" % ("HART", "NESTING", "WAITING", "QUEUED", "RUN")
        for h in range(_count(harts)):
            hs = harts[h]
            waiting = _list_length(_field(hs, "head"))
            queued, run = _field(hs, "queued"), _field(hs, "run")
            if not online >> h & 1 and waiting == 0 and not int(queued or 0):
                continue  # a hart that never joined
            yield "%-5d %-8s %-8d %-8s %s" % (h, _field(hs, "nesting", "?"), waiting,
                                             queued if queued is not None else "?",
                                             run if run is not None else "?")


def _cred_pool():
    """The credential pool's figures, the main user of RCU (if present)."""
    try:
        pool = _sym("'kernel/proc/cred.c'::pool")
    except CalfError:
        return
    live, waiting = _field(pool, "live"), _field(pool, "waiting")
    if live is not None and waiting is not None:
        most = _field(pool, "waiting_max")
        yield "creds: %d live, %d waiting for a grace period%s" % (
            int(live), int(waiting), "" if most is None else " (at most %d so far)" % int(most))


def _harts_in(mask):
    return " ".join(str(h) for h in range(32) if mask >> h & 1) or "none"


def _list_length(head, limit=1 << 20):
    """The length of a singly linked list of rcu_heads (via ->next)."""
    n = 0
    while head is not None and int(head) != 0 and n < limit:
        n += 1
        head = head.dereference()["next"]
    return n


class User(CalfCommand):
    """calf-user NAME: load the symbols of user program NAME beside the kernel's.

User programs are linked at address 0, so gdb takes the addresses from
the ELF file (user/_NAME, or build/extra/_NAME for an EXTRA_USER program).
Loading another program replaces the previous one's symbols."""

    _name = "calf-user"
    loaded = None

    def __init__(self):
        super().__init__(self._name)

    def body(self, argv):
        if len(argv) != 1:
            raise CalfError("usage: calf-user NAME   (e.g. calf-user cowtest)")
        name = argv[0]
        path = next((p for p in ("user/_%s" % name, "build/extra/_%s" % name)
                     if os.path.isfile(p)), None)
        if path is None:
            raise CalfError("no user/_%s here (run make in the calf directory)" % name)
        path = os.path.abspath(path)  # remove-symbol-file wants gdb's name for it
        if User.loaded:
            gdb.execute("remove-symbol-file %s" % User.loaded, to_string=True)
            User.loaded = None
        gdb.execute("add-symbol-file %s" % path, to_string=True)
        User.loaded = path
        yield "loaded the symbols of %s (user addresses from 0)" % path

    def invoke(self, arg, from_tty):
        # Loading symbols reads no kernel memory: no kernel_memory() here.
        try:
            for line in self.body(gdb.string_to_argv(arg)):
                gdb.write(line + "\n")
        except CalfError as e:
            raise gdb.GdbError("%s: %s" % (self._name, e))


class RefsFunction(gdb.Function):
    """$calf_refs(PA): the reference count of frame PA (-1 if unmanaged)."""

    def __init__(self):
        super().__init__("calf_refs")

    def invoke(self, pa):
        with kernel_memory():
            refs = Frames().refs(int(pa) - int(pa) % PGSIZE)
        return -1 if refs is None else refs


Ps()
Pt()
Frame()
Cache()
Rcu()
User()
RefsFunction()
