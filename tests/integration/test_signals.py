"""Which signals PID 1 forwards, and how: the ones muster caused itself,
fault signals sent with kill, inherited dispositions, job control with -g,
rewrites.  Every test runs the real binary as PID 1 (unshare) unless it
says otherwise."""
import os
import resource
import signal
import subprocess
import time

from conftest import (MUSTER, clean_env, fixture, pid1_cmd, pid1_host_pid,
                      read_line, spawn)


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
    p = spawn(["--", fixture("sigcatch")])
    host = pid1_host_pid(p)
    assert read_line(p.stdout) == "ready\n"
    os.kill(host, signal.SIGPIPE)
    assert read_line(p.stdout) == "%d\n" % signal.SIGPIPE
    os.kill(host, signal.SIGTERM)
    assert read_line(p.stdout) == "15\n"
    assert p.wait(10) == 0
