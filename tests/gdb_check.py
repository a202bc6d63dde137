"""The GDB tests: gdb-multiarch, driven in batch mode, on a real COW fault
and on a fault on a shared page table.

Owns: keeping `make qemu-gdb` + `make gdb` and the calf-* helpers
(scripts/gdb/calf.py) working. It starts QEMU halted with a gdb stub on
a free port (one hart, a fresh copy of fs.img), runs gdb-multiarch with
.gdbinit (CALF_GDBPORT points it at that port) and tests/gdb_cow.py,
types `cowtest frames` at calf's shell once it prompts, and passes when
gdb's script reports `GDB-CHECK: OK` and the test program then finishes
with `cowtest frames: OK`. A broken helper fails the check. The second
check, gdb-spt, does the same with tests/gdb_spt.py and `spttest
threeway` on a machine booted with fork=sharedpt: calf-pt must show the
shared leaf table the faulting process holds, with its count. The third,
gdb-mmap, runs tests/gdb_mmap.py on `labmmap shared`: calf-pt, calf-frame
and calf-cache must name the file page a mapping's frame caches, and
calf-cache must show the page counted dirty before munmap and clean after.

Invariant: neither QEMU nor gdb outlives this script. Both run in their
own process groups with a parent-death signal (harness.py's machinery),
and both groups are killed in a `finally`.

Run by make test (alone: make test T=gdb-); the console is kept in
tests/out/NAME.log and gdb's output in tests/out/NAME.gdb.log.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time

from tests import harness

ROOT = harness.ROOT
GDB = os.environ.get("GDB", "gdb-multiarch")
# The kernel make build makes (the .gdbinit's symbols), not make test's
# checking one.
KERNEL = os.path.join(ROOT, "kernel", "kernel")
TIMEOUT = 180.0  # seconds for each check; each takes about ten


class Check:
    """One gdb scenario: the gdb script, what to type at calf's shell, the
    boot arguments, and the line the program prints once gdb detached."""

    def __init__(self, name, script, command, done, bootargs=None):
        self.name, self.script, self.command = name, script, command
        self.done, self.bootargs = done, bootargs


GDB_CHECKS = [
    Check("gdb-cow", "tests/gdb_cow.py", "cowtest frames", "cowtest frames: OK"),
    Check("gdb-spt", "tests/gdb_spt.py", "spttest threeway", "spttest threeway: OK",
          bootargs="fork=sharedpt"),
    Check("gdb-mmap", "tests/gdb_mmap.py", "labmmap shared", "labmmap shared: ok"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(cmd, stdout, env=None, stdin=subprocess.DEVNULL):
    return subprocess.Popen(cmd, cwd=ROOT, env=env, stdin=stdin, stdout=stdout,
                            stderr=subprocess.STDOUT, start_new_session=True,
                            preexec_fn=harness._in_child_before_exec)


def run_check(check, disk, log, gdblog):
    name = check.name
    port = free_port()
    test = harness.Test(name, steps=[], cpus=1, bootargs=check.bootargs, kernel=KERNEL)
    qcmd = harness.qemu_command(test, disk) + ["-S", "-gdb", "tcp:127.0.0.1:%d" % port]
    log.write(("# %s\n" % " ".join(qcmd)).encode())
    log.flush()
    procs = []
    try:
        qemu = start(qcmd, subprocess.PIPE, stdin=subprocess.PIPE)
        procs.append(qemu)
        console = harness.Console(qemu, log)
        env = dict(os.environ, CALF_GDBPORT=str(port), PYTHONPATH=ROOT)  # for tests.gdb_lib
        gdb = start([GDB, "-q", "-nx", "-batch", "-x", ".gdbinit", "-x", check.script],
                    subprocess.PIPE, env=env)
        procs.append(gdb)
        out = []  # gdb's output, also streamed to its log as it comes

        def pump():
            for line in iter(gdb.stdout.readline, b""):
                out.append(line)
                gdblog.write(line)
                gdblog.flush()

        reader = threading.Thread(target=pump, daemon=True)
        reader.start()
        deadline = time.monotonic() + TIMEOUT
        # gdb lets the machine go only after its breakpoint is set; until
        # then the console stays silent, so this wait also covers gdb's start.
        console.wait_for(harness.BOOT_PROMPT.search, deadline, "the shell prompt", False)
        console.type(check.command)
        try:
            status = gdb.wait(max(1.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            status = None
        reader.join(5.0)
        text = b"".join(out).decode("utf-8", "replace")
        if status is None:
            raise harness.TestFailure("gdb did not finish in %gs (log tests/out/%s.gdb.log)"
                                      % (TIMEOUT, name))
        verdict = [l for l in text.splitlines() if l.startswith("GDB-CHECK:")]
        if status != 0 or verdict != ["GDB-CHECK: OK"]:
            why = verdict[-1] if verdict else "gdb exited with status %s" % status
            raise harness.TestFailure("%s (log tests/out/%s.gdb.log)" % (why, name))
        # gdb has detached: the program runs on to its verdict.
        console.wait_for(lambda t: check.done in t, deadline,
                         "`%s` after gdb detached" % check.done, False)
    finally:
        for p in procs:
            harness.stop(p)
            for pipe in (p.stdin, p.stdout):
                if pipe:
                    try:
                        pipe.close()
                    except OSError:
                        pass


def check_one(check):
    """Run one check; raise TestFailure with the reason if it fails. The
    console goes to tests/out/NAME.log, gdb's output beside it."""
    name = check.name
    tmp = tempfile.mkdtemp(prefix="calf-gdb-")
    os.makedirs(harness.OUTDIR, exist_ok=True)
    try:
        with open(os.path.join(harness.OUTDIR, name + ".log"), "wb") as log, \
                open(os.path.join(harness.OUTDIR, name + ".gdb.log"), "wb") as gdblog:
            harness.preflight()
            if shutil.which(GDB) is None:
                raise harness.TestFailure("%s not found (run scripts/deps.sh)" % GDB)
            disk = os.path.join(tmp, "fs.img")
            harness.copy_image(harness.FSIMG, disk)
            run_check(check, disk, log, gdblog)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


KEEPS_LOGS = True  # tests/out/NAME.log is the console's (tests/conftest.py)
CHECKS = [(c.name, lambda c=c: check_one(c)) for c in GDB_CHECKS]
