"""Shared helpers for the integration tests: the real binary, as PID 1."""
import os
import socket
import subprocess

import pytest

MUSTER = os.environ.get("MUSTER", os.path.abspath("build/muster"))
FIXTURES = os.environ.get("FIXTURES", os.path.abspath("build/fixtures"))


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
