"""PID 1's lifecycle as others see it: `muster health` run inside the
container (same PID, mount and network namespaces, as `docker exec` and a
HEALTHCHECK run it) knows the phase, and a service manager listening on
NOTIFY_SOCKET hears READY=1, STOPPING=1 and STATUS=.  The real binary runs
as PID 1 of a fresh PID namespace (unshare); `muster health` joins it with
nsenter, or runs inside a runc container with `runc exec`."""
import os
import signal
import socket
import subprocess
import time

import pytest

from conftest import (MUSTER, clean_env, free_port, kill_if_alive, pid1_host_pid, read_line,
                      spawn)

HEALTH_OK = "healthy: file:/// / exists in "


def health_inside(host, *args):
    """`muster health ARGS` in PID 1's PID and mount namespaces."""
    return subprocess.run(["nsenter", "-t", str(host), "-p", "-m", MUSTER, "health"] +
                          list(args), env=clean_env(), capture_output=True, text=True,
                          timeout=20)


def await_health(host, want, *args, timeout=5.0):
    """Run health until its output is `want` (or the timeout); the last run."""
    deadline = time.monotonic() + timeout
    while True:
        r = health_inside(host, *args)
        if r.stdout == want or time.monotonic() > deadline:
            return r
        time.sleep(0.05)


def test_health_says_starting_while_muster_waits(tmp_path):
    port = free_port()
    p = spawn(["-w", f"tcp://127.0.0.1:{port}", "-w", "file:///", "--wait-timeout", "30s",
               "--", "sh", "-c", "echo up; exec sleep 30"])
    host = pid1_host_pid(p)
    try:
        want = f"unhealthy: starting (waiting for tcp://127.0.0.1:{port})\n"
        r = await_health(host, want, "file:///")
        assert (r.returncode, r.stdout) == (1, want)
        srv = socket.create_server(("127.0.0.1", port))
        assert read_line(p.stdout) == "up\n"
        srv.close()
        r = health_inside(host, "file:///")
        assert r.returncode == 0 and r.stdout.startswith(HEALTH_OK), r.stdout
    finally:
        os.kill(host, signal.SIGTERM)
    assert p.wait(10) == 128 + signal.SIGTERM


def test_health_says_starting_while_a_hook_runs(tmp_path):
    p = spawn(["--pre", f"sh -c 'echo hook; while [ ! -e {tmp_path}/go ]; do sleep 0.05; done'",
               "--", "true"])
    host = pid1_host_pid(p)
    try:
        assert read_line(p.stdout) == "hook\n"
        r = health_inside(host, "file:///")
        assert (r.returncode, r.stdout) == (1, "unhealthy: starting (running hook pre#1)\n")
    finally:
        (tmp_path / "go").write_text("")
    assert p.wait(10) == 0


def test_health_says_draining_then_stopping():
    p = spawn(["--stop-delay", "30s", "-t", "30s", "--", "sh", "-c",
               "trap 'echo term' TERM; echo up; while :; do sleep 0.05; done"])
    host = pid1_host_pid(p)
    try:
        assert read_line(p.stdout) == "up\n"
        r = health_inside(host, "file:///")
        assert r.returncode == 0 and r.stdout.startswith(HEALTH_OK), r.stdout
        os.kill(host, signal.SIGTERM)
        r = await_health(host, "unhealthy: draining\n", "file:///")
        assert (r.returncode, r.stdout) == (1, "unhealthy: draining\n")
        os.kill(host, signal.SIGTERM)  # ends the delay: the workload gets TERM
        assert read_line(p.stdout) == "term\n"
        r = health_inside(host, "file:///")
        assert (r.returncode, r.stdout) == (1, "unhealthy: stopping\n")
    finally:
        kill_if_alive(host, signal.SIGKILL)
    p.wait(10)


def test_long_phase_is_cut_visibly(tmp_path):
    # the phase travels in a socket name (107 bytes): a long one ends in ...
    p = spawn(["-w", f"file://{tmp_path}/{'x' * 80}", "--", "true"])
    host = pid1_host_pid(p)
    try:
        r = await_health(host, "x", "file:///", timeout=0.5)
        assert r.stdout.startswith("unhealthy: starting (waiting for file:///"), r.stdout
        assert r.stdout.endswith("...\n"), r.stdout
    finally:
        os.kill(host, signal.SIGTERM)
    assert p.wait(10) == 128 + signal.SIGTERM


def test_health_outside_any_muster_is_unchanged(tmp_path):
    # no muster PID 1 in this PID namespace: the probe, as always
    r = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", MUSTER, "health",
                        "file:///"], env=clean_env(), capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.startswith(HEALTH_OK), r.stdout
    # a muster that is not PID 1 (here, still waiting) speaks for nobody
    p = spawn(["-w", f"file://{tmp_path}/never", "--", "true"], pid1=False)
    try:
        time.sleep(0.3)
        r = subprocess.run([MUSTER, "health", "file:///"], env=clean_env(),
                           capture_output=True, text=True)
        assert r.returncode == 0 and r.stdout.startswith(HEALTH_OK), r.stdout
    finally:
        p.terminate()
        p.wait(10)


# ---- sd_notify -------------------------------------------------------------------

class Listener:
    """A service manager's end of NOTIFY_SOCKET: a unix datagram socket."""

    def __init__(self, path):
        self.path = str(path)
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.sock.bind(self.path)

    def next(self, timeout=5.0):
        self.sock.settimeout(timeout)
        return self.sock.recv(4096).decode()

    def nothing(self, within):
        self.sock.settimeout(within)
        try:
            got = self.sock.recv(4096).decode()
        except socket.timeout:
            return True
        raise AssertionError("unexpected datagram %r" % got)

    def close(self):
        self.sock.close()


@pytest.fixture
def manager(tmp_path):
    lst = Listener(tmp_path / "notify.sock")
    yield lst
    lst.close()


def test_sd_notify_phases_ready_and_stopping(manager, tmp_path):
    env = clean_env(NOTIFY_SOCKET=manager.path)
    p = spawn(["-w", "file:///", "--pre", "true", "--", "sh", "-c",
               "echo ${NOTIFY_SOCKET:-unset}; exec sleep 30"], env=env)
    host = pid1_host_pid(p)
    try:
        assert manager.next() == "STATUS=starting (loading secrets)"
        assert manager.next() == "STATUS=starting (waiting for file:///)"
        assert manager.next() == "STATUS=starting (running hook pre#1)"
        assert manager.next() == "STATUS=running"
        assert manager.next() == "READY=1"
        # muster speaks for the container: the workload does not get the socket
        assert read_line(p.stdout) == "unset\n"
        os.kill(host, signal.SIGTERM)
        assert manager.next() == "STOPPING=1\nSTATUS=stopping"
        assert p.wait(10) == 128 + signal.SIGTERM
    finally:
        if p.poll() is None:
            os.kill(host, signal.SIGKILL)


def test_sd_notify_abstract_socket_and_stop_delay(tmp_path):
    name = "muster-test-notify-%d" % os.getpid()
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind("\0" + name)
    sock.settimeout(5)
    env = clean_env(NOTIFY_SOCKET="@" + name)
    p = spawn(["--stop-delay", "30s", "--", "sleep", "30"], env=env)
    host = pid1_host_pid(p)
    try:
        got = [sock.recv(4096).decode() for _ in range(3)]
        assert got == ["STATUS=starting (loading secrets)", "STATUS=running", "READY=1"]
        os.kill(host, signal.SIGTERM)
        assert sock.recv(4096).decode() == "STOPPING=1\nSTATUS=draining"
        os.kill(host, signal.SIGTERM)
        assert sock.recv(4096).decode() == "STATUS=stopping"
    finally:
        kill_if_alive(host, signal.SIGKILL)
        sock.close()
    p.wait(10)


def test_sd_notify_ready_waits_for_the_health_url(manager, tmp_path):
    # with a [health] URL, READY=1 comes once it first answers healthy
    env = clean_env(NOTIFY_SOCKET=manager.path, MUSTER_HEALTH_URL=f"file://{tmp_path}/healthy")
    p = spawn(["--", "sleep", "30"], env=env)
    host = pid1_host_pid(p)
    try:
        assert manager.next() == "STATUS=starting (loading secrets)"
        assert manager.next() == "STATUS=running"
        assert manager.nothing(0.7)
        (tmp_path / "healthy").write_text("")
        assert manager.next() == "READY=1"
        os.kill(host, signal.SIGTERM)
        assert manager.next() == "STOPPING=1\nSTATUS=stopping"
    finally:
        kill_if_alive(host, signal.SIGKILL)
    p.wait(10)
    # the probe was muster's child, reaped: no "left behind" line
    assert "left behind" not in p.stderr.read()


def test_sd_notify_never_ready_when_stopped_before_healthy(manager, tmp_path):
    env = clean_env(NOTIFY_SOCKET=manager.path, MUSTER_HEALTH_URL=f"file://{tmp_path}/never")
    p = spawn(["--", "sleep", "30"], env=env)
    host = pid1_host_pid(p)
    assert manager.next() == "STATUS=starting (loading secrets)"
    assert manager.next() == "STATUS=running"
    os.kill(host, signal.SIGTERM)
    assert manager.next() == "STOPPING=1\nSTATUS=stopping"
    assert p.wait(10) == 128 + signal.SIGTERM
    assert manager.nothing(0.2)
    assert "left behind" not in p.stderr.read()


def test_health_by_runc_exec_follows_the_phase():
    # what `docker exec` and a HEALTHCHECK do: a process joined to the
    # running container (read-only rootfs: nothing is written anywhere)
    from runc_harness import Container

    c = Container(["/muster", "--stop-delay", "30s", "--", "/bin/sh", "-c",
                   "echo ready; while :; do sleep 0.1; done"])
    c.spec["root"]["readonly"] = True
    p = c.start()
    try:
        assert read_line(p.stdout, 20) == "ready\n"

        def health():
            return subprocess.run(["runc", "exec", c.id, "/muster", "health", "file:///"],
                                  capture_output=True, text=True, timeout=20)

        r = health()
        assert r.returncode == 0 and r.stdout.startswith(HEALTH_OK), (r.stdout, r.stderr)
        c.kill("TERM")
        deadline = time.monotonic() + 5
        while (r := health()).stdout != "unhealthy: draining\n" and time.monotonic() < deadline:
            time.sleep(0.05)
        assert (r.returncode, r.stdout) == (1, "unhealthy: draining\n")
    finally:
        c.kill("KILL")
        c.wait(20)


def test_sd_notify_when_not_pid1(manager):
    # systemd's Type=notify: muster is the service's main process, not PID 1
    p = spawn(["--", "sleep", "30"], pid1=False, env=clean_env(NOTIFY_SOCKET=manager.path))
    try:
        assert [manager.next() for _ in range(3)] == \
            ["STATUS=starting (loading secrets)", "STATUS=running", "READY=1"]
        p.send_signal(signal.SIGTERM)
        assert manager.next() == "STOPPING=1\nSTATUS=stopping"
        assert p.wait(10) == 128 + signal.SIGTERM
    finally:
        if p.poll() is None:
            p.kill()
