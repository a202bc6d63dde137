#!/usr/bin/env python3
"""How long a boot takes, timed on the console: for each kernel given,
boot it N times on a copy of fs.img (one hart, 128 MiB, the harness's
QEMU flags), type poweroff at the first prompt, and print the medians of
"kernel start" (its banner to the shell's prompt) and "to the prompt"
(QEMU started to the prompt). Real time, not -icount: what a test's boot
costs the machine (docs/benchmarks.md).

    python3 scripts/boottime.py [-n N] KERNEL...
"""

import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def boot(kernel, disk):
    """(seconds to the kernel's banner, seconds to the prompt)."""
    cmd = ["qemu-system-riscv64", "-machine", "virt", "-bios", "default", "-kernel", kernel,
           "-m", "128M", "-smp", "1", "-nographic", "-monitor", "none",
           "-global", "virtio-mmio.force-legacy=false",
           "-drive", "file=%s,if=none,format=raw,id=x0,cache=unsafe" % disk,
           "-device", "virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0"]
    start = time.monotonic()
    proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    seen, banner = b"", None
    try:
        while True:
            data = os.read(proc.stdout.fileno(), 4096)
            if not data:
                raise SystemExit("%s: QEMU ended before the prompt" % kernel)
            seen += data
            now = time.monotonic() - start
            if banner is None and b"calf:" in seen:
                banner = now
            if b"\n$ " in seen:
                proc.stdin.write(b"poweroff\n")
                proc.stdin.flush()
                return banner, now
    finally:
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-n", type=int, default=10, help="boots per kernel (default 10)")
    ap.add_argument("kernels", nargs="+")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        disk = os.path.join(tmp, "fs.img")
        shutil.copy(os.path.join(ROOT, "fs.img"), disk)
        for kernel in args.kernels:
            runs = [boot(kernel, disk) for _ in range(args.n)]
            print("%s: kernel start %.3f s, to the prompt %.3f s (medians of %d)"
                  % (kernel, statistics.median(p - b for b, p in runs),
                     statistics.median(p for _, p in runs), args.n))


if __name__ == "__main__":
    main()
