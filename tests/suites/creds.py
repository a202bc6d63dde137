"""Credentials and permissions (docs/creds.md).

Data only: a Test is a machine shape and Steps (tests/harness.py runs
them); every test keeps the name it has always had."""

from tests.harness import Step, Test, COMPLAINT


SUITES = {
    "creds": [
        # On 1, 4 and 8 harts (the RCU stress below).
        Test("credtest", cpus=1, timeout=300, steps=[
            Step("credtest", (r"(?m)^ALL CRED TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
        Test("credtest-cpus4", cpus=4, timeout=300, steps=[
            Step("credtest", (r"(?m)^ALL CRED TESTS PASSED$",), absent=(r"FAILED",)),
        ]),
        # The RCU stress alone on 8 harts (issue 15): readers on every hart
        # while writers replace their creds; a freed cred is poisoned, and a
        # reader that met one would panic (kernel/proc/cred.c, cred_check).
        # The test checks that the live cred count comes back.
        Test("credtest-rcu-cpus8", cpus=8, timeout=300, steps=[
            Step("credtest rcu", (r"(?m)^credtest rcu: OK$", r"(?m)^ALL CRED TESTS PASSED$"),
                 absent=(r"FAILED",)),
        ]),
        Test("cred-tools", steps=[
            Step("id", (r"(?m)^uid=0 gid=0$",)),
            Step("runas 5 7 id", (r"(?m)^uid=5 gid=7$",)),
            Step("runas 5 7 suidtest", (r"(?m)^suidtest: uid=5 euid=0 gid=7 egid=7$",)),
            Step("ls suidtest", (r"(?m)^suidtest\s+2 \d+ \d+ -rwsr-xr-x 0 0$",)),
            Step("echo secret > s ; chmod 600 s"),
            Step("runas 5 7 cat s", (COMPLAINT,), absent=(r"secret",)),
            Step("chown 5:7 s ; runas 5 7 cat s", (r"(?m)^secret$",)),
            Step("runas 5 7 kill 1", (COMPLAINT,)),
            Step("runas 5 7 runas 0 0 id", (r"only root",), absent=(r"uid=0",)),
            Step("ps", (r"(?m)^1\s+sleep\s+init\s+\d+\s+\d+\s+\d+\s+\d+\s+0$",)),
            Step("rcustat", (r"(?m)^grace periods: \d+", r"(?m)^creds: live \d+")),
            # Only root may stop the machine; the console is everyone's.
            Step("runas 5 7 poweroff", (r"(?m)^poweroff: permission denied",)),
            Step("ls console", (r"(?m)^console\s+3 \d+ 0 crw-rw-rw- 0 0$",)),
        ]),
    ],
}
