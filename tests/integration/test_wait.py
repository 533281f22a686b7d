"""`muster wait`: real Redis and PostgreSQL brought up after muster starts
waiting, stand-in servers for the states real servers show only briefly,
deadlines, names that do not resolve, malformed URLs, signals, and name
resolution from a scratch rootfs under runc."""
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time

import pytest

from conftest import await_blocked, clean_env, free_port, pid1_host_pid, run, spawn
from servers import DnsServer, PostgresServer, RedisServer, StandIn

PG_57P03 = (b"E\0\0\0\x3eSFATAL\0VFATAL\0C57P03\0"
            b"Mthe database system is starting up\0\0")
REDIS_LOADING = b"-LOADING Redis is loading the dataset in memory\r\n"


def wait_args(*urls, timeout="10s", verbose=False):
    return ["wait", "--timeout", timeout] + (["-v"] if verbose else []) + list(urls)


def lines(stderr):
    return [l for l in stderr.splitlines() if l]


def ready_line(stderr, display):
    """The one 'ready' line for a target, e.g. 'muster: ready: X after 1.23s'."""
    found = [l for l in lines(stderr) if l.startswith("muster: ready: %s after " % display)]
    assert len(found) == 1, stderr
    # "... after 1.23s", or "... after 1.23s: up (...)" for an error answer that means up
    assert found[0].endswith("s") or re.search(r" after [0-9.]+s: up \(.*\)$", found[0])
    return found[0]


# ---- real servers, started after muster waits --------------------------------

def test_real_redis_started_later():
    srv = RedisServer(password="s3cr3t-pw")
    env = clean_env(REDIS_PASSWORD="s3cr3t-pw")
    url = "redis://:${REDIS_PASSWORD}@127.0.0.1:%d" % srv.port
    p = spawn(wait_args(url), pid1=False, env=env)
    try:
        time.sleep(0.5)
        assert p.poll() is None  # still waiting: nothing listens yet
        srv.start()
        out, err = p.communicate(timeout=20)
        assert p.returncode == 0, err
        # named as written: the reference names the secret, it is not one
        ready_line(err, url)
        assert srv.ping() == "PONG"  # the oracle agrees
        assert "s3cr3t-pw" not in err + out
    finally:
        p.kill()
        srv.stop()


def test_real_redis_without_password_is_up_on_noauth():
    srv = RedisServer(password="other-pw").start()
    try:
        srv.wait_pong()
        r = run(wait_args("redis://127.0.0.1:%d" % srv.port, verbose=True), pid1=False)
        assert r.returncode == 0, r.stderr
        # up, though it answered with an error: said in the ready line
        assert ready_line(r.stderr, "redis://127.0.0.1:%d" % srv.port).endswith(
            "s: up (authentication required)")
    finally:
        srv.stop()


def test_real_redis_wrong_password_is_not_ready_and_not_printed():
    srv = RedisServer(password="right-pw").start()
    try:
        srv.wait_pong()
        r = run(wait_args("redis://:wrong-pw-123@127.0.0.1:%d" % srv.port, timeout="1s"),
                pid1=False)
        assert r.returncode == 69
        assert lines(r.stderr)[-1].startswith(
            "muster: error: redis://:***@127.0.0.1:%d not ready after " % srv.port)
        assert lines(r.stderr)[-1].endswith(
            ": AUTH failed: WRONGPASS invalid username-password pair or user is disabled.")
        assert "wrong-pw-123" not in r.stderr + r.stdout
    finally:
        srv.stop()


def test_real_redis_caught_loading():
    """A real Redis loading a large RDB answers -LOADING: muster keeps waiting
    (and says so) until it answers +PONG."""
    seed = RedisServer(extra=["--enable-debug-command", "yes"]).start()
    seed.wait_pong()
    assert seed.cli("debug", "populate", "60000").stdout.strip() == "OK"
    assert seed.cli("save").stdout.strip() == "OK"
    seed.cli("shutdown", "nosave")
    seed.proc.wait(10)
    srv = RedisServer(port=seed.port, extra=["--key-load-delay", "10",
                             "--loading-process-events-interval-bytes", "65536"])
    shutil.rmtree(srv.dir)
    srv.dir = seed.dir
    srv.args[srv.args.index("--dir") + 1] = seed.dir
    p = spawn(wait_args("redis://127.0.0.1:%d" % srv.port, timeout="30s", verbose=True),
              pid1=False)
    try:
        srv.start()
        seen_loading = False
        while p.poll() is None and not seen_loading:
            seen_loading = srv.ping().startswith("LOADING")  # the oracle sees it too
        out, err = p.communicate(timeout=30)
        assert p.returncode == 0, err
        assert seen_loading, "redis-cli never saw LOADING; loading too fast?"
        assert ("muster: not ready: redis://127.0.0.1:%d: LOADING Redis is loading the "
                "dataset in memory" % srv.port) in lines(err)
        ready_line(err, "redis://127.0.0.1:%d" % srv.port)
        assert srv.ping() == "PONG"
    finally:
        p.kill()
        srv.stop()


@pytest.fixture(scope="module")
def pg():
    # TCP connections are refused by pg_hba.conf: an authentication failure,
    # which pg_isready (and muster) count as "the server is up"
    srv = PostgresServer(auth_host="reject")  # initdb once for the module
    yield srv
    srv.stop()


def test_real_postgres_started_later(pg):
    urls = ["postgres://postgres@127.0.0.1:%d/postgres" % pg.port,
            "postgresql://nosuchuser:pw@127.0.0.1:%d/nodb" % pg.port]
    p = spawn(wait_args(*urls, timeout="30s", verbose=True), pid1=False)
    try:
        time.sleep(0.3)
        assert p.poll() is None
        assert pg.isready() == 2  # the oracle: no answer yet
        pg.start()
        out, err = p.communicate(timeout=30)
        assert p.returncode == 0, err
        ready_line(err, urls[0])
        # pg_hba.conf rejects us: an auth failure, the server is up (said in the line)
        assert ready_line(err, "postgresql://nosuchuser:***@127.0.0.1:%d/nodb" % pg.port).endswith(
            "s: up (28000 pg_hba.conf rejects connection for host \"127.0.0.1\", user "
            "\"nosuchuser\", database \"nodb\", no encryption)")
        assert pg.isready() == 0
        assert "pw@" not in err
    finally:
        p.kill()


# ---- stand-ins for brief states ----------------------------------------------

def test_postgres_57p03_is_not_ready():
    s = StandIn(PG_57P03)
    try:
        # the oracle judges the stand-in the same way: rejecting connections
        assert subprocess.run(["pg_isready", "-h", "127.0.0.1", "-p", str(s.port), "-d",
                               "sslmode=disable gssencmode=disable"],
                              capture_output=True).returncode == 1
        r = run(wait_args("postgres://app@127.0.0.1:%d/appdb" % s.port, timeout="1s"),
                pid1=False)
        assert r.returncode == 69
        assert lines(r.stderr)[-1].endswith(
            ": 57P03 the database system is starting up")
        # what muster sent: a protocol 3.0 startup message like pg_isready's
        sent = s.received[-1]
        assert sent == (b"\0\0\0\x39\0\3\0\0user\0app\0database\0appdb\0"
                        b"application_name\0muster\0\0")
    finally:
        s.stop()


def test_redis_loading_stand_in_and_auth_bytes():
    s = StandIn(b"+OK\r\n" + REDIS_LOADING)
    try:
        r = run(wait_args("redis://:pa%20ss@127.0.0.1:" + str(s.port), timeout="1s"),
                pid1=False)
        assert r.returncode == 69
        assert lines(r.stderr)[-1].endswith(": LOADING Redis is loading the dataset in memory")
        assert s.received[-1] == (b"*2\r\n$4\r\nAUTH\r\n$5\r\npa ss\r\n"
                                  b"*1\r\n$4\r\nPING\r\n")
        assert "pa ss" not in r.stderr and "pa%20ss" not in r.stderr
    finally:
        s.stop()


@pytest.mark.parametrize("reply,ok,detail", [
    (b"HTTP/1.1 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nok", True, ""),
    (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n" +
     b"".join(b"4000\r\n" + b"x" * 0x4000 + b"\r\n" for _ in range(16)) + b"0\r\n\r\n",
     True, ""),
    (b"HTTP/1.1 204 No Content\r\n\r\n", True, ""),
    (b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\n\r\n", False, ": HTTP 503"),
    (b"HTTP/1.1 302 Found\r\nLocation: /x\r\n\r\n", False, ": HTTP 302"),
    (b"SSH-2.0-OpenSSH_9.2\r\n", False, ": not an HTTP/1.x response"),
])
def test_http_statuses(reply, ok, detail):
    # keep-alive stand-in: it never closes, muster must not wait for EOF
    s = StandIn(reply, hold=True)
    try:
        # a not-ok answer waits the whole timeout: long enough that a busy
        # machine still gets the first answer in before the deadline
        r = run(wait_args("http://127.0.0.1:%d/healthz?x=1" % s.port, timeout="2500ms"),
                pid1=False)
        assert r.returncode == (0 if ok else 69), r.stderr
        if not ok:
            assert lines(r.stderr)[-1].endswith(detail)
        req = s.received[-1].decode()
        assert req.startswith("GET /healthz?x=1 HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n" % s.port)
        assert "\r\nConnection: close\r\n" in req and req.endswith("\r\n\r\n")
    finally:
        s.stop()


def test_http_server_that_never_answers():
    s = StandIn(b"", hold=True)
    try:
        r = run(wait_args("http://127.0.0.1:%d/" % s.port, timeout="1s"), pid1=False)
        assert r.returncode == 69
        assert lines(r.stderr)[-1].endswith(
            ": no answer from 127.0.0.1:%d yet (timed out)" % s.port)
    finally:
        s.stop()


def test_answer_is_reported_not_the_attempt_the_deadline_cut():
    # the first connection gets a non-HTTP answer, every later one hangs:
    # the last attempt ends at the deadline with nothing, and the report
    # still says what the server did answer
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    port = srv.getsockname()[1]
    held = []

    def serve():
        first = True
        while True:
            try:
                c, _ = srv.accept()
            except OSError:
                return
            if first:
                c.recv(4096)
                c.sendall(b"SSH-2.0-OpenSSH_9.2\r\n")
                first = False
            held.append(c)

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    try:
        r = run(wait_args("http://127.0.0.1:%d/" % port, timeout="1500ms"), pid1=False)
    finally:
        srv.close()
        for c in held:
            c.close()
    assert r.returncode == 69
    assert lines(r.stderr)[-1].endswith(": not an HTTP/1.x response"), r.stderr


def test_unix_socket_and_file_appear_later():
    d = tempfile.mkdtemp()
    sock_path, file_path = os.path.join(d, "app.sock"), os.path.join(d, "ready")
    p = spawn(wait_args("unix://" + sock_path, "file://" + file_path), pid1=False)
    try:
        time.sleep(0.3)
        assert p.poll() is None
        srv = socket.socket(socket.AF_UNIX)
        srv.bind(sock_path)
        srv.listen(4)
        open(file_path, "w").close()
        out, err = p.communicate(timeout=10)
        assert p.returncode == 0, err
        ready_line(err, "unix://" + sock_path)
        ready_line(err, "file://" + file_path)
        srv.close()
    finally:
        p.kill()
        shutil.rmtree(d)


# ---- deadline, names, usage errors, signals ----------------------------------

def test_deadline_names_every_target_and_why():
    loading = StandIn(REDIS_LOADING)
    up = StandIn(b"")
    dead = free_port()
    try:
        urls = ["tcp://127.0.0.1:%d" % dead, "redis://127.0.0.1:%d" % loading.port,
                "tcp://127.0.0.1:%d" % up.port, "redis://nosuch-muster-host.invalid",
                "file:///nonexistent/muster/ready"]
        r = run(wait_args(*urls, timeout="1500ms"), pid1=True)
        assert r.returncode == 69
        errs = [l for l in lines(r.stderr) if l.startswith("muster: error: ")]
        assert len(errs) == 4, r.stderr
        assert errs[0].startswith("muster: error: tcp://127.0.0.1:%d not ready after 1." % dead)
        assert errs[0].endswith(": connect to 127.0.0.1:%d: connection refused" % dead)
        assert errs[1].endswith(": LOADING Redis is loading the dataset in memory")
        assert errs[2].startswith(
            "muster: error: redis://nosuch-muster-host.invalid not ready after ")
        assert ": cannot resolve nosuch-muster-host.invalid" in errs[2]
        assert errs[3].endswith(": /nonexistent/muster/ready: no such file")
        ready_line(r.stderr, "tcp://127.0.0.1:%d" % up.port)
    finally:
        loading.stop()
        up.stop()


@pytest.mark.parametrize("url,why", [
    ("tcp://db", "a port is required (tcp://host:port)"),
    ("grpc://app", "a port is required (grpc://host:port[/SERVICE])"),
    ("gopher://db:70", "unknown scheme; use tcp, postgres, mysql, redis, amqp, http, https, "
                       "rediss, grpc, grpcs, unix, file or dns"),
    ("redis://:topsecret@cache:port", "port is not a number"),
])
def test_malformed_url_is_usage_error_at_once(url, why):
    r = run(wait_args("file:///nonexistent/never", url, timeout="0"), pid1=False)
    assert r.returncode == 64
    shown = url.replace(":topsecret@", ":***@")
    assert lines(r.stderr) == ["muster: error: malformed URL '%s': %s" % (shown, why)]
    assert "topsecret" not in r.stderr


def test_redis_password_only_form_never_printed():
    dead = free_port()
    r = run(wait_args("redis://redispw2@127.0.0.1:%d" % dead, "redis://redispw2@cache:xx",
                      timeout="300ms"), pid1=False)
    assert r.returncode == 64
    assert lines(r.stderr) == ["muster: error: malformed URL 'redis://***@cache:xx': port is "
                               "not a number"]
    r = run(wait_args("redis://redispw2@127.0.0.1:%d" % dead, timeout="300ms"), pid1=False)
    assert r.returncode == 69
    assert lines(r.stderr)[-1].startswith(
        "muster: error: redis://***@127.0.0.1:%d not ready after " % dead)
    assert "redispw2" not in r.stderr


def test_unset_variable_in_url_and_no_url():
    r = run(wait_args("redis://:${NOT_SET_PW}@cache"), pid1=False)
    assert r.returncode == 64
    assert lines(r.stderr) == ["muster: error: ${NOT_SET_PW}: variable NOT_SET_PW is not "
                               "set in URL 'redis://:${NOT_SET_PW}@cache'"]
    r = run(["wait"], pid1=False)
    assert r.returncode == 64
    assert lines(r.stderr) == ["muster: error: no URL given: muster wait [OPTIONS] URL..."]


@pytest.mark.parametrize("sig,code", [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_signal_aborts_wait(sig, code):
    p = spawn(wait_args("tcp://127.0.0.1:%d" % free_port(), timeout="0"), pid1=False)
    await_blocked(p.pid, sig)
    assert p.poll() is None
    p.send_signal(sig)
    out, err = p.communicate(timeout=5)
    assert p.returncode == code
    assert lines(err) == ["muster: warning: stopped by SIG%s while waiting" %
                          ("INT" if sig == signal.SIGINT else "TERM")]


def test_signal_aborts_wait_as_pid1():
    p = spawn(wait_args("tcp://127.0.0.1:%d" % free_port(), timeout="0"), pid1=True)
    try:
        muster_pid = pid1_host_pid(p)  # unshare's child: PID 1 inside
        await_blocked(muster_pid)
        os.kill(muster_pid, signal.SIGTERM)
        out, err = p.communicate(timeout=5)
        assert p.returncode == 143
        assert lines(err) == ["muster: warning: stopped by SIGTERM while waiting"]
    finally:
        p.kill()


def test_still_waiting_progress_line():
    dead = free_port()
    r = run(wait_args("tcp://127.0.0.1:%d" % dead, timeout="5500ms"), pid1=False)
    assert r.returncode == 69
    assert lines(r.stderr)[0] == ("muster: still waiting for tcp://127.0.0.1:%d (5s): "
                                  "connect to 127.0.0.1:%d: connection refused" % (dead, dead))


# ---- scratch rootfs: /etc/hosts and DNS without shared libraries --------------

def test_runc_scratch_rootfs_resolves_hosts_and_dns():
    from runc_harness import Container
    up = StandIn(b"+PONG\r\n")
    dns = DnsServer({"cache.test": ["127.0.0.1"]})
    try:
        c = Container(["/muster", "wait", "--timeout", "10s",
                       "redis://fromhosts:%d" % up.port, "tcp://cache.test:%d" % up.port])
        c.write("etc/hosts", "127.0.0.1 localhost\n127.0.0.1 fromhosts\n")
        c.write("etc/resolv.conf", "nameserver %s\n" % dns.addr)
        r = c.run(timeout=30)
        assert r.returncode == 0, r.stderr
        ready_line(r.stderr, "redis://fromhosts:%d" % up.port)
        ready_line(r.stderr, "tcp://cache.test:%d" % up.port)
        assert ("cache.test", 1) in dns.queries  # asked the DNS server for A

        c = Container(["/muster", "wait", "--timeout", "1s", "tcp://absent.test:1"])
        c.write("etc/resolv.conf", "nameserver %s\n" % dns.addr)
        r = c.run(timeout=30)
        assert r.returncode == 69
        assert lines(r.stderr)[-1].endswith(
            ": cannot resolve absent.test (no such name yet)"), r.stderr
        assert ("absent.test", 1) in dns.queries
    finally:
        up.stop()
        dns.stop()


def test_wait_loads_file_secrets_like_the_main_mode(tmp_path):
    """`muster wait 'redis://:${REDIS_PASSWORD}@...'` with REDIS_PASSWORD_FILE
    in a secrets dir: the password is loaded from the file, the real redis
    accepts it, and it is printed nowhere."""
    pw = "wait-s3cr3t"
    secrets = tmp_path / "secrets"
    secrets.mkdir()
    (secrets / "redis_password").write_text(pw + "\n")
    srv = RedisServer(password=pw).start()
    try:
        srv.wait_pong()
        url = "redis://:${REDIS_PASSWORD}@127.0.0.1:%d" % srv.port
        env = clean_env(REDIS_PASSWORD_FILE=str(secrets / "redis_password"))
        r = run(["wait", "--timeout", "5s", "--secrets-dir", str(secrets), url],
                pid1=False, env=env)
        assert r.returncode == 0, r.stderr
        ready_line(r.stderr, url)
        assert pw not in r.stderr + r.stdout
        # the same from MUSTER_SECRETS_DIR; and a file outside the secrets
        # dirs is not a secret (NAME stays unset: the URL cannot expand)
        env["MUSTER_SECRETS_DIR"] = str(secrets)
        r = run(["wait", "--timeout", "5s", url], pid1=False, env=env)
        assert r.returncode == 0, r.stderr
        r = run(["wait", "--timeout", "5s", url], pid1=False,
                env=clean_env(REDIS_PASSWORD_FILE=str(secrets / "redis_password")))
        assert r.returncode == 64
        assert lines(r.stderr) == [
            "muster: error: ${REDIS_PASSWORD}: variable REDIS_PASSWORD is not set in URL "
            "'redis://:${REDIS_PASSWORD}@127.0.0.1:%d'" % srv.port]
        # an unreadable secret is 78, naming the variable, not the content
        env["REDIS_PASSWORD_FILE"] = str(secrets / "missing")
        r = run(["wait", "--timeout", "5s", url], pid1=False, env=env)
        assert r.returncode == 78
        assert lines(r.stderr) == ["muster: error: REDIS_PASSWORD_FILE: cannot read %s: "
                                   "No such file or directory" % (secrets / "missing")]
    finally:
        srv.stop()


def test_help_describes_the_wait_deadline():
    # one flag, two options: wait's --timeout is the wait deadline, not
    # health's probe time limit (the help showed health's line before)
    out = run(["wait", "--help"], pid1=False).stdout
    line = [ln for ln in out.splitlines() if "--timeout" in ln]
    assert line == ["      --timeout DUR            one deadline for all waits "
                    "(default 60s; 0 = forever)"]
    out = run(["health", "--help"], pid1=False).stdout
    line = [ln for ln in out.splitlines() if "--timeout" in ln]
    assert line == ["      --timeout DUR            whole probe time limit (default 3s)"]
