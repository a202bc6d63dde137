#!/usr/bin/env bash
# Refuse to build or run with tools calf cannot use, with a clear message.
# usage: check-tools.sh TOOLPREFIX QEMU
prefix=$1
qemu=$2
if [ -z "$prefix" ]; then
  echo "error: no RISC-V cross compiler found (tried riscv64-unknown-elf-gcc, riscv64-linux-gnu-gcc)." >&2
  echo "       run scripts/deps.sh, or set TOOLPREFIX=..." >&2
  exit 1
fi
if ! command -v "$qemu" >/dev/null 2>&1; then
  echo "error: $qemu not found; run scripts/deps.sh" >&2
  exit 1
fi
ver=$("$qemu" --version | sed -n 's/^QEMU emulator version \([0-9]*\)\.\([0-9]*\).*/\1 \2/p')
set -- $ver
if [ -z "${1:-}" ] || [ "$1" -lt 7 ] || { [ "$1" -eq 7 ] && [ "$2" -lt 2 ]; }; then
  echo "error: calf needs QEMU 7.2 or newer; $qemu reports: $("$qemu" --version | head -1)" >&2
  exit 1
fi
