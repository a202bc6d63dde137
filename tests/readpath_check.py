"""Host-side check that reading one's own credentials is lock-free.

Owns: the claim of docs/creds.md that getuid() and friends take no lock and
execute no atomic read-modify-write. It disassembles kernel/kernel, follows
every call from sys_getuid, sys_geteuid, sys_getgid and sys_getegid (direct
calls and tail jumps), and fails if any function on the way contains an
atomic memory operation (amo*), a load-reserved/store-conditional pair, or
a call into the spinlock code. Calls to panic() (which never returns) are
not followed. No QEMU needed.

It reads kernel/kernel, the kernel make build makes (make test boots a
checking one). Run by make test (alone: make test T=readpath-); env OBJDUMP.
"""

import contextlib
import os
import re
import shutil
import subprocess

from tests.kit import CheckFailed

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
KERNEL = os.path.join(ROOT, "kernel", "kernel")
ENTRIES = ["sys_getuid", "sys_geteuid", "sys_getgid", "sys_getegid"]
ATOMIC = re.compile(r"^\s*(amo\w+|lr\.[wd]|sc\.[wd])(\.\w+)*\s")
FORBIDDEN_CALLS = {"spin_lock", "spin_unlock", "sleeplock_lock", "rcu_read_lock"}
# Never returns: its locks are the crash path's, not the read path's.
NOT_FOLLOWED = {"panic"}
FUNC = re.compile(r"^([0-9a-f]+) <([\w.]+)>:$")
CALL = re.compile(r"\b(jal|jalr|j|jr|tail|call)\b.*<([\w.]+)>\s*$")


def objdump():
    if os.environ.get("OBJDUMP"):
        return os.environ["OBJDUMP"]
    for prefix in ("riscv64-unknown-elf-", "riscv64-linux-gnu-", "riscv64-elf-"):
        if shutil.which(prefix + "objdump"):
            return prefix + "objdump"
    raise CheckFailed("no RISC-V objdump found (run scripts/deps.sh)")


def functions():
    """name -> list of instruction lines, from the kernel's disassembly."""
    out = subprocess.run([objdump(), "-d", "--no-show-raw-insn", KERNEL],
                         capture_output=True, text=True, check=True).stdout
    funcs, cur = {}, None
    for line in out.splitlines():
        m = FUNC.match(line)
        if m:
            cur = funcs.setdefault(m.group(2), [])
        elif cur is not None and ":\t" in line:
            cur.append(line.split(":\t", 1)[1])
    return funcs


def check(entry, funcs):
    """Walk entry's call graph; return None or the reason it fails."""
    seen, todo = set(), [entry]
    while todo:
        f = todo.pop()
        if f in seen or f in NOT_FOLLOWED:
            continue
        seen.add(f)
        if f in FORBIDDEN_CALLS:
            return "reaches %s" % f
        if f not in funcs:
            return "no function %s in the kernel" % f
        for insn in funcs[f]:
            if ATOMIC.match(insn):
                return "%s executes %r" % (f, insn.strip())
            m = CALL.search(insn)
            if m and "+" not in m.group(2):
                todo.append(m.group(2))
    return None


def must_pass(entry, funcs):
    why = check(entry, funcs)
    if why:
        raise CheckFailed(why)


@contextlib.contextmanager
def fixture():
    yield functions()  # the kernel is disassembled once for the four checks


CHECKS = [("readpath-" + e, lambda funcs, e=e: must_pass(e, funcs)) for e in ENTRIES]
