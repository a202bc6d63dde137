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
  gcc libc6-dev make                                   # host build, mkfs
  clang libclang-rt-14-dev                             # host fuzzing (tests/host_check.py)
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

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ $status == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

install=(apt-get install -y --no-install-recommends "${missing[@]}")
if [[ $(id -u) -ne 0 ]]; then
  echo "deps.sh: missing packages: ${missing[*]}" >&2
  echo "run: sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive ${install[*]}" >&2
  exit 1
fi
echo "deps.sh: installing ${missing[*]}"
apt-get update
DEBIAN_FRONTEND=noninteractive "${install[@]}"
