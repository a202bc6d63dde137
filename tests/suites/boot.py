"""Boot, panic and shell: the machine comes up in every shape make test
uses, a panic is reported, and the shell's redirections and pipes work.

Data only: a Test is a machine shape and Steps (tests/harness.py runs
them); every test keeps the name it has always had."""

from tests.harness import Step, Test, COMPLAINT, NONZERO


def boot_only(name, cpus=3, mem="128M"):
    return Test(name, cpus=cpus, mem=mem, steps=[Step("echo ok", (r"(?m)^ok$",))])


SUITES = {
    "boot": [
        Test("boot", exit_code=0, steps=[
            Step("echo hi | wc", (r"\b1 1 3\b",)),
            Step("ls", (r"(?m)^cat\s", r"(?m)^sh\s", r"(?m)^usertests\s")),
            Step("poweroff", prompt=False),
        ]),
        boot_only("boot-cpus1", cpus=1),
        boot_only("boot-cpus4", cpus=4),
        boot_only("boot-512M", mem="512M"),
    ],
    "panic": [
        Test("panic", bootargs="boottest=panic", shell=False, panic_ok=True,
             exit_code=NONZERO, timeout=20, steps=[
                 Step(None, (r"(?m)^panic: ", r"backtrace"), prompt=False),
             ]),
    ],
    "shell": [
        Test("shell-redirect", steps=[
            Step("echo abc > f"),
            Step("cat f", (r"(?m)^abc$",)),
            Step("wc < f", (r"\b1 1 4\b",)),
            Step("cat < f > g"),
            Step("cat g", (r"(?m)^abc$",)),
        ]),
        Test("shell-pipe", steps=[
            Step("echo one two three | wc", (r"\b1 3 14\b",)),
            Step("echo x | cat | cat | wc", (r"\b1 1 2\b",)),
        ]),
        Test("shell-list", steps=[
            Step("echo x ; echo y", (r"(?m)^x\ny$",)),
            Step("( echo a ; echo b ) | wc", (r"\b2 2 4\b",)),
            Step("echo bg > bgf &"),  # to a file: the console interleaves bytes of two processes
            Step("echo fg", (r"(?m)^fg$",)),
            Step("cat bgf", (r"(?m)^bg$",)),
        ]),
        Test("shell-dirs", steps=[
            Step("mkdir d"),
            Step("cd d"),
            Step("/echo q > g"),  # programs live in /, and exec has no PATH
            Step("/cat g", (r"(?m)^q$",)),
            Step("cd .."),
            Step("cat d/g", (r"(?m)^q$",)),
            Step("ln d/g h"),
            Step("cat h", (r"(?m)^q$",)),
            Step("ls d", (r"(?m)^g\s",)),
            Step("ls -l d", (r"(?m)^g\s+2 \d+ 2 -",)),  # -l: the long form ls always prints
            Step("ls -a", (r"(?m)^ls: unknown option -a$", r"(?m)^usage: ls \[-l\]")),
            Step("rm h"),
            Step("ls", (r"(?m)^d\s",), absent=(r"(?m)^h\s",)),
            Step("cat h", (COMPLAINT,), absent=(r"(?m)^q$",)),
            Step("cd nosuchdir", (COMPLAINT,)),
        ]),
        Test("shell-grep", steps=[
            Step("echo needle > t"),
            Step("grep nee t", (r"(?m)^needle$",)),
            Step("grep hay t", absent=(r"needle",)),
            Step("echo haystack | grep st", (r"(?m)^haystack$",)),
            Step("grep ^ne.*e$ t", (r"(?m)^needle$",)),
        ]),
        Test("shell-errors", steps=[
            Step("kill 9999", (COMPLAINT,)),
            Step("nosuchcommand", (COMPLAINT,)),
            Step("echo still alive", (r"(?m)^still alive$",)),
        ]),
    ],
}
