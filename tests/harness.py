"""Headless test harness: boots calf in QEMU and talks to its shell.

Owns: running each test in its own QEMU on its own copy of fs.img (or of
an image an earlier test kept), and the invariant that no QEMU outlives
the harness. Every QEMU is started in a new process group (and, on Linux,
with a parent-death signal) and is killed in a `finally`, so a failure, a
timeout, Ctrl-C or a SIGTERM from CI all end it.

A test is data: a machine shape (cpus, memory, boot arguments), a list of
Steps (a line to type and regexes its output must match), a timeout for the
whole test, and optionally the exit status QEMU itself must end with. The
console is a plain byte stream, so "a command's output" is defined as what
QEMU prints after the echo of the typed line, up to the next shell prompt.

A line starting with "panic: " is the kernel's panic message; unless a test
expects a panic, seeing one fails the test at once, with that line as the
reason. Each test's whole console output is kept in tests/out/NAME.log,
up to MAX_CONSOLE bytes: a kernel that floods the console fails its test
there (the rest is read and dropped, so neither memory nor disk fills up).

After every QEMU run that went as the test wanted (and was not looking for
a panic), the host fsck must find the disk image clean: a test that
leaves the file system inconsistent fails even if every output matched.

Some tests need more than one boot, or the disk an earlier test left:
a Test may boot again on the same disk (`then`), start from an image an
earlier test kept (`disk`, `keep`), and named groups in a step's expect
regexes record facts -- figures measured at run time, such as how many
disk writes a workload issues -- from which a Generated entry writes
the tests that need them (the crash-consistency sweep).

The suites are data in tests/suites/ (one module per area); make test runs
them, and the host checks, through pytest (tests/conftest.py), which calls
run_test here once per test.
env:   QEMU (default qemu-system-riscv64), KERNEL (kernel/kernel),
       KSAN_KERNEL (build/ksan/kernel, for the tests that need UBSan),
       FSIMG (fs.img), FSCK (mkfs/fsck)
"""

from __future__ import annotations

import codecs
import ctypes
import functools
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass

from tests.kit import CheckFailed

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUTDIR = os.path.join(ROOT, "tests", "out")
QEMU = os.environ.get("QEMU", "qemu-system-riscv64")
KERNEL = os.environ.get("KERNEL", os.path.join(ROOT, "kernel", "kernel"))
KSAN_KERNEL = os.environ.get("KSAN_KERNEL", os.path.join(ROOT, "build", "ksan", "kernel"))
FSIMG = os.environ.get("FSIMG", os.path.join(ROOT, "fs.img"))
FSCK = os.environ.get("FSCK", os.path.join(ROOT, "mkfs", "fsck"))
MKFS = os.environ.get("MKFS", os.path.join(ROOT, "mkfs", "mkfs"))
FSFILES = [os.path.join(ROOT, "build", "README")]  # what the Makefile gives mkfs
FSLIST = os.path.join(ROOT, "build", "fs.list")    # ... and the programs

BOOT_PROMPT = re.compile(r"(?m)^\$ ")  # the shell's first prompt after boot
PROMPT = "$ "                          # the prompt that ends a command's output
PANIC_PREFIX = "panic: "
NONZERO = "nonzero"                    # Test.exit_code: any failure status
POLL = 0.02                            # seconds between looks at the output
BURST, BURST_WAIT = 512, 0.002         # a read shorter than BURST bytes: wait
                                       # BURST_WAIT s before the next one
SETTLE = 10.0                          # quiet seconds after the prompt before
                                       # a step's missing output is final
MAX_CONSOLE = 1 << 20                  # bytes of console output a test may
                                       # print; past it the test fails (a flood)


@dataclass
class Step:
    cmd: str | None           # line to type; None only watches the output
    expect: tuple = ()        # regexes that must all match the output; their
                              # named groups are recorded as facts
    absent: tuple = ()        # regexes that must not match it
    prompt: bool = True       # the output ends at the next shell prompt
    check: object = None      # optional check(output) -> None, or why it fails


@dataclass
class Test:
    name: str
    steps: list
    cpus: int = 3
    mem: str = "128M"
    bootargs: str | None = None
    timeout: float = 90.0     # seconds for the whole test, boot included
    exit_code: int | str | None = None  # None: QEMU must still be running
    shell: bool = True        # wait for the shell's prompt before step 1
    panic_ok: bool = False    # a panic is what the test is looking for
    icount: bool = False      # guest time counts instructions (benchmarks)
    sleep: bool = False       # with icount: idle guest time passes at the host's
                              # real speed (sleep=on), so a disk wait costs about
                              # what the host took, not a jump to the next timer
    disk: str | None = None   # start from the image an earlier test kept
                              # under this name (default: a copy of fs.img)
    keep: str | None = None   # if the test passes, keep its image by this name
    fssize: int | None = None # boot on an image of this many blocks with
                              # fs.img's files (mkfs -s): for tests that
                              # fill the disk, which the default is too big for
    then: Test | None = None  # boot again on the same disk, as this Test says
    kernel: str | None = None # boot this kernel instead of KERNEL
    alone: bool = False       # it measures real time: it runs while no other
                              # test does (tests/slots.py)


@dataclass
class Generated:
    """A suite entry for tests that can be written only once earlier tests
    of the same run have measured something: make(facts) returns them, and
    raises KeyError if a fact it needs was never recorded. With apart=True
    the tests it makes depend on none of each other's outcomes (only on
    the earlier tests of the chain), so the runner may run several at once,
    as many as the free slots allow (tests/slots.py)."""
    name: str
    make: object
    apart: bool = False


class Run:
    """What the tests of one harness run share: the facts recorded by the
    steps that passed, and the disk images tests kept by name (in a
    temporary directory that close() removes)."""

    def __init__(self):
        self.facts = {}
        self.dir = None

    def image(self, name):
        if self.dir is None:
            self.dir = tempfile.mkdtemp(prefix="calf-images-")
        return os.path.join(self.dir, name + ".img")

    def small_image(self, blocks):
        """An image of `blocks` blocks holding fs.img's files, made once
        per run with mkfs -s from the files the Makefile put on fs.img."""
        path = self.image("fssize-%d" % blocks)
        if not os.path.isfile(path):
            with open(FSLIST) as f:
                progs = [os.path.join(ROOT, p) for p in f.read().split()]
            r = subprocess.run([MKFS, "-s", str(blocks), path] + FSFILES + progs,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=120)
            if r.returncode != 0:
                raise TestFailure("mkfs -s %d failed: %s" % (blocks, r.stdout.decode().strip()))
        return path

    def close(self):
        if self.dir is not None:
            shutil.rmtree(self.dir, ignore_errors=True)


# Messages are matched loosely where calf's user programs may word them
# their own way; what matters is that something complains.
COMPLAINT = r"(?i)fail|error|cannot|can't|no such|not found|bad|invalid"



class TestFailure(CheckFailed):
    """A QEMU test failed; str() is the reason."""


class Interrupted(BaseException):
    """SIGTERM or SIGHUP: unwind like Ctrl-C so every `finally` runs."""


def _load_libc():
    try:
        return ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None


_LIBC = _load_libc()  # loaded before any fork: dlopen is unsafe in a child


def die_with_parent(sig):
    """PR_SET_PDEATHSIG (1): the kernel sends this process `sig` when the
    thread that started it dies, cleanup or not (kill -9, OOM killer)."""
    if _LIBC is not None:
        _LIBC.prctl(1, sig, 0, 0, 0)


def _in_child_before_exec():
    die_with_parent(signal.SIGKILL)  # QEMU, if the harness dies without its finally


class Console:
    """QEMU's serial console, drained continuously by a reader thread.

    The thread appends everything to the log file and to an in-memory
    transcript (with '\\r' dropped, so regexes see plain '\\n' lines), and
    notes the first line that starts with "panic: ".
    """

    def __init__(self, proc, log):
        self.proc = proc
        self.log = log
        self.lock = threading.Lock()
        self.chunks = []
        self.text_cache = ""
        self.partial = ""       # current incomplete line, for panic spotting
        self.panic = None
        self.eof = False
        self.seen = 0           # bytes read from QEMU
        self.flooded = False    # more than MAX_CONSOLE: the rest is dropped
        self.changed = threading.Event()
        self.thread = threading.Thread(target=self._pump, daemon=True)
        self.thread.start()

    def _pump(self):
        decode = codecs.getincrementaldecoder("utf-8")(errors="replace").decode
        fd = self.proc.stdout.fileno()
        while True:
            try:
                data = os.read(fd, 65536)
            except OSError:
                data = b""
            if not data:
                break
            self.seen += len(data)
            if self.seen > MAX_CONSOLE:
                # A flood: keep reading (so QEMU never blocks on a full
                # pipe) but keep nothing more, in memory or in the log.
                if not self.flooded:
                    self.log.write(b"\n# console flood: output cut at %d bytes\n" % MAX_CONSOLE)
                    self.log.flush()
                    with self.lock:
                        self.flooded = True
                    self.changed.set()
                continue
            self.log.write(data)
            self.log.flush()
            self._add(decode(data).replace("\r", ""))
            if len(data) < BURST:
                # QEMU writes the console a few bytes at a time (a boot's
                # 1.7 KB came in 460 to 860 reads); a short nap lets the
                # rest of a burst gather in the pipe, so one pass of this
                # loop takes many bytes instead of one.
                time.sleep(BURST_WAIT)
        with self.lock:
            self.eof = True
        self.changed.set()

    def _add(self, s):
        lines = (self.partial + s).split("\n")
        self.partial = lines.pop()
        with self.lock:
            self.chunks.append(s)
            if self.panic is None:
                self.panic = next((l for l in lines if l.startswith(PANIC_PREFIX)), None)
        self.changed.set()

    def snapshot(self):
        """(transcript so far, panic line or None, QEMU's output ended)."""
        with self.lock:
            if self.chunks:
                self.text_cache += "".join(self.chunks)
                self.chunks = []
            return self.text_cache, self.panic, self.eof

    def type(self, line):
        try:
            self.proc.stdin.write(line.encode() + b"\n")
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            raise TestFailure("QEMU exited before %r could be typed" % line)

    def wait_for(self, ready, deadline, what, panic_ok, settled=None):
        """Poll until ready(transcript) is true; fail on timeout, exit, panic.

        settled(transcript) says the awaited output can no longer arrive
        (the prompt is back); then SETTLE quiet seconds end the wait early,
        so a wrong answer costs seconds instead of the whole timeout. The
        grace period is for background jobs that print after the prompt.
        """
        quiet_since, seen = time.monotonic(), -1
        while True:
            text, panic, eof = self.snapshot()
            if len(text) != seen:
                quiet_since, seen = time.monotonic(), len(text)
            if panic and not panic_ok:
                self.drain(2.0)  # let the backtrace reach the log
                raise TestFailure("kernel " + panic.strip())
            if self.flooded:
                raise TestFailure("console flood: more than %d KiB of output while waiting "
                                  "for %s" % (MAX_CONSOLE >> 10, what))
            if ready(text):
                return text
            if eof:
                raise TestFailure("QEMU exited (status %s) while waiting for %s; output ends %r"
                                  % (self.proc.wait(), what, text[-80:]))
            left = deadline - time.monotonic()
            if left <= 0:
                raise TestFailure("timed out waiting for %s; output ends %r" % (what, text[-80:]))
            if settled and settled(text) and time.monotonic() - quiet_since >= SETTLE:
                raise TestFailure("gave up waiting for %s: the prompt is back and the output "
                                  "quiet for %gs; output ends %r" % (what, SETTLE, text[-80:]))
            self.changed.wait(min(left, 1.0))
            self.changed.clear()
            time.sleep(POLL)  # batch up a burst of small serial writes

    def drain(self, seconds):
        """Give QEMU up to `seconds` to finish printing and exit."""
        self.thread.join(seconds)


def output_of(text, mark, cmd):
    """What the command typed at offset `mark` printed: the transcript after
    the echo of its line (the whole rest if the echo is not there)."""
    rest = text[mark:]
    if cmd is None:
        return rest
    echo = rest.find(cmd + "\n")
    return rest if echo < 0 else rest[echo + len(cmd) + 1:]


def run_step(console, step, n, deadline, panic_ok, facts):
    mark = len(console.snapshot()[0])
    if step.cmd is not None:
        console.type(step.cmd)

    def prompted(text):
        return PROMPT in output_of(text, mark, step.cmd)

    def ready(text):
        if step.prompt and not prompted(text):
            return False
        out = output_of(text, mark, step.cmd)
        return all(re.search(rx, out) for rx in step.expect)

    what = "step %d %r: %s" % (n, step.cmd, " and ".join(
        ["/%s/" % rx for rx in step.expect] + (["the prompt"] if step.prompt else [])))
    text = console.wait_for(ready, deadline, what, panic_ok,
                            settled=prompted if step.prompt else None)
    out = output_of(text, mark, step.cmd)
    for rx in step.absent:
        if re.search(rx, out):
            raise TestFailure("step %d %r: output matches /%s/: %r" % (n, step.cmd, rx, out[-80:]))
    why = step.check(out) if step.check else None
    if why:
        raise TestFailure("step %d %r: %s" % (n, step.cmd, why))
    for rx in step.expect:
        facts.update(re.search(rx, out).groupdict())


def check_exit(console, test, deadline):
    """Wait for QEMU to end by itself and check its exit status."""
    try:
        status = console.proc.wait(max(0.0, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        raise TestFailure("QEMU still running after %gs (want exit status %s)"
                          % (test.timeout, test.exit_code))
    console.drain(5.0)
    _, panic, _ = console.snapshot()
    if panic and not test.panic_ok:
        raise TestFailure("kernel " + panic.strip())
    good = status != 0 if test.exit_code == NONZERO else status == test.exit_code
    if not good:
        raise TestFailure("QEMU exit status %s, want %s" % (status, test.exit_code))


@functools.lru_cache(maxsize=None)
def aio_option():
    """",aio=io_uring" if this QEMU and this host kernel can use io_uring
    for the disk, else "" (QEMU's thread pool). io_uring completes a guest
    request with less delay than a thread pool's hand-off: measured here,
    crashwork's 621-write run took 0.59 s against 0.81 s (best of six).
    QEMU built without it, or a container whose seccomp profile forbids
    it, refuses the option at start-up; so ask once: a machine with no
    board opens the drive and quits at the monitor's `quit`."""
    with tempfile.NamedTemporaryFile(prefix="calf-aio-") as f:
        f.truncate(1 << 20)
        try:
            r = subprocess.run(shlex.split(QEMU) + [
                "-machine", "none", "-nodefaults", "-display", "none", "-monitor", "stdio",
                "-drive", "file=%s,if=none,format=raw,id=x0,cache=unsafe,aio=io_uring" % f.name],
                input=b"quit\n", stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                timeout=30)
        except (OSError, subprocess.TimeoutExpired):
            return ""
    return ",aio=io_uring" if r.returncode == 0 else ""


# The disk is always a throwaway copy, so cache=unsafe: QEMU skips the host
# fsync that each of the guest's cache FLUSHes would cost (four per log
# transaction). Killing QEMU loses nothing: every write the guest saw
# complete is already in the host's page cache, which only a host crash
# could lose.
def qemu_command(test, disk):
    cmd = shlex.split(QEMU) + [
        "-machine", "virt", "-bios", "default", "-kernel", test.kernel or KERNEL,
        "-m", test.mem, "-smp", str(test.cpus),
        "-nographic", "-monitor", "none",
        "-global", "virtio-mmio.force-legacy=false",
        "-drive", "file=%s,if=none,format=raw,id=x0,cache=unsafe%s" % (disk, aio_option()),
        "-device", "virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0",
    ]
    if test.bootargs:
        cmd += ["-append", test.bootargs]
    if test.icount:
        cmd += ["-icount", "shift=0,sleep=%s" % ("on" if test.sleep else "off")]
    return cmd


def stop(proc):
    """Kill QEMU's whole process group (if it is still there) and reap it."""
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    proc.wait()


def preflight(test=None):
    kernel = test.kernel if test and test.kernel else KERNEL
    for path, what in ((kernel, "kernel"), (FSIMG, "file system image")):
        if not os.path.isfile(path):
            raise TestFailure("%s %s not found (run make first)" % (what, path))
    if shutil.which(shlex.split(QEMU)[0]) is None:
        raise TestFailure("%s not found (run scripts/deps.sh)" % QEMU)


def run_session(test, log, disk, facts):
    """Boot QEMU for one test and run its steps; raise TestFailure on failure."""
    cmd = qemu_command(test, disk)
    log.write(("# %s\n" % " ".join(shlex.quote(c) for c in cmd)).encode())
    log.flush()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, cwd=ROOT,
                            start_new_session=True, preexec_fn=_in_child_before_exec)
    console = None
    try:
        console = Console(proc, log)
        deadline = time.monotonic() + test.timeout
        if test.shell:
            console.wait_for(BOOT_PROMPT.search, deadline, "the shell prompt after boot",
                             test.panic_ok)
        for n, step in enumerate(test.steps, 1):
            run_step(console, step, n, deadline, test.panic_ok, facts)
        if test.exit_code is not None:
            check_exit(console, test, deadline)
    finally:
        stop(proc)
        for pipe in (proc.stdin, proc.stdout):
            try:
                pipe.close()
            except OSError:
                pass  # QEMU is gone; a lost write to it no longer matters
        if console is not None:
            console.drain(5.0)


def fsck(disk, log):
    """The host fsck must find the image clean (a committed log counts as
    replayed); its output goes to the log, and into the reason if not."""
    if not os.path.isfile(FSCK):
        raise TestFailure("fsck %s not found (run make first)" % FSCK)
    try:
        r = subprocess.run([FSCK, "-q", disk], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=120)
    except subprocess.TimeoutExpired:
        raise TestFailure("fsck did not finish in 120s")
    out = r.stdout.decode("utf-8", "replace").strip()
    log.write(("\n# fsck -q: exit %d\n%s\n" % (r.returncode, out)).encode())
    if r.returncode != 0:
        lines = out.split("\n")
        if len(lines) > 12:
            lines = lines[:12] + ["... %d more lines in the log" % (len(lines) - 12)]
        raise TestFailure("fsck exit %d: %s" % (r.returncode, " | ".join(lines)))


def run_boots(test, log, disk, facts):
    """Boot test and then each Test of its `then` chain on the same disk,
    checking the image with fsck after each; a failure in a later boot is
    reported under that boot's name."""
    boot = test
    while boot is not None:
        try:
            run_session(boot, log, disk, facts)
            if not boot.panic_ok:
                fsck(disk, log)
        except TestFailure as e:
            if boot is test:
                raise
            raise TestFailure("%s: %s" % (boot.name, e))
        boot = boot.then


def copy_image(src, dst):
    """Copy a disk image and keep its holes. The default image is ~100 MB
    of which mkfs wrote well under 1 MB (the rest are holes that read as
    zeros), and every test boots on its own copy: a plain copy would write
    all 100 MB each time. Copies only the data extents (SEEK_DATA/SEEK_HOLE;
    on a file system without holes that is the whole file)."""
    fin = os.open(src, os.O_RDONLY)
    try:
        size = os.fstat(fin).st_size
        fout = os.open(dst, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        try:
            os.ftruncate(fout, size)
            off = 0
            while off < size:
                try:
                    off = os.lseek(fin, off, os.SEEK_DATA)
                except OSError:  # ENXIO: nothing but a hole is left
                    break
                end = os.lseek(fin, off, os.SEEK_HOLE)
                while off < end:
                    chunk = os.pread(fin, min(end - off, 1 << 20), off)
                    os.pwrite(fout, chunk, off)
                    off += len(chunk)
        finally:
            os.close(fout)
    finally:
        os.close(fin)


def run_test(test, run=None):
    """Run one test (with its later boots); return (passed, reason, seconds).
    Without a Run, facts and kept images last only for this test."""
    own = run is None
    run = run or Run()
    os.makedirs(OUTDIR, exist_ok=True)
    start = time.monotonic()
    tmp = tempfile.mkdtemp(prefix="calf-test-")
    logpath = os.path.join(OUTDIR, test.name + ".log")
    try:
        with open(logpath, "wb") as log:
            try:
                preflight(test)
                disk = os.path.join(tmp, "fs.img")
                source = (run.image(test.disk) if test.disk else
                          run.small_image(test.fssize) if test.fssize else FSIMG)
                if not os.path.isfile(source):
                    raise TestFailure("no disk image kept as %r (did the test that keeps it "
                                      "pass?)" % test.disk)
                copy_image(source, disk)
                run_boots(test, log, disk, run.facts)
                if test.keep:
                    copy_image(disk, run.image(test.keep))
                reason = None
            except (TestFailure, OSError) as e:
                reason = str(e)
            log.write(("\n# %s\n" % ("PASS" if reason is None else "FAIL: " + reason)).encode())
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if own:
            run.close()
    return reason is None, reason, time.monotonic() - start


def expand(entry, run):
    """The tests a suite entry stands for: a Test itself, or what a
    Generated entry makes of the facts recorded so far (KeyError if one
    it needs was never recorded)."""
    if isinstance(entry, Generated):
        return entry.make(run.facts)
    return [entry]
