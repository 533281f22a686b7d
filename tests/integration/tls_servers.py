"""TLS and gRPC peers for the TLS tests (issue 14), started by the tests on
loopback; nothing here is downloaded.

- certs(): the certificates of tests/fixtures/mkcerts.sh (openssl CLI), made
  once per test session.
- HttpsServer: Python's http.server behind ssl, a status to answer, and
  optionally a client certificate required (mutual TLS).
- GrpcHealth: a real gRPC server (Debian's python3-grpcio) with a
  grpc.health.v1.Health/Check handler written by hand on raw protobuf bytes
  (no generated code), switchable per service between SERVING (1),
  NOT_SERVING (2) ...; an unknown service is NOT_FOUND, as the reference
  servicer answers; cleartext or TLS.
- RedisTls: a real redis-server with tls-port.
(Not named grpc_health*: grpc imports a module of that name itself.)
"""
import http.server
import os
import socket
import ssl
import subprocess
import tempfile
import threading
import time
from concurrent import futures

from conftest import free_port
from servers import RedisServer

HERE = os.path.dirname(os.path.abspath(__file__))
MKCERTS = os.path.join(HERE, "..", "fixtures", "mkcerts.sh")
_CERTS = None


def certs():
    """The directory of the test certificates (made on first use)."""
    global _CERTS
    if _CERTS is None:
        d = tempfile.mkdtemp(prefix="muster-certs-")
        subprocess.run(["sh", MKCERTS, d], check=True)
        _CERTS = d
    return _CERTS


def cert(name):
    return os.path.join(certs(), name)


def wait_port(port, host="127.0.0.1", timeout=10):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        try:
            socket.create_connection((host, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.02)
    raise TimeoutError("nothing listens on %s:%d" % (host, port))


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        srv = self.server
        srv.requests.append((self.path, dict(self.headers)))
        body = b"ok\n"
        self.send_response(srv.status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *a):
        pass


class HttpsServer:
    """HTTPS on 127.0.0.1:port with certificate `name` (good, rsa, expired,
    other, self, chain-good); client_ca: require a client certificate
    signed by it."""

    def __init__(self, name="good", status=200, client_ca=None, host="127.0.0.1"):
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(cert(name + ".pem"), cert(name + ".key"))
        if client_ca:
            ctx.verify_mode = ssl.CERT_REQUIRED
            ctx.load_verify_locations(client_ca)
        cls = http.server.ThreadingHTTPServer
        if ":" in host:
            cls = type("V6", (http.server.ThreadingHTTPServer,),
                       {"address_family": socket.AF_INET6})
        self.httpd = cls((host, 0), _Handler)
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.httpd.status = status
        self.httpd.requests = []
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def requests(self):
        return self.httpd.requests

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class GrpcHealth:
    """grpc.health.v1.Health/Check on 127.0.0.1:port.  statuses: {service:
    status number}; "" is the server as a whole.  tls: a certificate name
    (good, expired, other, self ...) for grpcs://, None for cleartext.
    health=False: no health service at all (UNIMPLEMENTED)."""

    CHECK = "/grpc.health.v1.Health/Check"

    def __init__(self, statuses=None, tls=None, health=True, port=None):
        import grpc  # Debian's python3-grpcio

        self.grpc = grpc
        self.statuses = dict(statuses if statuses is not None else {"": 1})
        self.calls = []
        self.port = port or free_port()
        outer = self

        class Handler(grpc.GenericRpcHandler):
            def service(self, details):
                if health and details.method == GrpcHealth.CHECK:
                    return grpc.unary_unary_rpc_method_handler(outer._check)
                return None

        self.server = grpc.server(futures.ThreadPoolExecutor(max_workers=4),
                                  handlers=[Handler()])
        addr = "127.0.0.1:%d" % self.port
        if tls:
            with open(cert(tls + ".key"), "rb") as k, open(cert(tls + ".pem"), "rb") as c:
                creds = grpc.ssl_server_credentials([(k.read(), c.read())])
            self.server.add_secure_port(addr, creds)
        else:
            self.server.add_insecure_port(addr)
        self.server.start()
        wait_port(self.port)

    @staticmethod
    def _service_of(request):
        # HealthCheckRequest { string service = 1; }: 0x0a, length, bytes
        if len(request) >= 2 and request[0] == 0x0A and request[1] < 0x80:
            return request[2:2 + request[1]].decode()
        return ""

    def _check(self, request, context):
        service = self._service_of(request)
        self.calls.append(service)
        status = self.statuses.get(service)
        if status is None:
            context.abort(self.grpc.StatusCode.NOT_FOUND, "unknown service")
        return b"\x08" + bytes([status]) if status else b""

    def set(self, status, service=""):
        self.statuses[service] = status

    def stop(self):
        self.server.stop(0)


class RedisTls(RedisServer):
    """redis-server with TLS only (servers.RedisServer, its plain port
    turned off), on 127.0.0.1:port; auth_clients: require a client
    certificate signed by the test CA."""

    def __init__(self, name="good", auth_clients=False, password=None):
        port = free_port()
        super().__init__(port=port, password=password, extra=[
            "--port", "0", "--tls-port", str(port),
            "--tls-cert-file", cert(name + ".pem"), "--tls-key-file", cert(name + ".key"),
            "--tls-ca-cert-file", cert("ca.pem"),
            "--tls-auth-clients", "yes" if auth_clients else "no"])
        self.start()
        wait_port(self.port)


class Silent:
    """Accepts TCP connections and never says a word (handshake timeout)."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]

    def stop(self):
        self.sock.close()
