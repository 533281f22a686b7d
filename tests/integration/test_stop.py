"""How PID 1 stops: one grace deadline for the workload and its leftovers,
--stop-delay, and the one line that explains each exit.  Every test runs
the real binary as PID 1 of a fresh PID namespace."""
import os
import signal
import time

from conftest import pid1_host_pid, read_line, spawn

# A leftover in its own session (it survives the workload's session being
# killed) that reports a TERM and ignores it.
LEFTOVER = ("(setsid sh -c \"trap 'echo leftover-term' TERM; echo leftover-ready; "
            "while :; do sleep 0.1; done\" &); ")


# ---- bug 3: the whole stop runs under one grace deadline ---------------------

def test_leftovers_get_term_when_the_stop_begins_and_share_the_grace():
    # -t 3s, a workload and a leftover that both ignore TERM: the leftover
    # gets TERM at once and SIGKILL with the workload, 3 s later (was: its
    # first TERM after the workload's grace, the stop took 6 s)
    p = spawn(["-t", "3s", "--", "sh", "-c",
               LEFTOVER + "trap '' TERM; echo ready; while :; do sleep 0.1; done"])
    host = pid1_host_pid(p)
    assert sorted([read_line(p.stdout), read_line(p.stdout)]) == \
        ["leftover-ready\n", "ready\n"]
    t0 = time.monotonic()
    os.kill(host, signal.SIGTERM)
    assert read_line(p.stdout, timeout=2) == "leftover-term\n"
    assert p.wait(timeout=5.5) == 128 + signal.SIGKILL
    assert time.monotonic() - t0 >= 2.9
    err = p.stderr.read()
    assert err.count("sending SIGKILL") == 1, err
