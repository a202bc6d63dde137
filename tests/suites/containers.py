"""Containers (issue 26, docs/containers.md).

Data only: a Test is a machine shape and Steps (tests/harness.py runs
them); every test keeps the name it has always had."""

from tests.harness import Step, Test, COMPLAINT


SUITES = {}

# clonetree, chroot and the container tool. conttest's escape tests chroot
# a child and try every way out; its fill test fills the disk from inside
# a container, so it boots a small disk (the default holds 200,000
# blocks). fsck checks the image after each boot (run_boots).
SUITES["containers"] = [
    Test("conttest", cpus=2, timeout=400, fssize=8000, steps=[
        Step("conttest", (r"(?m)^ALL CONTAINER TESTS PASSED$",
                          r"(?m)^conttest cost: 16 files x 1 block: 1 blocks, 17 inodes, 16 shared, "
                          r"\d+ ticks; 16 files x 64 blocks: 17 blocks, 17 inodes, 1024 shared, \d+ ticks$",
                          r"(?m)^conttest fill: the container filled the disk: \d+ blocks free of \d+$",
                          r"(?m)^conttest: counts back "),
             absent=(r"FAILED", r"skipped")),
    ]),
    # What a clonetree costs, by files and their size, under -icount
    # (docs/containers.md's table): new blocks are one per directory and one
    # index block per file past the direct blocks, whatever its size.
    Test("clonetree-cost", cpus=1, icount=True, timeout=600, steps=[
        Step("conttest costs", (r"(?m)^ +8 +1 +8 \| +1 +9 +8 ",
                                r"(?m)^ +8 +256 +2048 \| +9 +9 +2048 ",
                                r"(?m)^ +32 +256 +8192 \| +33 +33 +8192 ",
                                r"(?m)^conttest costs: done$"), absent=(r"FAILED",)),
    ]),
    # The tools from the shell: an image of four programs and a file, a
    # snapshot of it, containers that see only the image, and the disk
    # as it was once the trees are gone (a fresh image shares no block).
    Test("container-tools", steps=[
        Step("mkdir img ; clone echo img/echo ; clone cat img/cat ; clone ls img/ls ; clone df img/df",
             absent=(COMPLAINT,)),
        Step("echo hello > img/motd"),
        Step("clonetree -v img snap",
             (r"(?m)^clonetree: 1 dirs, 5 files, 0 skipped: 6 inodes, \d+ blocks, \d+ newly shared, "
              r"\d+ ticks$",)),
        Step("cat snap/motd", (r"(?m)^hello$",)),
        Step("container img cat /motd", (r"(?m)^hello$",)),
        Step("container img cat /README ../../README", (r"(?m)^cat: cannot open /README$",
                                                        r"(?m)^cat: cannot open \.\./\.\./README$")),
        Step("container img ls /..", (r"(?m)^motd ", r"(?m)^echo "), absent=(r"README", r"snap")),
        Step("container -k c1 img echo inside", (r"(?m)^inside$",)),
        Step("ls c1", (r"(?m)^motd ",)),
        Step("container img rm /motd", (r"(?m)^container: cannot run rm$",)),
        Step("container img", (r"(?m)^usage: container ",)),
        Step("clonetree img", (r"(?m)^usage: clonetree ",)),
        Step("clonetree img snap", (r"(?m)^clonetree: cannot clone img to snap$",)),
        Step("runas 5 5 container img echo x", (r"(?m)^container: only root can make a container",)),
        Step("rmtree c1 snap img", absent=(COMPLAINT,)),
        Step("ls", absent=(r"(?m)^(img|snap|c1|ctr\.\d+) ",)),
        Step("df", (r"(?m)^blocks +\d+ +\d+ +\d+ +0$",)),
    ]),
]
