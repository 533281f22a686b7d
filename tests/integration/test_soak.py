"""Soak and storms (issue 7): long, so only with `make soak` (MUSTER_SOAK=1),
never in `make check`.  PID 1 must not crash, leak or wedge."""
import os
import signal
import time

import pytest

from conftest import fixture, pid1_host_pid, read_line, run, spawn

pytestmark = pytest.mark.skipif(os.environ.get("MUSTER_SOAK") != "1",
                                reason="soak tests run with `make soak`")


def _status(pid, key):
    for line in open(f"/proc/{pid}/status"):
        if line.startswith(key + ":"):
            return int(line.split()[1])
    raise KeyError(key)


def test_100k_orphans_zero_zombies():
    r = run(["--", fixture("orphans"), "100000"], timeout=1800)
    assert r.returncode == 0
    assert r.stdout == "zombies 0\n"


def test_signal_storm_then_term_still_delivered():
    p = spawn(["--", fixture("sigcatch"), "15", "5"])
    host = pid1_host_pid(p)
    assert read_line(p.stdout) == "ready\n"
    for i in range(10000):
        os.kill(host, (signal.SIGUSR1, signal.SIGUSR2, signal.SIGHUP, signal.SIGWINCH)[i % 4])
    os.kill(host, signal.SIGTERM)
    out = p.communicate(timeout=60)[0]
    assert out.endswith("15\n")  # the final TERM arrived, after the storm
    assert p.returncode == 5
    assert set(out.split()) <= {"10", "12", "1", "28", "15"}


def test_fork_loop_for_a_minute_flat_rss_and_fds():
    p = spawn(["--", "sh", "-c", "echo go; while :; do /bin/true; done"])
    host = pid1_host_pid(p)
    assert read_line(p.stdout) == "go\n"
    time.sleep(5)
    rss0, fds0 = _status(host, "VmRSS"), len(os.listdir(f"/proc/{host}/fd"))
    time.sleep(55)
    rss1, fds1 = _status(host, "VmRSS"), len(os.listdir(f"/proc/{host}/fd"))
    os.kill(host, signal.SIGTERM)
    assert p.wait(30) == 128 + signal.SIGTERM
    assert fds1 == fds0
    assert rss1 <= rss0 + 8  # KiB: flat, not growing with every child
