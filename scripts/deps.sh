#!/usr/bin/env bash
# Installs the Debian packages that building and testing calf needs.
#
# Idempotent: when everything is installed it prints nothing and exits 0.
# As root it installs what is missing; as anyone else it prints the one
# apt-get line to run and exits 1, so a build never half-works silently.
#
# --no-install-recommends is enough: qemu-system-misc depends on
# qemu-system-data, which ships the OpenSBI firmware that `-bios default`
# loads; its recommends (GUI, seabios, ipxe, block drivers) are unused.
set -euo pipefail

packages=(
  gcc-riscv64-unknown-elf binutils-riscv64-unknown-elf # cross toolchain
  qemu-system-misc opensbi                             # the machine
  gdb-multiarch                                        # make qemu-gdb
  python3                                              # tests/*.py
  python3-pytest python3-pytest-xdist                  # make test's runner (tests/conftest.py)
  gcc libc6-dev make                                   # host build, mkfs
  clang "libclang-rt-14-dev|libclang-common-14-dev"    # host fuzzing (tests/host_check.py)
  libcmocka-dev                                        # host unit tests (tests/host_check.py)
)

# Extras only some targets need, so that `make qemu` and `make test` stay lean:
#   deps.sh bench    matplotlib, for make bench's charts (tests/plot_bench.py)
#   deps.sh compdb   bear, for make compile_commands.json
for mode in "$@"; do
  case $mode in
    bench) packages+=(python3-matplotlib) ;;
    compdb) packages+=(bear) ;;
    *) echo "deps.sh: unknown mode $mode (bench, compdb)" >&2; exit 2 ;;
  esac
done

# An entry "a|b" names one thing that distributions package differently:
# clang's fuzzer runtime is libclang-rt-14-dev on Debian 12 but part of
# libclang-common-14-dev on Ubuntu 22.04, which has no libclang-rt-14-dev.
# It is there when any of them is installed; otherwise the first one the
# archive knows is installed.
installed() {
  local status
  status=$(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true)
  [[ $status == "install ok installed" ]]
}

missing=()
for entry in "${packages[@]}"; do
  found=no
  for p in ${entry//|/ }; do
    installed "$p" && found=yes
  done
  [[ $found == yes ]] || missing+=("$entry")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

# One package per entry: the first of its names the archive knows.
pick() {
  local p
  for p in ${1//|/ }; do
    if apt-cache show "$p" >/dev/null 2>&1; then echo "$p"; return; fi
  done
  echo "${1%%|*}"
}

if [[ $(id -u) -ne 0 ]]; then
  chosen=()
  for entry in "${missing[@]}"; do chosen+=("$(pick "$entry")"); done
  echo "deps.sh: missing packages: ${chosen[*]}" >&2
  echo "run: sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${chosen[*]}" >&2
  exit 1
fi
echo "deps.sh: installing ${missing[*]}"
apt-get update
chosen=()
for entry in "${missing[@]}"; do chosen+=("$(pick "$entry")"); done
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${chosen[@]}"
