#!/usr/bin/env bash
# Gradescope's setup.sh for a calf autograder (made by `make gradescope`).
#
# Runs once, as root, when Gradescope builds the autograder's image: it
# installs the packages calf needs (the tree's own scripts/deps.sh, so the
# list is the one `make qemu` uses; nothing is installed when they are all
# there), refuses tools too old to run calf, with a message saying which,
# and builds the lab's handout tree once, so that grading a submission
# only recompiles the files the student changed.
#
# Written for Ubuntu 22.04 (Gradescope's default base image) and Debian
# 12. All the package names exist on both; but Ubuntu 22.04's QEMU is
# 6.2 and its gcc-riscv64-unknown-elf 10.2, older than the QEMU 7.2 and
# GCC 12 calf is built and tested with, so there this script stops with a
# message instead of producing an autograder that fails every student:
# pick a newer base image in the autograder settings (Ubuntu 24.04 ships
# QEMU 8.2).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tree=$here/calf
min_gcc=12

fail() {
  echo "setup.sh: ERROR: $*" >&2
  exit 1
}

if [ -r /etc/os-release ]; then
  . /etc/os-release
  echo "setup.sh: on ${PRETTY_NAME:-an unknown system}"
fi

bash "$tree/scripts/deps.sh" || fail "installing the packages failed (see above)"

# The tree's own check (make check-tools) knows the oldest QEMU calf runs
# on, and says which tool is missing or too old.
make -s -C "$tree" check-tools || fail "see above; choose a base image with QEMU 7.2 or \
newer (Ubuntu 24.04 has 8.2, Debian 12 7.2)"

cc=$(make -s -C "$tree" --no-print-directory --eval 'print-cc: ; @echo $(CC)' print-cc)
ver=$($cc -dumpversion 2>/dev/null || echo 0)
[ "${ver%%.*}" -ge "$min_gcc" ] || fail "$cc is version $ver; calf needs GCC $min_gcc or \
newer (choose a base image with a newer gcc-riscv64-unknown-elf, such as Debian 12's 12.2)"
echo "setup.sh: $cc $ver, $(qemu-system-riscv64 --version | head -1)"

extra=()
[ -d "$here/hidden" ] && extra=(EXTRA_USER="$here/hidden")
make -s -C "$tree" -j"$(nproc)" build "${extra[@]}" || fail "the handout tree does not build"
echo "setup.sh: the handout tree is built; ready to grade"
