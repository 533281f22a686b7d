"""TLS and gRPC (issue 14): https://, rediss://, grpc://, grpcs:// for
`muster health`, `muster wait` and `-w`, against real peers on loopback
(tls_servers.py: Python's ssl, python3-grpcio, redis-server with
tls-port) and certificates made by tests/fixtures/mkcerts.sh with the
openssl CLI.  Every failure line names its cause."""
import subprocess
import threading
import time

import pytest

from conftest import MUSTER, clean_env, run
from tls_servers import GrpcHealth, HttpsServer, RedisTls, Silent, cert


def health(*args, env=None, timeout=30):
    return run(["health"] + list(args), pid1=False, env=env, timeout=timeout)


def ca():
    return ["--cacert", cert("ca.pem")]


@pytest.fixture
def https():
    servers = []

    def make(name="good", **kw):
        s = HttpsServer(name, **kw)
        servers.append(s)
        return s

    yield make
    for s in servers:
        s.stop()


# --- https:// -------------------------------------------------------------

def test_https_healthy_verified(https):
    s = https("good")
    for host in ("localhost", "127.0.0.1"):
        r = health(*ca(), "https://%s:%d/ok" % (host, s.port))
        assert r.returncode == 0, r.stdout + r.stderr
        assert r.stdout.startswith("healthy: https://%s:%d/ok HTTP 200" % (host, s.port))


def test_https_rsa_and_chain(https):
    for name in ("rsa", "chain-good"):
        s = https(name)
        r = health(*ca(), "https://localhost:%d/" % s.port)
        assert r.returncode == 0, (name, r.stdout + r.stderr)


def test_https_expect_and_headers(https):
    s = https("good", status=503)
    r = health(*ca(), "https://localhost:%d/x" % s.port)
    assert r.returncode == 1
    assert "HTTP 503" in r.stdout
    r = health(*ca(), "--expect", "503", "-H", "X-Probe: yes", "https://localhost:%d/y" % s.port)
    assert r.returncode == 0, r.stdout + r.stderr
    assert s.requests[-1][0] == "/y"
    assert s.requests[-1][1].get("X-Probe") == "yes"
    assert s.requests[-1][1].get("Host") == "localhost:%d" % s.port


@pytest.mark.parametrize("name,cause", [
    ("expired", "certificate expired"),
    ("other", "name mismatch (certificate is for other.example, not localhost)"),
    ("self", "unknown CA"),
])
def test_https_causes(https, name, cause):
    s = https(name)
    r = health(*ca(), "https://localhost:%d/" % s.port)
    assert r.returncode == 1
    assert len(r.stdout.splitlines()) == 1
    assert cause in r.stdout, r.stdout


def test_https_ip_mismatch(https):
    s = https("good", host="127.0.0.2")
    r = health(*ca(), "https://127.0.0.2:%d/" % s.port)
    assert r.returncode == 1
    assert "name mismatch (certificate is for localhost, 127.0.0.1, ::1, not 127.0.0.2)" \
        in r.stdout


def test_https_no_verification_by_default_system_bundle(https):
    """Without --cacert the system bundle is used, which does not know the
    test CA."""
    s = https("good")
    r = health("https://localhost:%d/" % s.port)
    assert r.returncode == 1
    assert "unknown CA (not signed by a CA in /etc/ssl/certs/ca-certificates.crt)" in r.stdout


def test_cacert_sources(https, tmp_path):
    s = https("good")
    url = "https://localhost:%d/" % s.port
    assert health(url, env=clean_env(SSL_CERT_FILE=cert("ca.pem"))).returncode == 0
    assert health(url, env=clean_env(MUSTER_CACERT=cert("ca.pem"))).returncode == 0
    ini = tmp_path / "m.ini"
    ini.write_text("[tls]\ncacert = %s\n" % cert("ca.pem"))
    assert health("-c", str(ini), url).returncode == 0
    # --cacert wins over SSL_CERT_FILE
    r = health("--cacert", cert("other.pem"), url, env=clean_env(SSL_CERT_FILE=cert("ca.pem")))
    assert r.returncode == 1 and "unknown CA" in r.stdout


def test_insecure_warns(https):
    for name in ("expired", "other", "self"):
        s = https(name)
        r = health("--insecure", "https://localhost:%d/" % s.port)
        assert r.returncode == 0, (name, r.stdout + r.stderr)
        assert "not verified" in r.stderr
    s = https("self")
    r = health("https://localhost:%d/" % s.port, env=clean_env(MUSTER_TLS_INSECURE="true"))
    assert r.returncode == 0


def test_mutual_tls(https):
    s = https("good", client_ca=cert("ca.pem"))
    url = "https://localhost:%d/" % s.port
    r = health(*ca(), url)
    assert r.returncode == 1
    assert "client certificate" in r.stdout, r.stdout
    r = health(*ca(), "--cert", cert("client.pem"), "--key", cert("client.key"), url)
    assert r.returncode == 0, r.stdout + r.stderr
    env = clean_env(MUSTER_TLS_CERT=cert("client.pem"), MUSTER_TLS_KEY=cert("client.key"))
    assert health(*ca(), url, env=env).returncode == 0
    # a client certificate the server does not trust
    r = health(*ca(), "--cert", cert("self.pem"), "--key", cert("self.key"), url)
    assert r.returncode == 1


def test_handshake_timeout():
    s = Silent()
    try:
        r = health(*ca(), "--timeout", "500ms", "https://localhost:%d/" % s.port)
    finally:
        s.stop()
    assert r.returncode == 1
    assert "handshake timeout" in r.stdout


def test_not_a_tls_server():
    import http.server
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        r = health(*ca(), "https://localhost:%d/" % srv.server_address[1])
    finally:
        srv.shutdown()
        srv.server_close()
    assert r.returncode == 1
    assert "not a TLS server?" in r.stdout


# --- the CA bundle: once, only when needed, a clear error ------------------

def test_bundle_missing(https):
    s = https("good")
    url = "https://localhost:%d/" % s.port
    r = health("--cacert", "/nonexistent/ca.pem", url)
    assert r.returncode == 1
    assert "CA bundle" in r.stdout + r.stderr
    r = run(["-w", url, "--cacert", "/nonexistent/ca.pem", "--", "true"])
    assert r.returncode == 78, r.stderr
    assert "CA bundle /nonexistent/ca.pem: No such file or directory" in r.stderr
    r = run(["wait", "--cacert", "/nonexistent/ca.pem", url], pid1=False)
    assert r.returncode == 78, r.stderr


def test_bundle_not_read_without_tls_target(tmp_path):
    f = tmp_path / "flag"
    f.write_text("")
    r = run(["-w", "file://%s" % f, "--cacert", "/nonexistent/ca.pem", "--", "true"])
    assert r.returncode == 0, r.stderr
    r = health("--cacert", "/nonexistent/ca.pem", "file://%s" % f)
    assert r.returncode == 0, r.stdout


def test_cert_without_key(https):
    s = https("good")
    r = health(*ca(), "--cert", cert("client.pem"), "https://localhost:%d/" % s.port)
    assert r.returncode == 1
    r = run(["-w", "https://localhost:%d/" % s.port, *ca(), "--cert", cert("client.pem"),
             "--", "true"])
    assert r.returncode == 64, r.stderr
    assert "--cert without --key" in r.stderr


def test_main_mode_waits_for_https(https):
    s = https("good")
    r = run(["-w", "https://localhost:%d/" % s.port, *ca(), "--", "true"])
    assert r.returncode == 0, r.stderr
    assert "ready: https://localhost:%d/" % s.port in r.stderr


def test_wait_until_https_appears():
    """The server starts listening 0.7 s after `muster wait` began."""
    import http.server
    import ssl
    from conftest import free_port

    port = free_port()
    holder = {}
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert("good.pem"), cert("good.key"))

    def serve():
        time.sleep(0.7)
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                                http.server.SimpleHTTPRequestHandler)
        httpd.socket = ctx.wrap_socket(httpd.socket, server_side=True)
        holder["httpd"] = httpd
        httpd.serve_forever()

    threading.Thread(target=serve, daemon=True).start()
    try:
        r = run(["wait", "--timeout", "10s", *ca(), "https://localhost:%d/" % port], pid1=False)
        assert r.returncode == 0, r.stderr
    finally:
        if "httpd" in holder:
            holder["httpd"].shutdown()
            holder["httpd"].server_close()


# --- rediss:// -------------------------------------------------------------

def test_rediss():
    r = RedisTls()
    try:
        p = health(*ca(), "rediss://localhost:%d" % r.port)
        assert p.returncode == 0, p.stdout + p.stderr
        assert "PONG" in p.stdout
        p = health("rediss://localhost:%d" % r.port)  # system bundle
        assert p.returncode == 1 and "unknown CA" in p.stdout
    finally:
        r.stop()


def test_rediss_password_and_mtls():
    r = RedisTls(auth_clients=True, password="s3cret")
    try:
        url = "rediss://:s3cret@localhost:%d" % r.port
        p = health(*ca(), url)
        assert p.returncode == 1
        assert "s3cret" not in p.stdout + p.stderr
        p = health(*ca(), "--cert", cert("client.pem"), "--key", cert("client.key"), url)
        assert p.returncode == 0, p.stdout + p.stderr
        p = health(*ca(), "--cert", cert("client.pem"), "--key", cert("client.key"),
                   "rediss://:wrong@localhost:%d" % r.port)
        assert p.returncode == 1
        assert "AUTH failed" in p.stdout
    finally:
        r.stop()


# --- grpc:// and grpcs:// -------------------------------------------------

def test_grpc_serving_and_not():
    g = GrpcHealth({"": 1, "db": 2, "idle": 0, "gone": 3})
    try:
        base = "grpc://127.0.0.1:%d" % g.port
        r = health(base)
        assert r.returncode == 0, r.stdout + r.stderr
        assert "SERVING" in r.stdout
        for svc, word in (("db", "NOT_SERVING"), ("idle", "UNKNOWN"),
                          ("gone", "SERVICE_UNKNOWN")):
            r = health(base + "/" + svc)
            assert r.returncode == 1
            assert word in r.stdout, r.stdout
        r = health(base + "/nope")
        assert r.returncode == 1
        assert "grpc-status 5 NOT_FOUND" in r.stdout
        assert g.calls[-1] == "nope"
    finally:
        g.stop()


def test_grpc_unimplemented():
    g = GrpcHealth(health=False)
    try:
        r = health("grpc://127.0.0.1:%d" % g.port)
    finally:
        g.stop()
    assert r.returncode == 1
    assert "grpc-status 12 UNIMPLEMENTED" in r.stdout


def test_grpc_wait_until_serving():
    g = GrpcHealth({"": 2})
    try:
        p = subprocess.Popen([MUSTER, "wait", "--timeout", "10s", "grpc://127.0.0.1:%d" % g.port],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                             env=clean_env())
        time.sleep(0.5)
        assert p.poll() is None
        g.set(1)
        out, err = p.communicate(timeout=10)
        assert p.returncode == 0, err
        assert "ready: grpc://127.0.0.1:%d" % g.port in err
    finally:
        g.stop()


def test_grpc_against_http1():
    import http.server
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), http.server.BaseHTTPRequestHandler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    try:
        r = health("grpc://127.0.0.1:%d" % srv.server_address[1])
    finally:
        srv.shutdown()
        srv.server_close()
    assert r.returncode == 1
    assert "HTTP/2" in r.stdout


def test_grpcs():
    g = GrpcHealth({"": 1}, tls="good")
    try:
        r = health(*ca(), "grpcs://localhost:%d" % g.port)
        assert r.returncode == 0, r.stdout + r.stderr
        r = health("grpcs://localhost:%d" % g.port)
        assert r.returncode == 1 and "unknown CA" in r.stdout
        r = health(*ca(), "grpc://127.0.0.1:%d" % g.port)  # cleartext to a TLS port
        assert r.returncode == 1
    finally:
        g.stop()
    g = GrpcHealth({"": 1}, tls="other")
    try:
        r = health(*ca(), "grpcs://localhost:%d" % g.port)
        assert r.returncode == 1
        assert "name mismatch (certificate is for other.example, not localhost)" in r.stdout
    finally:
        g.stop()


def test_every_scheme_in_main_mode():
    g = GrpcHealth({"": 1})
    gs = GrpcHealth({"": 1}, tls="good")
    r_ = RedisTls()
    h = HttpsServer("good")
    try:
        r = run(["-w", "grpc://127.0.0.1:%d" % g.port, "-w", "grpcs://localhost:%d" % gs.port,
                 "-w", "rediss://localhost:%d" % r_.port, "-w", "https://localhost:%d/" % h.port,
                 *ca(), "--", "true"])
        assert r.returncode == 0, r.stderr
    finally:
        g.stop()
        gs.stop()
        r_.stop()
        h.stop()
