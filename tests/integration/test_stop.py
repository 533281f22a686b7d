"""How PID 1 stops: one grace deadline for the workload and its leftovers,
--stop-delay, and the one line that explains each exit.  Every test runs
the real binary as PID 1 of a fresh PID namespace."""
import json
import os
import re
import signal
import subprocess
import time

import pytest

from conftest import MUSTER, clean_env, pid1_host_pid, read_line, spawn, start_sigcatch

# A leftover in its own session (it survives the workload's session being
# killed) that reports a TERM and ignores it.
LEFTOVER = ("(setsid sh -c \"trap 'echo leftover-term' TERM; echo leftover-ready; "
            "while :; do sleep 0.1; done\" &); ")


# A workload that ignores TERM (and QUIT): only SIGKILL ends it.
STUBBORN = ["sh", "-c", "trap '' TERM QUIT; echo ready; while :; do sleep 0.1; done"]


def start_stubborn(args):
    """muster ARGS -- STUBBORN, once it is ready: (proc, muster's host pid)."""
    p = spawn(list(args) + ["--"] + STUBBORN)
    host = pid1_host_pid(p)
    assert read_line(p.stdout) == "ready\n"
    return p, host


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

def _no_line(stream, within):
    try:
        line = read_line(stream, timeout=within)
    except AssertionError:
        return True
    raise AssertionError("unexpected line %r" % line)


def test_stop_delay_keeps_the_workload_running_then_forwards():
    p, host = start_sigcatch(["--stop-delay", "2s", "-r", "TERM:QUIT"], exitsig=signal.SIGQUIT)
    t0 = time.monotonic()
    os.kill(host, signal.SIGTERM)
    assert _no_line(p.stdout, 1.0)
    os.kill(host, signal.SIGUSR1)  # other signals still go through at once
    assert read_line(p.stdout) == "%d\n" % signal.SIGUSR1
    assert read_line(p.stdout, timeout=5) == "%d\n" % signal.SIGQUIT
    assert time.monotonic() - t0 >= 1.9
    assert p.wait(10) == 0
    err = p.stderr.read().splitlines()
    assert err[0] == "muster: received SIGTERM from outside muster's PID namespace: " \
        "the workload keeps running for 2000ms (--stop-delay)"
    assert re.fullmatch(r"muster: stop delay over: forwarded as SIGQUIT to the workload pid "
                        r"\d+, SIGKILL in 10000ms if it is still running", err[1]), err


def test_second_stop_signal_ends_the_stop_delay():
    p, host = start_sigcatch(["--stop-delay", "60s"])
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
    p, host = start_stubborn(["--stop-delay", "1s", "-t", "1s"])
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


# ---- every exit explained in one line -----------------------------------------

OUTSIDE = "from outside muster's PID namespace"


def test_exit_after_a_stop_names_the_sender_outside():
    p, host = start_sigcatch()
    os.kill(host, signal.SIGTERM)
    assert p.wait(10) == 0
    err = p.stderr.read().splitlines()
    assert re.fullmatch(r"muster: received SIGTERM " + OUTSIDE + r": forwarded to the workload "
                        r"pid \d+, SIGKILL in 10000ms if it is still running", err[0]), err
    assert err[1:] == ["muster: workload exited with code 0 after SIGTERM " + OUTSIDE]


def test_exit_after_a_stop_names_the_sender_inside():
    # a process of the container stops it (here the workload itself, which
    # lives on until muster forwards the signal): its pid and command name
    p = spawn(["--", "sh", "-c", "echo ready; kill -TERM 1; sleep 30"])
    assert read_line(p.stdout) == "ready\n"
    assert p.wait(10) == 128 + signal.SIGTERM
    # (its sleep outlives it: a leftover)
    err = [x for x in p.stderr.read().splitlines() if "left behind" not in x]
    assert err == ["muster: received SIGTERM from pid 2 (sh): forwarded to the workload "
                   "pid 2, SIGKILL in 10000ms if it is still running",
                   "muster: workload killed by SIGTERM after SIGTERM from pid 2 (sh)"]


def test_sigkill_from_the_grace_is_said_so():
    p, host = start_stubborn(["-t", "300ms", "-r", "TERM:QUIT"])
    os.kill(host, signal.SIGTERM)
    assert p.wait(10) == 128 + signal.SIGKILL
    err = p.stderr.read().splitlines()
    assert err[1:] == ["muster: warning: workload still running after the grace period: "
                       "sending SIGKILL",
                       "muster: workload killed by SIGKILL: muster's grace ran out after "
                       "SIGTERM " + OUTSIDE], err


def test_sigkill_from_elsewhere_is_said_so():
    p = spawn(["--", "sh", "-c", "kill -KILL $$"])
    assert p.wait(10) == 128 + signal.SIGKILL
    assert p.stderr.read() == "muster: workload killed by SIGKILL: not sent by muster\n"


def test_exit_explained_in_json_fields():
    p, host = start_stubborn(["--log-format", "json", "-t", "300ms"])
    os.kill(host, signal.SIGTERM)
    assert p.wait(10) == 128 + signal.SIGKILL
    lines = [json.loads(x) for x in p.stderr.read().splitlines()]
    got = lines[0]
    assert (got["msg"].startswith("received SIGTERM " + OUTSIDE), got["signal"],
            got["sender_pid"], got["sender"]) == (True, "TERM", 0, "")
    last = [x for x in lines if "exit_code" in x][-1]
    assert {k: last[k] for k in ("exit_code", "signal", "cause", "stop_signal", "sender_pid",
                                 "memory_limit")} == \
        {"exit_code": 137, "signal": "KILL", "cause": "grace", "stop_signal": "TERM",
         "sender_pid": 0, "memory_limit": -1}
    assert last["msg"] == "workload killed by SIGKILL: muster's grace ran out after SIGTERM " \
        + OUTSIDE


# ---- OOM kills, with a real memory cgroup --------------------------------------

LIMIT = 64 << 20
HOG = ["python3", "-c", "x = b'\\1' * (256 << 20)"]  # touches every page


def _v1_cgroup():
    root = "/sys/fs/cgroup/memory"
    if not os.path.isfile(os.path.join(root, "memory.oom_control")):
        pytest.skip("no cgroup v1 memory controller at %s" % root)
    return root, {"memory.limit_in_bytes": LIMIT, "memory.memsw.limit_in_bytes": LIMIT}


def _v2_cgroup():
    root = "/sys/fs/cgroup"
    try:
        with open(os.path.join(root, "cgroup.subtree_control")) as f:
            ok = "memory" in f.read().split()
    except OSError:
        ok = False
    if not ok:
        pytest.skip("no cgroup v2 memory controller for children of %s (a hybrid "
                    "hierarchy keeps memory on cgroup v1)" % root)
    return root, {"memory.max": LIMIT, "memory.swap.max": 0}


def _oom_run(root, limits):
    cg = os.path.join(root, "muster-test-%d-%d" % (os.getpid(), time.monotonic_ns()))
    try:
        os.mkdir(cg)
    except OSError as e:
        pytest.skip("cannot create a memory cgroup under %s: %s" % (root, e))
    try:
        for name, value in limits.items():
            try:
                with open(os.path.join(cg, name), "w") as f:
                    f.write(str(value))
            except OSError:
                if name in ("memory.limit_in_bytes", "memory.max"):
                    raise  # the swap limits may be missing (no swap accounting)

        def enter():
            with open(os.path.join(cg, "cgroup.procs"), "w") as f:
                f.write(str(os.getpid()))

        p = spawn(["--"] + HOG, preexec_fn=enter)
        code = p.wait(60)
        return code, p.stderr.read()
    finally:
        for _ in range(100):
            try:
                os.rmdir(cg)
                break
            except OSError:
                time.sleep(0.05)


@pytest.mark.parametrize("version", ["v1", "v2"])
def test_oom_kill_is_explained_with_the_limit(version):
    root, limits = _v1_cgroup() if version == "v1" else _v2_cgroup()
    code, err = _oom_run(root, limits)
    assert code == 128 + signal.SIGKILL, err
    assert err == "muster: workload killed by SIGKILL: out of memory (limit 64 MiB)\n"
