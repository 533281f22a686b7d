"""The stop scenario inside a real OCI runtime: runc, a rootfs holding only
muster and busybox-static (what a distroless image is)."""

from conftest import read_line
from runc_harness import Container


def test_runc_kill_term_reaches_workload_and_code_is_returned():
    c = Container(["/muster", "--", "/bin/sh", "-c",
                   "trap 'echo got-term; exit 42' TERM; echo ready; "
                   "while :; do sleep 0.1; done"])
    p = c.start()
    assert read_line(p.stdout, 20) == "ready\n"
    assert c.kill("TERM").returncode == 0
    code, out, err = c.wait(20)
    assert out == "got-term\n"
    assert code == 42


def test_runc_workload_ignoring_term_is_killed_after_grace():
    c = Container(["/muster", "-t", "500ms", "--", "/bin/sh", "-c",
                   "trap '' TERM; echo ready; while :; do sleep 0.1; done"])
    p = c.start()
    assert read_line(p.stdout, 20) == "ready\n"
    c.kill("TERM")
    code, out, err = c.wait(20)
    assert code == 137
    assert "sending SIGKILL" in err


def test_runc_orphans_reaped_and_exit_code():
    c = Container(["/muster", "--", "/bin/sh", "-c",
                   "for i in 1 2 3 4 5 6 7 8; do (sleep 0.01 &); done; sleep 0.5; "
                   "ps -o stat | grep -c Z; exit 3"])
    r = c.run(timeout=30)
    assert r.stdout == "0\n"
    assert r.returncode == 3
