"""A system-call fuzz soak: boot calf on 4 harts and run user/fuzz for each
seed (fresh fs.img per seed, fsck after each boot), then print the totals
for docs/reliability.md.

    python3 -m tests.fuzz_soak --seeds 1 --rounds 100
    python3 -m tests.fuzz_soak --seeds 1-20 --rounds 40
    python3 -m tests.fuzz_soak --seeds 1-5 --cpus 1 --map-pct 100   # mapping calls only

Exit status 0 only if every seed ended with "fuzz: OK" and a clean fsck.
Python 3 standard library only; it reuses tests/harness.py to boot."""
import argparse
import os
import re
import sys

from tests import harness


def seeds_of(text):
    lo, _, hi = text.partition("-")
    return range(int(lo), int(hi or lo) + 1)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seeds", default="1", help="a seed or a range A-B")
    ap.add_argument("--rounds", type=int, default=100)
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--calls", type=int, default=64)
    ap.add_argument("--cpus", type=int, default=4)
    ap.add_argument("--map-pct", type=int, default=25,
                    help="percent of calls that are mmap/munmap/msync/touches")
    args = ap.parse_args()
    calls = failed = 0
    seeds = seeds_of(args.seeds)
    for seed in seeds:
        cmd = "fuzz %d %d %d %d %d" % (seed, args.rounds, args.workers, args.calls, args.map_pct)
        t = harness.Test("fuzz-soak-%d" % seed, cpus=args.cpus, timeout=120 + args.rounds * 6, steps=[
            harness.Step(cmd, (r"(?m)^fuzz: OK seed %d: \d+ rounds, (?P<made>\d+) calls" % seed,),
                         absent=(r"FAILED",))])
        ok, reason, secs = harness.run_test(t)
        made = 0
        with open(os.path.join(harness.OUTDIR, t.name + ".log"), "rb") as log:
            m = re.search(rb"fuzz: OK seed \d+: \d+ rounds, (\d+) calls", log.read())
            made = int(m.group(1)) if m else 0
        calls += made
        failed += not ok
        print("%s seed %d: %d calls, %.0fs%s" % ("PASS" if ok else "FAIL", seed, made, secs,
                                                  "" if ok else ": " + reason), flush=True)
    print("fuzz soak: %d seeds, %d failed, %d calls in all (%d harts, %d workers, %d%% mapping "
          "calls, fsck after each)" % (len(seeds), failed, calls, args.cpus, args.workers,
                                       args.map_pct))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
