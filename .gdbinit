# gdb setup for `make qemu-gdb`: kernel symbols, then attach to QEMU's gdb
# stub on this user's port (25000 + uid % 5000, as scripts/gdbport.sh and
# the Makefile compute it). gdb only reads this file from a trusted
# directory: add `add-auto-load-safe-path /path/to/calf/.gdbinit` to
# ~/.gdbinit once.
set confirm off
set architecture riscv:rv64
symbol-file kernel/kernel
set disassemble-next-line auto
python
import os
gdb.execute("target remote 127.0.0.1:%d" % (25000 + os.getuid() % 5000))
end
