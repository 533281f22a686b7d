"""${NAME} in URLs and headers are values, not text: the URL as written is
parsed first, then each value is placed in its part whatever bytes it holds
(a password with '/', '?', '#', '@', ':', '%' and a space), never read as
URL syntax; a header's value holding a line break is refused.  Messages
name the URL as written, never a value.  Real redis-server and PostgreSQL
servers, a real HTTP server (python http.server) that records what it got."""
import re
import threading
import urllib.parse
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import clean_env, run
from servers import PostgresServer, RedisServer

PW = "ab/cd?e#f@g:h%i j"        # ends a URL's host part at each of its bytes
WRONG = "ab/cd?e#f@g:h%i jk"    # the same shape, one byte more
BYTES_OF_PW = ("ab/cd", "?e#f@g", "h%i j")


def no_secret(r):
    out = r.stdout + r.stderr
    for part in BYTES_OF_PW:
        assert part not in out, out


def ready(stderr, url):
    return re.fullmatch(r"muster: ready: %s after \d+\.\d\ds\n" % re.escape(url), stderr)


@pytest.fixture
def redis():
    srv = RedisServer(password=PW).start()
    try:
        srv.wait_pong()  # the oracle: redis-cli authenticates with PW
        yield srv
    finally:
        srv.stop()


@pytest.fixture
def secrets(tmp_path):
    d = tmp_path / "secrets"
    d.mkdir()
    (d / "redis_password").write_text(PW + "\n")
    return d


def test_redis_password_of_url_bytes_from_a_secret_file_as_pid1(redis, secrets):
    url = "redis://:${REDIS_PASSWORD}@127.0.0.1:%d" % redis.port
    env = clean_env(REDIS_PASSWORD_FILE=str(secrets / "redis_password"))
    r = run(["--secrets-dir", str(secrets), "--wait", url, "--wait-timeout", "10s", "--",
             "sh", "-c", 'echo "workload ran; REDIS_PASSWORD is ${#REDIS_PASSWORD} bytes"'],
            env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "workload ran; REDIS_PASSWORD is %d bytes\n" % len(PW)
    assert ready(r.stderr, url), r.stderr
    no_secret(r)


def test_redis_password_of_url_bytes_with_muster_wait(redis, secrets, tmp_path):
    url = "redis://:${REDIS_PASSWORD}@127.0.0.1:%d/0" % redis.port
    # from the secrets dir, and from a file named with --secret elsewhere
    outside = tmp_path / "pw"
    outside.write_text(PW)
    for args, f in ((["--secrets-dir", str(secrets)], secrets / "redis_password"),
                    (["--secret", "REDIS_PASSWORD"], outside)):
        r = run(["wait", "--timeout", "10s"] + args + [url], pid1=False,
                env=clean_env(REDIS_PASSWORD_FILE=str(f)))
        assert r.returncode == 0, r.stderr
        assert ready(r.stderr, url), r.stderr
        assert r.stdout == ""
        no_secret(r)
    # muster health: the same URL, one line naming it as written
    r = run(["health", url], pid1=False, env=clean_env(REDIS_PASSWORD=PW))
    assert r.returncode == 0, r.stdout
    assert re.fullmatch(r"healthy: %s PONG in \d+ms\n" % re.escape(url), r.stdout), r.stdout
    no_secret(r)


def test_redis_wrong_password_of_url_bytes_fails_without_leaking(redis):
    url = "redis://:${REDIS_PASSWORD}@127.0.0.1:%d" % redis.port
    r = run(["wait", "--timeout", "1s", url], pid1=False, env=clean_env(REDIS_PASSWORD=WRONG))
    assert r.returncode == 69
    assert re.fullmatch(r"muster: error: %s not ready after \d+\.\d\ds: AUTH failed: WRONGPASS "
                        r"invalid username-password pair or user is disabled\.\n"
                        % re.escape(url), r.stderr), r.stderr
    no_secret(r)
    # as PID 1: the workload does not run
    r = run(["--wait", url, "--wait-timeout", "1s", "--", "echo", "ran"],
            env=clean_env(REDIS_PASSWORD=WRONG))
    assert r.returncode == 69
    assert r.stdout == ""
    assert r.stderr.splitlines()[-1].startswith("muster: error: %s not ready after " % url)
    no_secret(r)


def test_malformed_and_unset_name_the_url_as_written(redis):
    env = clean_env(REDIS_PASSWORD=PW)
    url = "redis://:${REDIS_PASSWORD}@127.0.0.1:port"
    r = run(["wait", url], pid1=False, env=env)
    assert r.returncode == 64
    assert r.stderr == "muster: error: malformed URL '%s': port is not a number\n" % url
    r = run(["--wait", "redis://:x${REDIS_PASSWORD}@127.0.0.1:port", "--", "true"], env=env)
    assert r.returncode == 64
    assert r.stderr == ("muster: error: malformed URL 'redis://:***@127.0.0.1:port': port is "
                        "not a number\n")
    r = run(["health", "redis://:${REDIS_PASSWORD}@127.0.0.1:%d/${NO_DB}" % redis.port],
            pid1=False, env=env)
    assert r.returncode == 1
    shown = "redis://:${REDIS_PASSWORD}@127.0.0.1:%d/${NO_DB}" % redis.port
    assert r.stdout == ("unhealthy: %s ${NO_DB}: variable NO_DB is not set in URL '%s'\n"
                        % (shown, shown))
    no_secret(r)


def test_postgres_user_and_password_of_url_bytes():
    """pg_hba.conf rejects every connection, naming the user and database
    it got: they reached the server whole."""
    pg = PostgresServer(auth_host="reject")
    pg.start()
    url = "postgres://${PGUSER}:${PGPASSWORD}@127.0.0.1:%d/${PGDATABASE}" % pg.port
    try:
        for user, db in (("postgres", "postgres"), ("a/b?c#d@e:f%g h", "x/y z")):
            r = run(["wait", "--timeout", "30s", url], pid1=False,
                    env=clean_env(PGUSER=user, PGPASSWORD=PW, PGDATABASE=db))
            assert r.returncode == 0, r.stderr
            assert re.fullmatch(r"muster: ready: %s after \d+\.\d\ds: up \(28000 pg_hba\.conf "
                                r"rejects connection for host \"127\.0\.0\.1\", user \"%s\", "
                                r"database \"%s\", no encryption\)\n"
                                % (re.escape(url), re.escape(user), re.escape(db)),
                                r.stderr), r.stderr
            no_secret(r)
    finally:
        pg.stop()


class Recorder(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    seen = []

    def log_message(self, *args):
        pass

    def do_GET(self):
        Recorder.seen.append((self.path, self.headers.get("Authorization")))
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()


@pytest.fixture
def http():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Recorder)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    Recorder.seen = []
    try:
        yield "http://127.0.0.1:%d" % srv.server_address[1]
    finally:
        srv.shutdown()
        srv.server_close()


def test_http_path_and_query_values_are_percent_encoded(http):
    value = "a b?c/d#e%f&g=h+"
    url = http + "/files/${NAME}?q=${NAME}&lit=%2F"
    r = run(["wait", "--timeout", "5s", url], pid1=False, env=clean_env(NAME=value))
    assert r.returncode == 0, r.stderr
    # named as written, but every query value not one ${NAME} is *** (conf/redact.h)
    assert ready(r.stderr, url.replace("lit=%2F", "lit=***")), r.stderr
    enc = "a%20b%3Fc%2Fd%23e%25f%26g%3Dh%2B"
    assert Recorder.seen == [("/files/%s?q=%s&lit=%%2F" % (enc, enc), None)]
    # the server reads back the value, whole, from each part
    path, query = Recorder.seen[0][0].split("?")
    assert urllib.parse.unquote(path.split("/")[2]) == value
    assert urllib.parse.parse_qs(query)["q"] == [value]


def test_header_value_with_a_line_break_is_refused(http):
    token = "t0k3n\r\nX-Injected: 1"
    r = run(["health", "-H", "Authorization: Bearer ${TOKEN}", http + "/"], pid1=False,
            env=clean_env(TOKEN=token))
    assert r.returncode == 1
    assert r.stdout == "unhealthy: header Authorization: the value of ${TOKEN} holds a line break\n"
    r2 = run(["wait", "-H", "Authorization: Bearer ${TOKEN}", http + "/"], pid1=False,
             env=clean_env(TOKEN=token))
    assert r2.returncode == 64
    assert r2.stderr == ("muster: error: header Authorization: the value of ${TOKEN} holds a "
                         "line break\n")
    assert Recorder.seen == []  # nothing was sent
    for out in (r.stdout + r.stderr, r2.stdout + r2.stderr):
        assert "t0k3n" not in out and "Injected" not in out
    # a value of any other bytes is sent as it is, after the name as written
    r = run(["health", "-H", "Authorization: Bearer ${TOKEN}", http + "/"], pid1=False,
            env=clean_env(TOKEN="a:b ${X} %41"))
    assert r.returncode == 0, r.stdout
    assert Recorder.seen == [("/", "Bearer a:b ${X} %41")]
