"""Valgrind on the setup path: every way muster's own process ends after
reading config, env, secrets, probing and running hooks (the workload's
exit, a setup failure, a stop signal, and the wait/health/config modes)
leaves no leak and no memory error.

muster's own process never execs (it forks the workload and supervises
it), so valgrind's exit-time leak check sees everything setup allocated.
It runs the dynamic build (build/dyn/muster): valgrind can only replace
malloc in a shared libc.  Seccomp is left out: valgrind does not know the
seccomp syscall (the sanitizer suite covers that path)."""
import glob
import os
import shutil
import signal
import subprocess

import pytest

from conftest import clean_env, free_port, read_line
from servers import StandIn

DYN = os.environ.get("MUSTER_DYN", os.path.abspath("build/dyn/muster"))
SUPP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "valgrind.supp")

pytestmark = [
    pytest.mark.skipif(not shutil.which("valgrind"), reason="valgrind not installed (make deps)"),
    pytest.mark.skipif(not os.path.exists(DYN), reason="no build/dyn/muster (make integration)"),
]

VALGRIND = ["valgrind", "--leak-check=full", "--show-leak-kinds=definite,indirect,possible",
            "--errors-for-leak-kinds=definite,indirect,possible", "--error-exitcode=99",
            "--child-silent-after-fork=yes", "--trace-children=no", "--suppressions=" + SUPP]


def vg_cmd(tmp_path, args, pid1):
    log = str(tmp_path / "vg.%p.log")
    cmd = VALGRIND + ["--log-file=" + log, DYN] + list(args)
    return (["unshare", "--pid", "--fork", "--mount-proc"] + cmd) if pid1 else cmd


def vg_report(tmp_path):
    """The report of muster's own process (forked children exec or are
    silenced); exactly one."""
    logs = [open(p).read() for p in glob.glob(str(tmp_path / "vg.*.log"))]
    logs = [t for t in logs if "ERROR SUMMARY" in t]
    assert len(logs) == 1, logs
    return logs[0]


def assert_clean(report):
    assert "ERROR SUMMARY: 0 errors from 0 contexts" in report, report
    for kind in ("definitely lost", "indirectly lost", "possibly lost"):
        for line in report.splitlines():
            if kind + ":" in line:
                assert f"{kind}: 0 bytes in 0 blocks" in line, report


def vg_run(tmp_path, args, pid1=True, env=None, timeout=60):
    r = subprocess.run(vg_cmd(tmp_path, args, pid1), env=env or clean_env(),
                       capture_output=True, text=True, timeout=timeout)
    report = vg_report(tmp_path)
    assert_clean(report)
    return r


@pytest.fixture
def secret(tmp_path):
    p = tmp_path / "db_password"
    p.write_text("hunter2-valgrind\n")
    return p


PONG = b"+PONG\r\n"
# AuthenticationOk, then ReadyForQuery (idle)
PG_READY = b"R\x00\x00\x00\x08\x00\x00\x00\x00Z\x00\x00\x00\x05I"
HTTP_OK = b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"


def test_full_setup_then_workload_exit_code(tmp_path, secret):
    redis, pg, tcp = StandIn(PONG), StandIn(PG_READY), StandIn(b"")
    ini = tmp_path / "muster.ini"
    ini.write_text("[init]\ngrace = 2s\n\n[hook migrate]\nexec = echo migrated\n")
    envdir = tmp_path / "envdir"
    envdir.mkdir()
    (envdir / "APP_MODE").write_text("prod")
    try:
        r = vg_run(tmp_path, [
            "--config", str(ini), "--env-dir", str(envdir), "--secret", "DB_PASSWORD",
            "-w", f"redis://127.0.0.1:{redis.port}",
            "-w", f"postgres://app:${{DB_PASSWORD}}@127.0.0.1:{pg.port}/app",
            "-w", f"tcp://localhost:{tcp.port}",
            "--pre", "echo pre-hook", "--user", "nobody", "--cap-keep", "NET_BIND_SERVICE",
            "--", "sh", "-c", 'echo "$APP_MODE ${#DB_PASSWORD} $(id -u)"; exit 7'],
            env=clean_env(DB_PASSWORD_FILE=secret))
    finally:
        for s in (redis, pg, tcp):
            s.stop()
    assert r.returncode == 7, r.stderr
    assert r.stdout == "migrated\npre-hook\nprod 16 65534\n"
    assert "hunter2" not in r.stderr


@pytest.mark.parametrize("args,code", [
    (["--user", "no-such-user-here", "--", "true"], 78),
    (["-w", "redis://127.0.0.1:notaport", "--", "true"], 64),
    (["--cap-keep", "NOT_A_CAP", "--", "true"], 78),
    (["--pre", "sh -c 'exit 5'", "--", "true"], 5),
    (["--pre", "/no/such/hook", "--", "true"], 127),
    (["--", "/no/such/workload"], 127),
], ids=["unknown-user", "bad-url", "bad-cap", "hook-fails", "hook-missing", "exec-fails"])
def test_setup_failures(tmp_path, args, code):
    r = vg_run(tmp_path, args)
    assert r.returncode == code, r.stderr


def test_wait_timeout_is_69(tmp_path):
    r = vg_run(tmp_path, ["-w", f"tcp://127.0.0.1:{free_port()}", "--wait-timeout", "400ms",
                          "--", "true"])
    assert r.returncode == 69, r.stderr


def test_unresolvable_name_times_out(tmp_path):
    # the resolver thread is still out when the deadline passes
    r = vg_run(tmp_path, ["-w", "tcp://no-such-host.invalid:80", "--wait-timeout", "400ms",
                          "--", "true"])
    assert r.returncode == 69, r.stderr


def test_stop_signal_during_wait(tmp_path):
    port = free_port()
    p = subprocess.Popen(vg_cmd(tmp_path, ["-v", "-w", f"tcp://127.0.0.1:{port}",
                                           "--wait-timeout", "60s", "--", "true"], pid1=False),
                         env=clean_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                         text=True)
    # the first refused attempt: muster's signals are blocked, it is waiting
    first = read_line(p.stderr, timeout=60)
    assert first == f"muster: not ready: tcp://127.0.0.1:{port}: connect to " \
                    f"127.0.0.1:{port}: connection refused\n", first
    p.send_signal(signal.SIGTERM)
    _, err = p.communicate(timeout=30)
    assert p.returncode == 128 + signal.SIGTERM, err
    assert_clean(vg_report(tmp_path))


def test_workload_killed_and_leftovers_reaped(tmp_path):
    r = vg_run(tmp_path, ["-t", "300ms", "--", "sh", "-c",
                          "sleep 30 & sleep 30 & kill -KILL $$"])
    assert r.returncode == 128 + signal.SIGKILL, r.stderr


def test_wait_mode(tmp_path):
    redis = StandIn(PONG)
    try:
        r = vg_run(tmp_path, ["wait", "--timeout", "10s", f"redis://127.0.0.1:{redis.port}",
                              f"tcp://localhost:{redis.port}"], pid1=False)
    finally:
        redis.stop()
    assert r.returncode == 0, r.stderr


@pytest.mark.parametrize("reply,code", [(HTTP_OK, 0), (b"HTTP/1.1 503 x\r\n\r\n", 1),
                                        (b"garbage\r\n\r\n", 1)],
                         ids=["200", "503", "garbage"])
def test_health_mode(tmp_path, reply, code):
    http = StandIn(reply)
    try:
        r = vg_run(tmp_path, ["health", f"http://127.0.0.1:{http.port}/healthz"], pid1=False)
    finally:
        http.stop()
    assert r.returncode == code, (r.stdout, r.stderr)


def test_config_mode(tmp_path, secret):
    ini = tmp_path / "muster.ini"
    ini.write_text("[wait]\nurl = tcp://db:5432\n\n[hook a]\nexec = echo a\n")
    r = vg_run(tmp_path, ["config", "--config", str(ini), "--secret", "DB_PASSWORD",
                          "--user", "nobody"], pid1=False,
               env=clean_env(DB_PASSWORD_FILE=secret))
    assert r.returncode == 0, r.stderr
    assert "hunter2" not in r.stdout + r.stderr


# issue 15: mysql:// (the server speaks first), amqp://, dns://, the HTTP
# checks of waits (headers with a secret, --body matched chunk by chunk),
# --expand-args; a body that does not match, then one that does
MYSQL_GREETING = (b"\x14\0\0\0\x0a5.7\0\x01\0\0\0abcdefgh\0\xff\xf7")
AMQP_START = (b"\x01\0\0\0\0\0\x1c\0\x0a\0\x0a\0\x09\0\0\0\0"
              b"\0\0\0\x05PLAIN\0\0\0\x05en_US\xce")
HTTP_CHUNKED = (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
                b"7\r\n{\"statu\r\n9\r\ns\": \"UP\"}\r\n0\r\n\r\n")


def test_new_schemes_and_http_checks(tmp_path, secret):
    mysql, amqp = StandIn(MYSQL_GREETING, speak_first=True), StandIn(AMQP_START)
    http = StandIn(HTTP_CHUNKED)
    try:
        r = vg_run(tmp_path, [
            "--secret", "DB_PASSWORD", "--expand-args", "--wait-timeout", "20s",
            "-w", f"mysql://app:${{DB_PASSWORD}}@127.0.0.1:{mysql.port}/shop",
            "-w", f"amqp://127.0.0.1:{amqp.port}", "-w", "dns://localhost",
            "-w", f"http://127.0.0.1:{http.port}/health", "--expect", "2xx",
            "-H", "Authorization: Bearer ${DB_PASSWORD}", "--body", '"status": *"(UP|ok)"',
            "--", "sh", "-c", 'test "$0" = "$DB_PASSWORD" && echo same', "${DB_PASSWORD}"],
            env=clean_env(DB_PASSWORD_FILE=secret))
    finally:
        for s in (mysql, amqp, http):
            s.stop()
    assert r.returncode == 0, r.stderr
    assert r.stdout == "same\n"
    assert b"Authorization: Bearer hunter2-valgrind\r\n" in http.received[0]
    assert "hunter2" not in r.stderr


def test_http_body_that_never_matches(tmp_path):
    http = StandIn(HTTP_OK)
    try:
        r = vg_run(tmp_path, ["wait", "--timeout", "500ms", "--body", "^nope$",
                              f"http://127.0.0.1:{http.port}/"], pid1=False)
    finally:
        http.stop()
    assert r.returncode == 69, r.stderr
