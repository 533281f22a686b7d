"""`muster health`: one probe, one line on stdout, exit exactly 0 or 1.

A real HTTP server (python http.server in a thread) on loopback and on a
unix socket serves fixed statuses, a slow endpoint, a large body, a chunked
body and a Host-dependent route."""
import re
import socket
import socketserver
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from conftest import clean_env, free_port, run

BIG = 8 * 1024 * 1024


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive by default

    def log_message(self, *args):
        pass

    def address_string(self):
        return "client"

    def send(self, code, body=b"ok\n", headers=()):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path = self.path.split("?")[0]
        if re.fullmatch(r"/\d{3}", path):
            self.send(int(path[1:]))
        elif path == "/slow":
            time.sleep(30)  # accepts, never answers in time
            self.send(200)
        elif path == "/big":
            self.send_response(200)
            self.send_header("Content-Length", str(BIG))
            self.end_headers()
            chunk = b"x" * 65536
            for _ in range(BIG // len(chunk)):
                self.wfile.write(chunk)
        elif path == "/chunked":
            self.send_response(200)
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for piece in (b"hello ", b"x" * 100000, b" world\n"):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
            self.wfile.write(b"0\r\n\r\n")
        elif path == "/host":
            self.send(200 if self.headers.get("Host") == "app.local" else 404)
        elif path == "/header":
            self.send(200 if self.headers.get("X-Token") == "tok123" else 403)
        else:
            self.send(404)


class UnixHTTPServer(socketserver.ThreadingMixIn, socketserver.UnixStreamServer):
    daemon_threads = True

    def get_request(self):
        sock, _ = super().get_request()
        return sock, ("unix", 0)


@pytest.fixture(scope="module")
def http():
    srv = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield "http://127.0.0.1:%d" % srv.server_address[1]
    srv.shutdown()
    srv.server_close()


@pytest.fixture(scope="module")
def unix_http(tmp_path_factory):
    path = str(tmp_path_factory.mktemp("sock") / "http.sock")
    srv = UnixHTTPServer(path, Handler)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield path
    srv.shutdown()
    srv.server_close()


def health(args, **env):
    return run(["health"] + list(args), pid1=False, env=clean_env(**env), timeout=30)


def healthy_line(url, status):
    return re.compile(r"healthy: %s HTTP %d in \d+ms\n" % (re.escape(url), status))


def assert_healthy(r, url, status=200):
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert healthy_line(url, status).fullmatch(r.stdout), r.stdout


def assert_unhealthy(r, prefix):
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert r.stdout.startswith("unhealthy: " + prefix), r.stdout
    assert r.stdout.count("\n") == 1 and r.stdout.endswith("\n")


def test_200_is_healthy(http):
    assert_healthy(health([http + "/200"]), http + "/200")


@pytest.mark.parametrize("code", [401, 404, 500])
def test_error_statuses_are_unhealthy(http, code):
    r = health([http + "/%d" % code])
    assert_unhealthy(r, "%s/%d HTTP %d" % (http, code, code))


def test_expect(http):
    assert_healthy(health(["--expect", "200-299,401", http + "/401"]), http + "/401", 401)
    assert_unhealthy(health(["--expect", "200-299,401", http + "/404"]),
                     http + "/404 HTTP 404")
    assert_unhealthy(health(["--expect", "204", http + "/200"]), http + "/200 HTTP 200")


def test_large_body_is_drained(http):
    assert_healthy(health([http + "/big"]), http + "/big")


def test_chunked(http):
    assert_healthy(health([http + "/chunked"]), http + "/chunked")


def test_host_header(http):
    assert_unhealthy(health([http + "/host"]), http + "/host HTTP 404")
    assert_healthy(health(["--header", "Host: app.local", http + "/host"]), http + "/host")
    # curl's short form, repeatable
    r = health(["-H", "Host: app.local", "-H", "X-Token: tok123", http + "/host"])
    assert_healthy(r, http + "/host")


def test_header_value_not_printed(http):
    r = health(["--header", "X-Token: tok123", http + "/header"])
    assert_healthy(r, http + "/header")
    r = health(["--header", "X-Token: ${TOK}", http + "/header"], TOK="tok123")
    assert_healthy(r, http + "/header")
    r = health(["--header", "X-Token: wrong99", http + "/header"])
    assert_unhealthy(r, http + "/header HTTP 403")
    assert "wrong99" not in r.stdout + r.stderr


def test_slow_server_times_out(http):
    r = health(["--timeout", "500ms", http + "/slow"])
    assert_unhealthy(r, http + "/slow ")
    assert r.stdout.endswith("(timed out)\n"), r.stdout


def test_endless_headers_are_unhealthy_not_a_timeout():
    # a server that sends header lines forever: malformed at 100 KiB (as
    # curl), not "(timed out)" at the 20 s limit
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    url = "http://127.0.0.1:%d/" % srv.getsockname()[1]

    def serve():
        c, _ = srv.accept()
        c.recv(4096)
        try:
            c.sendall(b"HTTP/1.1 200 OK\r\n")
            while True:
                c.sendall(b"X-Pad: " + b"a" * 200 + b"\r\n")
        except OSError:
            pass
        c.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    r = health(["--timeout", "20s", url])
    srv.close()
    assert r.returncode == 1
    assert r.stdout == "unhealthy: %s HTTP headers over 100 KiB\n" % url


def test_refused(http):
    port = free_port()
    url = "http://127.0.0.1:%d/" % port
    r = health([url])
    assert r.returncode == 1
    assert r.stdout == "unhealthy: %s connect to 127.0.0.1:%d: connection refused\n" % (url, port)


def test_tcp(http):
    port = http.rsplit(":", 1)[1]
    r = health(["tcp://127.0.0.1:" + port])
    assert r.returncode == 0, r.stdout
    assert re.fullmatch(r"healthy: tcp://127\.0\.0\.1:%s connection accepted in \d+ms\n" % port,
                        r.stdout), r.stdout
    closed = "tcp://127.0.0.1:%d" % free_port()
    assert_unhealthy(health([closed]), closed + " ")


def test_connect_timeout():
    """A listener whose backlog is full drops SYNs: connect never completes."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    port = srv.getsockname()[1]
    fillers = []
    for _ in range(4):
        c = socket.socket()
        c.setblocking(False)
        c.connect_ex(("127.0.0.1", port))
        fillers.append(c)
    time.sleep(0.1)
    try:
        url = "http://127.0.0.1:%d/" % port
        r = health(["--timeout", "300ms", url])
        assert_unhealthy(r, url + " ")
        assert r.stdout.endswith("(timed out)\n"), r.stdout
    finally:
        for c in fillers:
            c.close()
        srv.close()


def test_unix_socket(unix_http):
    r = health(["--unix-socket", unix_http, "--header", "Host: app.local",
                "http://app.local/host"])
    assert_healthy(r, "http://app.local/host")
    r = health(["--unix-socket", unix_http, "http://localhost/500"])
    assert_unhealthy(r, "http://localhost/500 HTTP 500")


def test_all_urls_must_be_healthy(http):
    r = health([http + "/200", http + "/204"])
    assert r.returncode == 0, r.stdout
    assert re.fullmatch(r"healthy: %s/200 HTTP 200 in \d+ms, %s/204 HTTP 204 in \d+ms\n"
                        % (re.escape(http), re.escape(http)), r.stdout), r.stdout
    assert_unhealthy(health([http + "/200", http + "/500", http + "/204"]),
                     http + "/500 HTTP 500")


def test_health_section(tmp_path, http):
    ini = tmp_path / "muster.ini"
    ini.write_text("[health]\nurl = %s/host\nheader = Host: app.local\ntimeout = 2s\n"
                   "[init]\ngrace = 5s\n" % http)
    assert_healthy(health(["-c", str(ini)]), http + "/host")
    assert_healthy(health([], MUSTER_CONFIG=str(ini)), http + "/host")
    ini.write_text("[health]\nurl = %s/401\nexpect = 401\n" % http)
    assert_healthy(health(["-c", str(ini)]), http + "/401", 401)
    # a URL on the command line replaces the section's
    assert_unhealthy(health(["-c", str(ini), http + "/500"]), http + "/500 HTTP 500")


def test_env_expansion_and_redaction(http):
    port = http.rsplit(":", 1)[1]
    r = health(["http://127.0.0.1:${APP_PORT}/200"], APP_PORT=port)
    assert_healthy(r, "http://127.0.0.1:${APP_PORT}/200")
    refused = free_port()
    r = health(["redis://:s3cretpw@127.0.0.1:%d" % refused])
    assert_unhealthy(r, "redis://:***@127.0.0.1:%d " % refused)
    assert "s3cretpw" not in r.stdout + r.stderr
    r = health(["redis://s3cretpw@127.0.0.1:%d" % refused])  # the password-only form
    assert_unhealthy(r, "redis://***@127.0.0.1:%d " % refused)
    assert "s3cretpw" not in r.stdout + r.stderr


@pytest.mark.parametrize("args,env", [
    (["--bogus", "http://127.0.0.1:1/"], {}),           # usage error: 1, not 64
    (["ftp://example.com/"], {}),                        # bad URL
    ([], {}),                                            # nothing to probe
    (["-c", "/nonexistent.ini"], {}),                    # missing config file
    (["--timeout", "soon", "http://127.0.0.1:1/"], {}),  # bad value
    (["http://127.0.0.1:1/"], {"MUSTER_HEALTH_TIMEOUT": "x"}),
    (["http://127.0.0.1:${UNSET_VAR_X}/"], {}),
])
def test_every_error_is_exit_1(args, env):
    r = health(args, **env)
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert r.stdout.startswith("unhealthy: ") and r.stdout.count("\n") == 1, r.stdout


def test_bad_config_file_is_exit_1(tmp_path):
    ini = tmp_path / "bad.ini"
    ini.write_text("[health]\nurl = http://127.0.0.1:1/\n  more\n")
    r = health(["-c", str(ini)])
    assert r.returncode == 1
    assert r.stdout == "unhealthy: bad configuration (see the error above)\n"
    assert r.stderr == ("muster: error: %s:3: indented line (continuation lines are not "
                        "supported: remove the leading whitespace)\n" % ini)


def test_distroless_default_config(http):
    """HEALTHCHECK CMD ["/muster", "health"] in a rootfs of only muster and
    busybox: /etc/muster.ini is read by default, localhost resolves through
    the image's /etc/hosts, ${NAME} comes from the container's environment."""
    from runc_harness import Container

    port = http.rsplit(":", 1)[1]
    c = Container(["/muster", "health"], env={"APP_PORT": port})
    c.write("etc/muster.ini", "[health]\nurl = http://localhost:${APP_PORT}/host\n"
            "header = Host: app.local\ntimeout = 5s\n")
    r = c.run()
    assert r.returncode == 0, (r.stdout, r.stderr)
    assert re.fullmatch(r"healthy: http://localhost:\$\{APP_PORT\}/host HTTP 200 in \d+ms\n",
                        r.stdout), r.stdout
    assert r.stderr == ""


def test_distroless_unhealthy(http):
    from runc_harness import Container

    c = Container(["/muster", "health", http + "/500"])
    r = c.run()
    assert r.returncode == 1, (r.stdout, r.stderr)
    assert r.stdout == "unhealthy: %s/500 HTTP 500\n" % http


def test_file_secrets_loaded_for_expansion(tmp_path, http):
    """Docker runs the probe in the container's configured environment:
    APP_PORT_FILE must be loaded before ${APP_PORT} is expanded."""
    port = http.rsplit(":", 1)[1]
    (tmp_path / "app_port").write_text(port + "\n")
    url = "http://127.0.0.1:${APP_PORT}/200"
    r = health(["--secrets-dir", str(tmp_path), url], APP_PORT_FILE=str(tmp_path / "app_port"))
    assert_healthy(r, url)
    r = health(["--secrets-dir", str(tmp_path), url], APP_PORT_FILE=str(tmp_path / "missing"))
    assert r.returncode == 1
    assert r.stdout == "unhealthy: cannot load secrets (see the error above)\n"


def test_redis_with_password_never_printed():
    from servers import RedisServer

    srv = RedisServer(password="rEd1sPw").start()
    try:
        srv.wait_pong()
        shown = "redis://:***@127.0.0.1:%d" % srv.port
        r = health(["redis://:${RPW}@127.0.0.1:%d" % srv.port], RPW="rEd1sPw")
        assert r.returncode == 0, r.stdout
        assert r.stdout.startswith("healthy: redis://:${RPW}@127.0.0.1:%d " % srv.port)
        r = health(["redis://:rEd1sPw@127.0.0.1:%d" % srv.port])
        assert r.returncode == 0, r.stdout
        assert r.stdout.startswith("healthy: %s " % shown), r.stdout
        r = health(["redis://:wrongpw@127.0.0.1:%d" % srv.port])
        assert r.returncode == 1
        assert r.stdout.startswith("unhealthy: %s " % shown), r.stdout
        assert "rEd1sPw" not in r.stdout + r.stderr and "wrongpw" not in r.stdout + r.stderr
    finally:
        srv.stop()


def test_redis_loading_is_unhealthy():
    from servers import StandIn

    srv = StandIn(b"-LOADING Redis is loading the dataset in memory\r\n")
    try:
        url = "redis://127.0.0.1:%d" % srv.port
        assert_unhealthy(health([url]), url + " ")
    finally:
        srv.stop()


def test_postgres_starting_up_is_unhealthy():
    from servers import StandIn

    body = b"SFATAL\x00C57P03\x00Mthe database system is starting up\x00\x00"
    srv = StandIn(b"E" + (len(body) + 4).to_bytes(4, "big") + body)
    try:
        url = "postgres://app@127.0.0.1:%d/app" % srv.port
        r = health([url])
        assert_unhealthy(r, url + " ")
        assert "57P03" in r.stdout
    finally:
        srv.stop()


def test_unix_and_file(unix_http, tmp_path):
    r = health(["unix://" + unix_http])
    assert r.returncode == 0, r.stdout
    assert r.stdout.startswith("healthy: unix://%s " % unix_http)
    f = tmp_path / "ready"
    assert_unhealthy(health(["file://%s" % f]), "file://%s " % f)
    f.write_text("")
    r = health(["file://%s" % f])
    assert r.returncode == 0 and r.stdout.startswith("healthy: file://%s " % f), r.stdout
