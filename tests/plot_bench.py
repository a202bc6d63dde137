"""make bench's charts: SVG plots of the figures tests/bench.py printed.

Owns: reading bench.py's output (a section per benchmark, opened by a
line `== NAME (...)`) and drawing, with matplotlib, the charts that
docs/benchmarks.md and docs/cow.md show:

  bench-fork.svg       forkbench: fork ticks against parent size, a line
                       per strategy (every column named "fork ...")
  bench-fork-exec.svg  forkbench: fork+exec+wait against parent size, a
                       line per strategy, with spawn+wait (columns named
                       "f+e+w ..." or "spawn...")
  bench-dispatch.svg   dispatch-bench: ticks to launch 32 workers against
                       the launcher's heap, fork+exec and spawn
  bench-rcu.svg        rcubench on 1 and 3 harts: per-call and per-commit
                       ticks, and average grace periods

Invariant: a chart shows exactly the figures of the run it was given,
nothing typed in by hand. Tables are read by their headers, so a new
column (a new strategy) becomes a new line without a change here; a
benchmark missing from the run leaves its chart as it was (the script
says so).

usage: python3 -m tests.plot_bench BENCH_OUTPUT OUTDIR
make test checks the parser on a sample (plot-bench-parser; no matplotlib).
"""

import argparse
import os
import re
import sys

from tests.kit import expect

plt = None  # matplotlib.pyplot, imported only to draw (--check needs none)

TICK_NOTE = "ticks (1 tick = 100 virtual ns, -icount)"


def sections(text):
    """{benchmark name: its output lines}."""
    out, name = {}, None
    for line in text.splitlines():
        m = re.match(r"^== (\S+) \(", line)
        if m:
            name = m.group(1)
            out[name] = []
        elif name:
            out[name].append(line)
    return out


def table(lines):
    """The first table whose header starts with MiB: (column names, rows),
    a row being (MiB, {column: value or None}). Columns are separated by
    two or more spaces; "no memory" is a missing value; ratio columns
    (values ending in x) are left out."""
    for i, line in enumerate(lines):
        if not re.match(r"^\s*MiB\s", line):
            continue
        names = re.split(r"\s{2,}", line.strip())[1:]
        rows = []
        for row in lines[i + 1:]:
            cells = re.findall(r"no memory|\S+", row)
            if not cells or not cells[0].isdigit() or len(cells) != len(names) + 1:
                break
            vals = {}
            for n, c in zip(names, cells[1:]):
                if c.endswith("x"):
                    continue
                vals[n] = None if c == "no memory" else float(c)
            rows.append((int(cells[0]), vals))
        keep = [n for n in names if rows and n in rows[0][1]]
        return keep, rows
    return [], []


def line_chart(path, title, names, rows, ylabel, xlabel="parent size, MiB", logy=True):
    fig, ax = plt.subplots(figsize=(7, 4.2))
    for n in names:
        pts = [(mib, v[n]) for mib, v in rows if v.get(n) is not None]
        ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=n)
    ax.set_xscale("symlog", base=2, linthresh=1)
    sizes = [mib for mib, _ in rows]
    ax.set_xticks(sizes)
    ax.set_xticklabels([str(s) for s in sizes])
    if logy:
        ax.set_yscale("log")
    else:
        ax.ticklabel_format(axis="y", style="plain")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, which="major", alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, metadata={"Date": None})
    plt.close(fig)


def fork_charts(lines, outdir):
    names, rows = table(lines)
    fork = [n for n in names if n.startswith("fork")]
    fexec = [n for n in names if n.startswith(("f+e+w", "spawn"))]
    if not fork or not fexec:
        return []
    line_chart(os.path.join(outdir, "bench-fork.svg"), "fork: cost against parent size "
               "(forkbench, log scale)", fork, rows, TICK_NOTE)
    line_chart(os.path.join(outdir, "bench-fork-exec.svg"), "fork+exec+wait and spawn+wait "
               "(forkbench, log scale)", fexec, rows, TICK_NOTE)
    return ["bench-fork.svg", "bench-fork-exec.svg"]


def dispatch_chart(lines, outdir):
    names, rows = table(lines)
    if not names:
        return []
    path = os.path.join(outdir, "bench-dispatch.svg")
    line_chart(path, "dispatch: 32 workers launched and reaped, best round",
               names, rows, TICK_NOTE + " per round", "launcher's heap, MiB", logy=False)
    return ["bench-dispatch.svg"]


def rcu_figures(lines):
    """{label: ticks} of one rcubench run."""
    text = "\n".join(lines)
    figs = {}
    m = re.search(r"getuid (\d+) ticks per 1000 calls, getpid (\d+)", text)
    if m:
        figs["call: getuid"] = int(m.group(1)) / 1000
        figs["call: getpid"] = int(m.group(2)) / 1000
    for m in re.finditer(r"storm, (\d+) writers?: \d+ commits in \d+ ticks: (\d+) ticks each"
                         r"(?:.*\n)\s*grace periods: \d+, average (\d+) ticks", text):
        figs["commit: %s writer%s" % (m.group(1), "" if m.group(1) == "1" else "s")] = \
            int(m.group(2))
        figs["grace period: storm of %s" % m.group(1)] = int(m.group(3))
    m = re.search(r"idle: .*\n\s*grace periods: \d+, average (\d+) ticks", text)
    if m:
        figs["grace period: idle"] = int(m.group(1))
    return figs


def rcu_chart(runs, outdir):
    """runs: [(label, lines)] of rcubench sections."""
    figs = [(label, rcu_figures(lines)) for label, lines in runs]
    figs = [(label, f) for label, f in figs if f]
    if not figs:
        return []
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2))
    for ax, kind, title in ((axes[0], ("call", "commit"), "a call or a commit"),
                            (axes[1], ("grace",), "average grace period")):
        keys = [k for k in figs[0][1] if k.startswith(kind)]
        width = 0.8 / len(figs)
        for i, (label, f) in enumerate(figs):
            ax.bar([x + i * width for x in range(len(keys))], [f.get(k, 0) for k in keys],
                   width, label=label)
        ax.set_xticks([x + width * (len(figs) - 1) / 2 for x in range(len(keys))])
        ax.set_xticklabels([k.replace(": ", "\n") for k in keys], fontsize=8)
        ax.set_yscale("log")
        ax.set_ylabel("ticks")
        ax.set_title("rcubench: %s (log scale)" % title)
        ax.grid(True, axis="y", alpha=0.3)
        ax.legend()
    fig.tight_layout()
    fig.savefig(os.path.join(outdir, "bench-rcu.svg"), metadata={"Date": None})
    plt.close(fig)
    return ["bench-rcu.svg"]


# A sample of bench.py's output with a column no chart knows of: it must
# become one more line of the fork chart.
SAMPLE = """== forkbench (20 s; QEMU -icount shift=0,sleep=off)
  MiB   fork eager     fork cow  fork newway  f+e+w eager    f+e+w cow      spawn+w
    0          225          157          100         4950         4851         4702
  256    no memory        16194          101    no memory        34191         4702
cow fork cost per parent page: 0.24 ticks
== rcubench (3 s; QEMU -icount shift=0,sleep=off)
own creds: getuid 10892 ticks per 1000 calls, getpid 10782
storm, 1 writer: 8000 commits in 316800 ticks: 39 ticks each, 252525 per virtual second
  grace periods: 254, average 795 ticks (longest since boot 1484); throttled commits 123
idle: 20 single changes
  grace periods: 39, average 102 ticks; throttled commits 0; creds waiting at most 64
"""


def check_sample():
    secs = sections(SAMPLE)
    names, rows = table(secs["forkbench"])
    want_names = ["fork eager", "fork cow", "fork newway", "f+e+w eager", "f+e+w cow", "spawn+w"]
    expect(names == want_names, "columns %s" % names)
    expect(rows[1] == (256, {"fork eager": None, "fork cow": 16194.0, "fork newway": 101.0,
                             "f+e+w eager": None, "f+e+w cow": 34191.0, "spawn+w": 4702.0}),
           "rows %s" % rows)
    figs = rcu_figures(secs["rcubench"])
    expect(figs == {"call: getuid": 10.892, "call: getpid": 10.782, "commit: 1 writer": 39,
                    "grace period: storm of 1": 795, "grace period: idle": 102},
           "rcu figures %s" % figs)


CHECKS = [("plot-bench-parser", check_sample)]  # make test's check of the parser


def main():
    global plt
    ap = argparse.ArgumentParser(description="Draw make bench's charts.")
    ap.add_argument("bench_output", help="what tests/bench.py printed")
    ap.add_argument("outdir", help="where the SVG files go")
    args = ap.parse_args()
    argv = [args.bench_output, args.outdir]
    import matplotlib
    matplotlib.use("svg")
    # No date and fixed ids in the SVG: the same figures redraw the same file.
    matplotlib.rcParams["svg.hashsalt"] = "calf"
    import matplotlib.pyplot
    plt = matplotlib.pyplot
    with open(argv[0]) as f:
        secs = sections(f.read())
    outdir = argv[1]
    written = []
    if "forkbench" in secs:
        written += fork_charts(secs["forkbench"], outdir)
    if "dispatch-bench" in secs:
        written += dispatch_chart(secs["dispatch-bench"], outdir)
    rcu = [("%s hart%s" % (n, "" if n == "1" else "s"), secs[name])
           for name, n in (("rcubench", "1"), ("rcubench-cpus3", "3")) if name in secs]
    written += rcu_chart(rcu, outdir)
    wanted = {"bench-fork.svg", "bench-fork-exec.svg", "bench-dispatch.svg", "bench-rcu.svg"}
    for name in sorted(wanted - set(written)):
        print("plot_bench: %s not redrawn: its benchmark is not in %s" % (name, argv[0]))
    for name in written:
        print("plot_bench: wrote %s" % os.path.join(outdir, name))
    return 0


if __name__ == "__main__":
    sys.exit(main())
