"""Who probes: PID 1 never opens a network socket nor parses a byte a peer
sends.  The start's waits run in a child of PID 1 (the prober) with the
workload's uid/gid, no capability, no_new_privs and a seccomp filter; the
READY=1 probe runs in the same sandbox; `muster health` and `muster wait`
enter it in-process with the caller's ids.  Each probe is held on a
listener that accepts and never answers, and /proc says who holds what."""
import os
import pwd
import signal
import socket
import time

import pytest

from conftest import clean_env, free_port, kill_if_alive, pid1_host_pid, read_line, spawn

NOBODY = pwd.getpwnam("nobody")
SANDBOX = {"CapInh": "0000000000000000", "CapPrm": "0000000000000000",
           "CapEff": "0000000000000000", "CapBnd": "0000000000000000",
           "CapAmb": "0000000000000000", "NoNewPrivs": "1", "Seccomp": "2"}


@pytest.fixture
def silent():
    """A TCP listener that accepts (the kernel completes the handshake) and
    never answers: a probe that reaches it stays on it."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen(64)
    s.settimeout(10)
    yield s
    s.close()


def status(pid):
    with open(f"/proc/{pid}/status") as f:
        return dict(l.rstrip("\n").split(":\t", 1) for l in f if ":\t" in l)


def sandboxed(pid, uid, gid):
    """The status lines of a probe process, as asserted."""
    st = status(pid)
    got = {k: st[k] for k in SANDBOX}
    assert got == SANDBOX, st
    assert st["Uid"] == "\t".join([str(uid)] * 4), st
    assert st["Gid"] == "\t".join([str(gid)] * 4), st


def children(pid):
    with open(f"/proc/{pid}/task/{pid}/children") as f:
        return [int(x) for x in f.read().split()]


def sockets(pid):
    """The inodes of the sockets pid holds."""
    out = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except FileNotFoundError:
            continue
        if link.startswith("socket:["):
            out.add(int(link[8:-1]))
    return out


def phase_of(pid1, want, timeout=5.0):
    """The inode of the phase name of muster as PID 1, once its text is
    `want` (while the prober waits, the prober holds the name)."""
    key = "@muster-phase/%d/" % os.stat(f"/proc/{pid1}/ns/pid").st_ino
    deadline = time.monotonic() + timeout
    while True:
        with open(f"/proc/{pid1}/net/unix") as f:
            found = [l.split(None, 7) for l in f if key in l]
        if len(found) == 1 and found[0][7].rstrip("\n") == key + want:
            return int(found[0][6])
        assert time.monotonic() < deadline, found
        time.sleep(0.01)


def test_pid1_holds_no_socket_while_the_prober_waits(silent):
    url = "http://127.0.0.1:%d/" % silent.getsockname()[1]
    p = spawn(["-w", url, "--wait-timeout", "0", "--user", "nobody", "--", "true"])
    pid1 = pid1_host_pid(p)
    try:
        conn, _ = silent.accept()  # the prober is sandboxed before its first attempt
        (prober,) = children(pid1)
        sandboxed(prober, NOBODY.pw_uid, NOBODY.pw_gid)
        with open(f"/proc/{prober}/cmdline") as f:
            assert f.read().split("\0")[0].endswith("muster")
        # PID 1 holds no socket at all; the phase's name, bound and never
        # read, is the prober's while it waits
        inode = phase_of(pid1, f"starting (waiting for {url})")
        assert sockets(pid1) == set()
        assert inode in sockets(prober)
        os.kill(pid1, signal.SIGTERM)
        assert p.wait(10) == 128 + signal.SIGTERM
        assert p.stderr.read() == ("muster: warning: received SIGTERM while waiting: "
                                   "not starting the workload\n")
        conn.close()
    finally:
        kill_if_alive(pid1)
    p.wait(10)


def table_inodes(pid, table, col):
    """The socket inodes /proc/PID/net/TABLE lists (column col)."""
    with open(f"/proc/{pid}/net/{table}") as f:
        return {int(l.split()[col]) for l in list(f)[1:]}


def sender_and_text(manager):
    """One datagram from the service manager's socket: (sender pid, text)."""
    msg, anc, _, _ = manager.recvmsg(4096, socket.CMSG_SPACE(12))
    creds = [d for lvl, typ, d in anc
             if lvl == socket.SOL_SOCKET and typ == socket.SCM_CREDENTIALS]
    assert len(creds) == 1, anc
    return int.from_bytes(creds[0][:4], "little"), msg.decode()


def test_with_a_service_manager_pid1_still_holds_no_socket(silent, tmp_path):
    manager = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    manager.bind(str(tmp_path / "notify"))
    manager.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    manager.settimeout(10)
    url = "http://127.0.0.1:%d/" % silent.getsockname()[1]
    p = spawn(["-w", url, "--wait-timeout", "0", "--", "true"],
              env=clean_env(NOTIFY_SOCKET=str(tmp_path / "notify")))
    pid1 = pid1_host_pid(p)
    try:
        conn, _ = silent.accept()
        (prober,) = children(pid1)
        # PID 1 tells the manager what the prober still waits for, through
        # a socket of the moment: it holds none in between
        want = ["STATUS=starting (loading secrets)",
                f"STATUS=starting (waiting for {url})"]
        assert [sender_and_text(manager) for _ in want] == [(pid1, w) for w in want]
        phase = phase_of(pid1, f"starting (waiting for {url})")
        assert sockets(pid1) == set()
        # the prober: the one TCP connection of its probe and the phase's
        # name, nothing of the service manager's
        probe = sockets(prober)
        tcp = probe - {phase}
        assert phase in probe and len(tcp) == 1, probe
        assert tcp <= table_inodes(prober, "tcp", 9), probe
        conn.close()
    finally:
        kill_if_alive(pid1)
        manager.close()
    p.wait(10)


def test_stop_kills_and_reaps_the_prober_when_not_pid1(silent):
    # as a plain child (a subreaper), muster's own exit shows what it left:
    # a prober it did not kill and reap would outlive it, as a process or
    # a zombie
    url = "tcp://127.0.0.1:%d" % free_port()
    p = spawn(["-w", url, "-w", "http://127.0.0.1:%d/" % silent.getsockname()[1],
               "--wait-timeout", "0", "--", "true"], pid1=False)
    try:
        conn, _ = silent.accept()
        (prober,) = children(p.pid)
        sandboxed(prober, 0, 0)  # no --user: root's ids, nothing else
        os.kill(p.pid, signal.SIGINT)
        assert p.wait(10) == 128 + signal.SIGINT
        assert not os.path.exists(f"/proc/{prober}")
        assert p.stderr.read() == ("muster: warning: received SIGINT while waiting: "
                                   "not starting the workload\n")
        conn.close()
    finally:
        kill_if_alive(p.pid)
    p.wait(10)


def held_in_sandbox(silent, cmd):
    """`muster CMD URL` on the silent listener, once it probes: (process,
    the accepted connection, URL), its sandbox checked."""
    url = "http://127.0.0.1:%d/" % silent.getsockname()[1]
    p = spawn([cmd, "--timeout", "0", url], pid1=False)
    try:
        conn, _ = silent.accept()
        sandboxed(p.pid, os.getuid(), os.getgid())
    except BaseException:
        kill_if_alive(p.pid)
        raise
    return p, conn, url


def test_muster_health_probes_in_the_sandbox(silent):
    p, conn, url = held_in_sandbox(silent, "health")
    try:
        conn.close()  # EOF instead of an answer
        assert p.wait(10) == 1
        assert p.stdout.read().startswith(f"unhealthy: {url} ")
    finally:
        kill_if_alive(p.pid)
    p.wait(10)


def test_muster_wait_probes_in_the_sandbox_and_still_stops(silent):
    p, conn, _ = held_in_sandbox(silent, "wait")
    try:
        os.kill(p.pid, signal.SIGTERM)  # its signalfd, polled by the wait loop
        assert p.wait(10) == 128 + signal.SIGTERM
        assert p.stderr.read() == "muster: warning: stopped by SIGTERM while waiting\n"
        conn.close()
    finally:
        kill_if_alive(p.pid)
    p.wait(10)


def test_ready_probe_runs_in_the_sandbox_as_the_workload(silent, tmp_path):
    manager = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    manager.bind(str(tmp_path / "notify"))
    manager.settimeout(10)
    url = "http://127.0.0.1:%d/" % silent.getsockname()[1]
    env = clean_env(NOTIFY_SOCKET=str(tmp_path / "notify"), MUSTER_HEALTH_URL=url)
    p = spawn(["--user", "nobody", "--", "sh", "-c", "echo started; exec sleep 30"], env=env)
    pid1 = pid1_host_pid(p)
    try:
        assert read_line(p.stdout) == "started\n"  # the workload is no muster any more
        conn, _ = silent.accept()
        probe = [c for c in children(pid1) if status(c)["Name"] == "muster"]
        assert len(probe) == 1
        sandboxed(probe[0], NOBODY.pw_uid, NOBODY.pw_gid)
        conn.close()
    finally:
        kill_if_alive(pid1)
        manager.close()
    p.wait(10)


def test_file_waits_run_as_the_workload_user(tmp_path):
    # a path only root can reach: as the workload's user it never exists
    private = tmp_path / "private"
    private.mkdir(mode=0o700)
    (private / "ready").write_text("")
    url = f"file://{private}/ready"
    p = spawn(["-w", url, "--wait-timeout", "300ms", "--user", "nobody", "--", "true"])
    try:
        assert p.wait(10) == 69
        err = p.stderr.read()
        assert err.startswith(f"muster: error: {url} not ready after 0.3"), err
    finally:
        kill_if_alive(p.pid)
