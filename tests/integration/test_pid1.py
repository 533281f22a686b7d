"""muster as PID 1 of a fresh PID namespace: exit codes, signals, reaping,
stopping.  Every test runs the real static binary."""
import os
import signal
import subprocess
import time

import pytest

from conftest import (MUSTER, clean_env, fixture, pid1_host_pid,
                      read_line, run, spawn, start_sigcatch)

FORWARDABLE = [s for s in range(1, 65)
               if s not in (signal.SIGKILL, signal.SIGSTOP, signal.SIGCHLD, 32, 33)]


@pytest.mark.parametrize("code", [0, 1, 2, 42, 126, 127, 128, 200, 255])
def test_exit_code_passes_through(code):
    r = run(["--", "sh", "-c", f"exit {code}"])
    assert r.returncode == code
    assert r.stderr == ""


def test_every_exit_code_0_to_255():
    # one namespace per code would be slow: run muster (not PID 1) in a loop
    script = 'for i in $(seq 0 255); do "$M" -- sh -c "exit $i"; echo $?; done'
    r = subprocess.run(["sh", "-c", script], env=clean_env(M=MUSTER),
                       capture_output=True, text=True, timeout=120)
    assert r.stdout.split() == [str(i) for i in range(256)]


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL, signal.SIGSEGV,
                                 signal.SIGUSR1])
def test_killed_by_signal_is_128_plus_n(sig):
    r = run(["--", "sh", "-c", f"kill -{int(sig)} $$"])
    assert r.returncode == 128 + sig


def test_command_not_found_127():
    r = run(["--", "no-such-command-xyz"])
    assert r.returncode == 127
    assert r.stderr == "muster: error: no-such-command-xyz: command not found\n"


def test_not_executable_126(tmp_path):
    f = tmp_path / "script"
    f.write_text("#!/bin/sh\nexit 0\n")
    f.chmod(0o644)
    r = run(["--", str(f)])
    assert r.returncode == 126
    assert r.stderr == f"muster: error: cannot run {f}: Permission denied\n"


def test_no_command_is_usage_error():
    r = run([])
    assert r.returncode == 64
    assert "no command given" in r.stderr


@pytest.mark.parametrize("args,culprit", [
    (["--grace", "ten"], "--grace"),
    (["-t", "5x"], "--grace"),
    (["-r", "TERM"], "--rewrite"),
    (["-r", "KILL:TERM"], "--rewrite"),
    (["-e", "256"], "--remap-exit"),
    (["-p", "SIGNOPE"], "--pdeathsig"),
    (["--log-level", "loud"], "--log-level"),
    (["--bogus"], "--bogus"),
])
def test_bad_options_exit_64(args, culprit):
    r = run(args + ["--", "true"], pid1=False)
    assert r.returncode == 64
    assert culprit in r.stderr
    assert r.stderr.count("\n") == 1


@pytest.mark.parametrize("var,val", [("MUSTER_GRACE", "soon"),
                                     ("MUSTER_KILL_GROUP", "maybe"),
                                     ("MUSTER_REWRITE", "TERM-QUIT"),
                                     ("MUSTER_LOG_FORMAT", "xml")])
def test_bad_env_twins_exit_64(var, val):
    r = run(["--", "true"], pid1=False, env=clean_env(**{var: val}))
    assert r.returncode == 64
    assert r.stderr.startswith(f"muster: error: {var}: ")


def test_version_and_help():
    r = run(["--version"], pid1=False)
    assert r.returncode == 0 and r.stdout.startswith("muster ")
    r = run(["--help"], pid1=False)
    assert r.returncode == 0 and "--grace" in r.stdout and "MUSTER_" in r.stdout


def test_every_forwardable_signal_reaches_workload():
    p, host = start_sigcatch()
    got = []
    for s in FORWARDABLE:
        if s == signal.SIGTERM:
            continue
        os.kill(host, s)
        got.append(int(read_line(p.stdout)))
    os.kill(host, signal.SIGTERM)
    assert read_line(p.stdout) == "15\n"
    assert p.wait(10) == 0
    assert got == [s for s in FORWARDABLE if s != signal.SIGTERM]


@pytest.mark.parametrize("sig", [32, 33])
def test_glibc_internal_signals_are_forwarded_not_fatal(sig):
    # glibc's sigfillset leaves 32/33 out; muster blocks them anyway, so
    # it survives them and forwards them: sleep dies of it, muster reports it
    p = spawn(["--", "sh", "-c", "echo ready; exec sleep 30"])
    host = pid1_host_pid(p)
    assert read_line(p.stdout) == "ready\n"
    os.kill(host, sig)
    assert p.wait(10) == 128 + sig


def test_exit_code_after_forwarded_term():
    p, host = start_sigcatch(code=7)
    os.kill(host, signal.SIGTERM)
    assert p.wait(10) == 7


def test_rewrite_term_to_quit():
    p, host = start_sigcatch(["-r", "TERM:QUIT"], exitsig=signal.SIGQUIT, code=3)
    os.kill(host, signal.SIGTERM)
    assert read_line(p.stdout) == "%d\n" % signal.SIGQUIT
    assert p.wait(10) == 3


def test_rewrite_to_zero_drops_the_signal():
    p, host = start_sigcatch(["-r", "USR1:0"])
    os.kill(host, signal.SIGUSR1)
    os.kill(host, signal.SIGUSR2)
    assert read_line(p.stdout) == "%d\n" % signal.SIGUSR2
    os.kill(host, signal.SIGTERM)
    assert read_line(p.stdout) == "15\n"
    assert p.wait(10) == 0


def test_rewrite_from_env_twin():
    env = clean_env(MUSTER_REWRITE="USR1:USR2 HUP:TERM")
    p = spawn(["--", fixture("sigcatch")], env=env)
    host = pid1_host_pid(p)
    assert read_line(p.stdout) == "ready\n"
    os.kill(host, signal.SIGUSR1)
    assert read_line(p.stdout) == "%d\n" % signal.SIGUSR2
    os.kill(host, signal.SIGHUP)
    assert read_line(p.stdout) == "15\n"
    assert p.wait(10) == 0


def test_remap_exit_code():
    p, host = start_sigcatch(["-e", "143"])
    os.kill(host, signal.SIGTERM)  # sigcatch exits 0 here; now the JVM case:
    assert p.wait(10) == 0
    r = run(["-e", "143", "--", "sh", "-c", "kill -TERM $$"])
    assert r.returncode == 0
    r = run(["-e", "143", "--", "sh", "-c", "exit 142"])
    assert r.returncode == 142


def test_grace_then_sigkill_for_workload_ignoring_term():
    p = spawn(["-t", "700ms", "--", "sh", "-c", "trap '' TERM; echo ready; sleep 30 & wait"])
    host = pid1_host_pid(p)
    assert read_line(p.stdout) == "ready\n"
    t0 = time.monotonic()
    os.kill(host, signal.SIGTERM)
    assert p.wait(10) == 128 + signal.SIGKILL
    elapsed = time.monotonic() - t0
    assert 0.6 < elapsed < 5
    err = p.stderr.read()
    assert "received SIGTERM" in err
    assert "still running after the grace period: sending SIGKILL" in err


def test_leftovers_are_stopped_and_reaped():
    # daemonized grandchildren outlive the workload: TERM, then the code
    r = run(["-t", "5s", "--", "sh", "-c", "sleep 300 & sleep 300 & exit 5"], timeout=20)
    assert r.returncode == 5
    assert "stopping processes left behind" in r.stderr


def test_leftover_ignoring_term_is_killed_after_grace():
    t0 = time.monotonic()
    r = run(["-t", "500ms", "--", "sh", "-c",
             "(trap '' TERM; sleep 300) & sleep 0.2; exit 4"], timeout=20)
    assert r.returncode == 4
    assert 0.5 < time.monotonic() - t0 < 8
    assert "sending SIGKILL" in r.stderr


def test_hundreds_of_orphans_reaped_zero_zombies():
    r = run(["--", fixture("orphans"), "500"], timeout=60)
    assert r.returncode == 0
    assert r.stdout == "zombies 0\n"


def test_subreaper_when_not_pid1():
    # not PID 1 (no unshare): muster becomes a subreaper on its own
    r = run(["--", fixture("orphans"), "200"], pid1=False, timeout=60)
    assert r.stdout == "zombies 0\n"
    assert r.returncode == 0


def test_subreaper_stops_leftovers_when_not_pid1():
    r = run(["-t", "2s", "--", "sh", "-c", "sleep 300 & exit 6"], pid1=False, timeout=20)
    assert r.returncode == 6


GROUP_SCRIPT = ("trap 'echo shell-usr1' USR1; {sc} 15 0 & echo started; "
                "while kill -0 $! 2>/dev/null; do sleep 0.05; done")


def _group_run(args):
    p = spawn(args + ["--", "sh", "-c", GROUP_SCRIPT.format(sc=fixture("sigcatch"))])
    host = pid1_host_pid(p)
    assert sorted([read_line(p.stdout), read_line(p.stdout)]) == ["ready\n", "started\n"]
    os.kill(host, signal.SIGUSR1)
    return p, host


def test_process_group_forwarding():
    # -g: the whole process group gets USR1: the shell and its child
    p, host = _group_run(["-g"])
    got = sorted([read_line(p.stdout), read_line(p.stdout)])
    assert got == ["%d\n" % signal.SIGUSR1, "shell-usr1\n"]
    os.kill(host, signal.SIGTERM)
    assert read_line(p.stdout) == "15\n"
    assert p.wait(10) == 143  # the shell got TERM too, and has no trap for it


def test_no_group_forwarding_without_g():
    # without -g only the shell gets USR1; the child gets TERM only as a
    # leftover once the shell is gone
    p, host = _group_run([])
    assert read_line(p.stdout) == "shell-usr1\n"
    os.kill(host, signal.SIGTERM)  # kills the shell (no TERM trap)
    assert p.stdout.read() == "15\n"  # sigcatch, stopped as a leftover
    assert p.wait(10) == 143


def test_pdeathsig_is_handled_as_stop():
    # muster (not PID 1) under a parent that dies: gets TERM, forwards it
    script = f'"$M" -p TERM -- {fixture("sigcatch")} 15 21 & echo $!; sleep 0.5; exit 0'
    parent = subprocess.Popen(["sh", "-c", script], env=clean_env(M=MUSTER),
                              stdout=subprocess.PIPE, text=True)
    pid = int(parent.stdout.readline())
    parent.wait(5)
    for _ in range(500):
        if not os.path.exists(f"/proc/{pid}") or open(f"/proc/{pid}/stat").read().split()[2] == "Z":
            break
        time.sleep(0.01)
    else:
        raise AssertionError("muster did not stop after its parent died")
    out = parent.stdout.read()
    assert "ready\n15\n" in out


def test_json_log_format():
    r = run(["--log-format", "json", "--", "no-such-command-xyz"])
    assert r.returncode == 127
    import json
    line = json.loads(r.stderr.strip())
    assert line["level"] == "error"
    assert line["msg"] == "no-such-command-xyz: command not found"


def test_quiet_hides_info():
    r = run(["-q", "--", "sh", "-c", "kill -TERM $$"])
    assert r.returncode == 143 and r.stderr == ""
    r = run(["--", "sh", "-c", "kill -TERM $$"])
    assert r.stderr == "muster: workload killed by SIGTERM (exit code 143)\n"


def test_workload_signal_mask_and_handlers_restored():
    r = run(["--", "sh", "-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status"])
    assert r.stdout == "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n"


def test_idle_pid1_uses_no_cpu():
    # No polling: once the workload runs, an idle muster sleeps in one
    # blocking read and never wakes up.  Counted exactly in context
    # switches (any timer or poll loop adds some), not in CPU time.
    p = spawn(["--", "sh", "-c", "echo up; exec sleep 4"])
    host = pid1_host_pid(p)
    assert read_line(p.stdout, timeout=10) == "up\n"
    time.sleep(0.3)

    def switches():
        with open(f"/proc/{host}/status") as f:
            return [line for line in f if "ctxt_switches" in line]

    before = switches()
    time.sleep(2.0)
    after = switches()
    assert p.wait(10) == 0
    assert len(before) == 2 and after == before


def test_pid1_leaves_its_start_directory(tmp_path):
    # the workload starts where muster was started; PID 1 itself then moves
    # to / so that it does not pin that directory's mount (as dumb-init)
    p = spawn(["--", "sh", "-c", "pwd; exec sleep 30"], cwd=tmp_path)
    host = pid1_host_pid(p)
    assert read_line(p.stdout) == f"{tmp_path}\n"
    for _ in range(500):
        if os.readlink(f"/proc/{host}/cwd") == "/":
            break
        time.sleep(0.01)
    try:
        assert os.readlink(f"/proc/{host}/cwd") == "/"
    finally:
        os.kill(host, signal.SIGTERM)
        assert p.wait(10) == 128 + signal.SIGTERM
