"""Shared helpers for the integration tests: the real binary, as PID 1."""
import os
import socket
import subprocess

import pytest

MUSTER = os.environ.get("MUSTER", os.path.abspath("build/muster"))
FIXTURES = os.environ.get("FIXTURES", os.path.abspath("build/fixtures"))
# `make check SANITIZE=1`: a dynamic ASan/UBSan build.  runc containers get
# its shared libraries copied in (runc_harness.py); only the tests of the
# static binary itself (alone in a scratch rootfs, `file` says static) skip.
SANITIZED = os.environ.get("MUSTER_SANITIZE") == "1"
needs_static = pytest.mark.skipif(SANITIZED, reason="sanitizer build is dynamic: no scratch rootfs")


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra):
    """A small, predictable environment (no MUSTER_* from the caller)."""
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def pid1_cmd(args):
    """argv that runs muster as PID 1 of a fresh PID namespace."""
    return ["unshare", "--pid", "--fork", "--mount-proc", MUSTER] + list(args)


def run(args, pid1=True, env=None, timeout=30, **kw):
    """Run muster (as PID 1 by default) to completion."""
    cmd = pid1_cmd(args) if pid1 else [MUSTER] + list(args)
    return subprocess.run(cmd, env=env if env is not None else clean_env(),
                          capture_output=True, text=True, timeout=timeout, **kw)


def spawn(args, pid1=True, env=None, **kw):
    """Start muster in the background; the caller waits and checks."""
    cmd = pid1_cmd(args) if pid1 else [MUSTER] + list(args)
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen(cmd, env=env if env is not None else clean_env(),
                            text=True, **kw)


@pytest.fixture
def muster():
    return MUSTER


def pid1_host_pid(proc, timeout=5.0):
    """Host pid of muster started by spawn(pid1=True): unshare's child."""
    import time
    deadline = time.monotonic() + timeout
    path = f"/proc/{proc.pid}/task/{proc.pid}/children"
    while time.monotonic() < deadline:
        try:
            with open(path) as f:
                kids = f.read().split()
            if kids:
                return int(kids[0])
        except FileNotFoundError:
            pass
        time.sleep(0.01)
    raise AssertionError("muster did not start")


def read_line(stream, timeout=5.0):
    """One line from a pipe, or AssertionError after timeout seconds.
    Reads the fd byte by byte, so nothing is left in Python's buffers and
    select() stays truthful."""
    import select
    import time
    deadline = time.monotonic() + timeout
    fd = stream.fileno()
    out = b""
    while not out.endswith(b"\n"):
        left = deadline - time.monotonic()
        r, _, _ = select.select([fd], [], [], max(left, 0))
        if not r:
            raise AssertionError("no full line within %.1fs (got %r)" % (timeout, out))
        b = os.read(fd, 1)
        if not b:
            break
        out += b
    return out.decode()


def fixture(name):
    return os.path.join(FIXTURES, name)


def start_sigcatch(args=(), exitsig=15, code=0, pid1=True):
    """muster ARGS -- sigcatch EXITSIG CODE, once sigcatch is ready: (proc,
    the pid to signal: muster's, as seen from here)."""
    p = spawn(list(args) + ["--", fixture("sigcatch"), str(int(exitsig)), str(code)],
              pid1=pid1)
    pid = pid1_host_pid(p) if pid1 else p.pid
    assert read_line(p.stdout) == "ready\n"
    return p, pid


def stop_sigcatch(p, pid, code=0):
    """TERM to muster: sigcatch reports it and exits with `code`."""
    os.kill(pid, 15)
    assert read_line(p.stdout) == "15\n"
    assert p.wait(10) == code
