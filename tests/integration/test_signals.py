"""Which signals PID 1 forwards, and how: the ones muster caused itself,
fault signals sent with kill, inherited dispositions, job control with -g,
rewrites.  Every test runs the real binary as PID 1 (unshare) unless it
says otherwise."""
import os
import resource
import signal
import subprocess
import time

from conftest import (EMULATED, MUSTER, SANITIZED, clean_env, fixture, pid1_cmd,
                      pid1_host_pid, read_line, spawn, start_sigcatch, stop_sigcatch)


def _run_with_stderr(args, stderr, pid1=True, preexec_fn=None, timeout=30):
    cmd = pid1_cmd(args) if pid1 else [MUSTER] + list(args)
    return subprocess.run(cmd, env=clean_env(), stdout=subprocess.PIPE, stderr=stderr,
                          stdin=subprocess.DEVNULL, timeout=timeout, preexec_fn=preexec_fn)


# ---- bug 1: signals muster caused itself are never forwarded ----------------

def test_sigpipe_from_musters_own_log_line_is_not_forwarded():
    # stderr is a pipe whose reader is gone: each log line raises SIGPIPE in
    # muster; the hook and the workload must not get it (was: exit 141)
    r, w = os.pipe()
    os.close(r)
    try:
        res = _run_with_stderr(["--pre", "true", "--", "sleep", "1"], stderr=w)
    finally:
        os.close(w)
    assert res.returncode == 0


def test_sigxfsz_from_musters_own_log_line_is_not_forwarded(tmp_path):
    # stderr is a file and RLIMIT_FSIZE is 0: each log line raises SIGXFSZ
    # in muster (was: the workload died of it, exit 153)
    def no_file_size():
        resource.setrlimit(resource.RLIMIT_FSIZE, (0, resource.RLIM_INFINITY))

    with open(tmp_path / "err", "w") as f:
        res = _run_with_stderr(["--pre", "true", "--", "sleep", "1"], stderr=f,
                               preexec_fn=no_file_size)
    assert res.returncode == 0
    assert (tmp_path / "err").read_text() == ""


def test_sigpipe_sent_with_kill_is_still_forwarded():
    p, host = start_sigcatch()
    os.kill(host, signal.SIGPIPE)
    assert read_line(p.stdout) == "%d\n" % signal.SIGPIPE
    stop_sigcatch(p, host)


# ---- bug 2: a fault signal sent with kill while no child runs ---------------

def _start_waiting(tmp_path, pid1, extra=()):
    """muster -v waiting for a file, then sigcatch; returns (proc, pid to
    signal) once muster is in its wait loop (a debug line says so)."""
    args = ["-v", "-w", f"file://{tmp_path}/go", "--wait-timeout", "20s"] + list(extra) + \
        ["--", fixture("sigcatch")]
    p = spawn(args, pid1=pid1)
    pid = pid1_host_pid(p) if pid1 else p.pid
    line = read_line(p.stderr)
    if EMULATED:  # qemu-user lacks seccomp(2): the prober says so first
        assert line == "muster: no seccomp(2) here: the probes run without their filter\n"
        line = read_line(p.stderr)
    assert line.startswith("muster: not ready: file://"), line
    return p, pid


def test_fault_signal_sent_during_waits_does_not_kill_muster(tmp_path):
    # not PID 1, nothing to forward to yet: dropped (was: exit 139)
    p, pid = _start_waiting(tmp_path, pid1=False)
    os.kill(pid, signal.SIGSEGV)
    time.sleep(0.3)
    assert p.poll() is None
    (tmp_path / "go").write_text("")
    assert read_line(p.stdout) == "ready\n"
    stop_sigcatch(p, pid)


def test_fault_signal_sent_during_waits_is_forwarded_later_as_pid1(tmp_path):
    # PID 1 survived it, but lost its handler and never forwarded SEGV again
    p, pid = _start_waiting(tmp_path, pid1=True)
    os.kill(pid, signal.SIGSEGV)
    time.sleep(0.2)
    (tmp_path / "go").write_text("")
    assert read_line(p.stdout) == "ready\n"
    os.kill(pid, signal.SIGSEGV)
    assert read_line(p.stdout) == "%d\n" % signal.SIGSEGV
    stop_sigcatch(p, pid)


# ---- bug 8: -r applies to fault signals sent with kill ----------------------

def test_rewrite_applies_to_fault_signals():
    p, host = start_sigcatch(["-r", "SYS:HUP", "-r", "SEGV:0"])
    os.kill(host, signal.SIGSYS)
    assert read_line(p.stdout) == "%d\n" % signal.SIGHUP
    os.kill(host, signal.SIGSEGV)  # dropped
    os.kill(host, signal.SIGUSR1)
    assert read_line(p.stdout) == "%d\n" % signal.SIGUSR1
    stop_sigcatch(p, host)


# ---- bug 4: the waits keep their state across signals ------------------------

def test_signals_during_waits_do_not_restart_them(tmp_path):
    # a ready target stays ready: one "ready" line, not one per signal (each
    # signal used to restart every wait from scratch)
    (tmp_path / "a").write_text("")
    p = spawn(["-w", f"file://{tmp_path}/a", "-w", f"file://{tmp_path}/b",
               "--wait-timeout", "20s", "--", "echo", "started"])
    host = pid1_host_pid(p)
    assert read_line(p.stderr).startswith(f"muster: ready: file://{tmp_path}/a after ")
    for sig in (signal.SIGHUP, signal.SIGUSR1, signal.SIGHUP, signal.SIGCHLD):
        os.kill(host, sig)
        time.sleep(0.1)
    (tmp_path / "b").write_text("")
    assert p.wait(10) == 0
    assert p.stdout.read() == "started\n"
    err = p.stderr.read()
    assert err.count("ready: file://") == 1, err
    assert err.startswith(f"muster: ready: file://{tmp_path}/b after "), err


# ---- bug 5: inherited dispositions and mask reach the workload ---------------

def test_inherited_ignored_signals_are_kept_for_the_workload():
    # nohup-style SIG_IGN for HUP, USR1 and (a fault signal muster handles
    # itself) BUS: the workload gets them as muster was given them (not SEGV:
    # this kernel resets an ignored SEGV at exec whoever execs).  The
    # sanitizer build's runtime takes BUS over before muster starts.
    sigs = (signal.SIGHUP, signal.SIGUSR1) + (() if SANITIZED else (signal.SIGBUS,))

    def ignore_some():
        for s in sigs:
            signal.signal(s, signal.SIG_IGN)

    r = subprocess.run(pid1_cmd(["--", "sh", "-c", "grep -E '^Sig(Blk|Ign)' /proc/self/status"]),
                       env=clean_env(), capture_output=True, text=True, timeout=30,
                       preexec_fn=ignore_some)
    assert r.returncode == 0, r.stderr
    want = "%016x" % sum(1 << (s - 1) for s in sigs)
    assert r.stdout == "SigBlk:\t0000000000000000\nSigIgn:\t%s\n" % want


def test_inherited_ignored_sigchld_neither_hides_the_exit_nor_is_lost():
    # SIGCHLD ignored by whoever started muster: the kernel would reap the
    # workload behind muster's back (muster hung, its exit code lost); muster
    # takes SIGCHLD back for itself and hands the SIG_IGN on to the workload.
    # Not as PID 1: unshare --fork resets SIGCHLD for the muster it starts;
    # grep, not sh, reports it: a shell resets SIGCHLD for itself too.
    def ignore_chld():
        signal.signal(signal.SIGCHLD, signal.SIG_IGN)

    for argv, code, out in ((["sh", "-c", "exit 3"], 3, ""),
                            (["grep", "^SigIgn", "/proc/self/status"], 0,
                             "SigIgn:\t0000000000010000\n")):
        p = spawn(["--"] + argv, pid1=False, preexec_fn=ignore_chld)
        try:
            assert p.wait(10) == code
        finally:
            if p.poll() is None:
                p.kill()
        assert p.stdout.read() == out


# ---- bug 7: job control with -g ---------------------------------------------

def _state(pid):
    with open(f"/proc/{pid}/stat") as f:
        return f.read().rsplit(")", 1)[1].split()[0]


def _await_state(pid, want, timeout=5.0):
    deadline = time.monotonic() + timeout
    while _state(pid) != want and time.monotonic() < deadline:
        time.sleep(0.01)
    return _state(pid)


def _children(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(x) for x in f.read().split()]


def _start_group_sleep(pid1):
    p = spawn(["-g", "--", "sh", "-c", "echo ready; exec sleep 300"], pid1=pid1)
    pid = pid1_host_pid(p) if pid1 else p.pid
    assert read_line(p.stdout) == "ready\n"
    return p, pid, _children(pid)[0]


def test_group_mode_tstp_stops_the_workload_as_pid1():
    # the workload's group is orphaned (own session): a forwarded TSTP was
    # discarded by the kernel; with -g the group gets SIGSTOP
    p, pid, work = _start_group_sleep(pid1=True)
    try:
        for sig in (signal.SIGTSTP, signal.SIGTTIN, signal.SIGTTOU):
            os.kill(pid, sig)
            assert _await_state(work, "T") == "T"
            os.kill(pid, signal.SIGCONT)
            assert _await_state(work, "S") == "S"
    finally:
        os.kill(pid, signal.SIGTERM)
    assert p.wait(10) == 128 + signal.SIGTERM


def test_group_mode_tstp_stops_muster_and_the_workload():
    # not PID 1: muster stops itself too (as dumb-init), and CONT resumes both
    p, pid, work = _start_group_sleep(pid1=False)
    try:
        os.kill(pid, signal.SIGTSTP)
        assert _await_state(work, "T") == "T"
        assert _await_state(pid, "T") == "T"
        os.kill(pid, signal.SIGCONT)
        assert _await_state(work, "S") == "S"
        assert _await_state(pid, "S") == "S"
    finally:
        os.kill(pid, signal.SIGCONT)
        os.kill(pid, signal.SIGTERM)
    assert p.wait(10) == 128 + signal.SIGTERM
