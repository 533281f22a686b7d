"""How PID 1 stops: one grace deadline for the workload and its leftovers,
--stop-delay, and the one line that explains each exit.  Every test runs
the real binary as PID 1 of a fresh PID namespace."""
import os
import re
import signal
import subprocess
import time

from conftest import MUSTER, clean_env, fixture, pid1_host_pid, read_line, spawn

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


# ---- --stop-delay -------------------------------------------------------------

def _sigcatch(args, exitsig=signal.SIGTERM, code=0):
    p = spawn(list(args) + ["--", fixture("sigcatch"), str(int(exitsig)), str(code)])
    host = pid1_host_pid(p)
    assert read_line(p.stdout) == "ready\n"
    return p, host


def _no_line(stream, within):
    try:
        line = read_line(stream, timeout=within)
    except AssertionError:
        return True
    raise AssertionError("unexpected line %r" % line)


def test_stop_delay_keeps_the_workload_running_then_forwards():
    p, host = _sigcatch(["--stop-delay", "2s", "-r", "TERM:QUIT"], exitsig=signal.SIGQUIT)
    t0 = time.monotonic()
    os.kill(host, signal.SIGTERM)
    assert _no_line(p.stdout, 1.0)
    os.kill(host, signal.SIGUSR1)  # other signals still go through at once
    assert read_line(p.stdout) == "%d\n" % signal.SIGUSR1
    assert read_line(p.stdout, timeout=5) == "%d\n" % signal.SIGQUIT
    assert time.monotonic() - t0 >= 1.9
    assert p.wait(10) == 0
    err = p.stderr.read().splitlines()
    assert err[0] == "muster: received SIGTERM: the workload keeps running for 2000ms " \
        "(--stop-delay)"
    assert re.fullmatch(r"muster: stop delay over: forwarded as SIGQUIT to the workload pid "
                        r"\d+, SIGKILL in 10000ms if it is still running", err[1]), err


def test_second_stop_signal_ends_the_stop_delay():
    p, host = _sigcatch(["--stop-delay", "60s"])
    os.kill(host, signal.SIGTERM)
    assert _no_line(p.stdout, 0.5)
    os.kill(host, signal.SIGINT)
    assert read_line(p.stdout, timeout=5) == "15\n"  # the first signal, as it was due
    assert p.wait(10) == 0
    err = p.stderr.read().splitlines()
    assert re.fullmatch(r"muster: received SIGINT: stop delay cut short: forwarded to the "
                        r"workload pid \d+, SIGKILL in 10000ms if it is still running",
                        err[1]), err


def test_grace_starts_after_the_stop_delay():
    # delay 1s, then TERM, then grace 1s, then SIGKILL: never before 2 s
    p = spawn(["--stop-delay", "1s", "-t", "1s", "--", "sh", "-c",
               "trap '' TERM; echo ready; while :; do sleep 0.1; done"])
    host = pid1_host_pid(p)
    assert read_line(p.stdout) == "ready\n"
    t0 = time.monotonic()
    os.kill(host, signal.SIGTERM)
    assert p.wait(10) == 128 + signal.SIGKILL
    assert time.monotonic() - t0 >= 1.9


def test_stop_delay_from_env_and_file(tmp_path):
    ini = tmp_path / "m.ini"
    ini.write_text("[init]\nstop_delay = 3s\n")
    r = subprocess.run([MUSTER, "config", "-c", str(ini)], env=clean_env(),
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert f"stop_delay = 3s ; {ini}:2\n" in r.stdout
    r = subprocess.run([MUSTER, "config", "-c", str(ini)], capture_output=True, text=True,
                       env=clean_env(MUSTER_STOP_DELAY="250ms"))
    assert "stop_delay = 250ms ; env MUSTER_STOP_DELAY\n" in r.stdout
    r = subprocess.run([MUSTER, "--stop-delay", "soon", "--", "true"], env=clean_env(),
                       capture_output=True, text=True)
    assert r.returncode == 64
    assert r.stderr == "muster: error: --stop-delay: expected a duration like 250ms, 10s, " \
        "2m, 1h, got 'soon'\n"
