#!/usr/bin/env bash
# fresh-check: the README's set-up, tried as a new user meets it.
#
#   sudo scripts/fresh-check.sh [DIR]      (DIR defaults to /var/tmp/calf-fresh)
#
# Builds a minimal Debian 12 root (debootstrap --variant=minbase bookworm)
# with only git and make added, in DIR; a DIR that already holds one is
# reused, so the download happens once. Each run then works on a throwaway
# copy of it, DIR.run, so that what an earlier run installed (the cross
# compiler, QEMU, ...) cannot hide a set-up bug: every run starts from a
# machine that has never seen calf. In the copy it clones this repository's
# committed HEAD fresh (uncommitted changes are not tested) and runs the
# README's one command, `make test`, as root, the first time.
#
# Invariant: /proc, /sys, /dev and /dev/pts are mounted into the copy only
# while the run lasts, and unmounted on every exit (success, failure,
# Ctrl-C); the copy is removed afterwards unless KEEP=1.
#
# Exit status: that of `make test` in the fresh root (0 = the README's
# promise holds), or 1 if the root could not be set up. CMD="..." runs
# another command in the fresh clone instead (to try the script itself
# quickly, say CMD=true).
set -euo pipefail

base=${1:-/var/tmp/calf-fresh}
work=$base.run
repo=$(cd "$(dirname "$0")/.." && pwd)
mirror=${MIRROR:-http://deb.debian.org/debian}

die() {
  echo "fresh-check: $*" >&2
  exit 1
}

[[ $(id -u) -eq 0 ]] || die "run as root: debootstrap, mount and chroot need it"
command -v debootstrap >/dev/null || die "needs debootstrap (apt-get install debootstrap)"
git -C "$repo" rev-parse --verify -q HEAD >/dev/null || die "$repo is not a git checkout"

# The pristine root: minbase, then git and make, nothing else.
if [[ ! -x $base/usr/bin/make || ! -x $base/usr/bin/git ]]; then
  echo "fresh-check: building a Debian 12 minbase root in $base"
  [[ -x $base/bin/sh ]] || debootstrap --variant=minbase bookworm "$base" "$mirror"
  cp /etc/resolv.conf "$base/etc/resolv.conf"
  chroot "$base" apt-get update
  chroot "$base" env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y --no-install-recommends git make
  chroot "$base" apt-get clean
fi

mounts=()
cleanup() {
  local i
  for ((i = ${#mounts[@]} - 1; i >= 0; i--)); do
    umount "${mounts[i]}" 2>/dev/null || umount -l "${mounts[i]}" || true
  done
  if [[ ${KEEP:-0} != 1 ]]; then
    rm -rf --one-file-system "$work"
  fi
}
trap cleanup EXIT

mount_in() { # mount_in ARGS... TARGET: mount, and remember to unmount
  mkdir -p "${@: -1}"
  mount "$@"
  mounts+=("${@: -1}")
}

echo "fresh-check: copying the root to $work"
rm -rf --one-file-system "$work"
cp -a "$base" "$work"
cp /etc/resolv.conf "$work/etc/resolv.conf"
mount_in -t proc proc "$work/proc"
mount_in -t sysfs sysfs "$work/sys"
mount_in --bind /dev "$work/dev"
mount_in --bind /dev/pts "$work/dev/pts"
# The repository's object store (for a worktree, the main checkout's
# .git, which the worktree's own .git file only points to).
gitdir=$(cd "$repo" && cd "$(git rev-parse --git-common-dir)" && pwd)
mount_in --bind -o ro "$gitdir" "$work/mnt"

rev=$(git -C "$repo" rev-parse HEAD)
cmd=${CMD:-make test}
echo "fresh-check: cloning $rev and running '$cmd' in the fresh root"
# The repository belongs to another user than root: tell git that is fine.
chroot "$work" git config --global --add safe.directory '*'
chroot "$work" git clone -q --no-local /mnt /src
chroot "$work" git -C /src checkout -q "$rev"
set +e
chroot "$work" env -i HOME=/root PATH=/usr/sbin:/usr/bin:/sbin:/bin TERM=dumb \
  sh -c "cd /src && $cmd"
status=$?
set -e
echo "fresh-check: '$cmd' in a fresh Debian 12 root exited $status"
exit $status
