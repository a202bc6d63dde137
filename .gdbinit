# gdb setup for `make qemu-gdb`: kernel symbols, then attach to QEMU's gdb
# stub on this user's port (25000 + uid % 5000, as scripts/gdbport.sh and
# the Makefile compute it). gdb only reads this file from a trusted
# directory: add `add-auto-load-safe-path /path/to/calf/.gdbinit` to
# ~/.gdbinit once.
set confirm off
set architecture riscv:rv64
symbol-file kernel/kernel
set disassemble-next-line auto
# calf-ps, calf-pt, calf-frame, calf-rcu, calf-user: see docs/gdb.md
source scripts/gdb/calf.py
python
import os
# CALF_GDBPORT overrides the port (tests/gdb_check.py picks a free one).
port = int(os.environ.get("CALF_GDBPORT") or 25000 + os.getuid() % 5000)
gdb.execute("target remote 127.0.0.1:%d" % port)
end
