"""Real and stand-in servers for the integration tests, reusable by others.

- DnsServer: a tiny authoritative DNS responder (A/AAAA) on a loopback
  address, port 53, for the scratch-rootfs resolver tests.
- RedisServer / PostgresServer: the real Debian servers on free loopback
  ports, started on demand (after muster already waits).
- StandIn: a TCP server that answers every connection with fixed bytes
  (Postgres 57P03, Redis -LOADING ...).
"""
import os
import random
import shutil
import socket
import struct
import subprocess
import tempfile
import threading
import time

from conftest import free_port

REDIS_SERVER = "/usr/bin/redis-server"
REDIS_CLI = "/usr/bin/redis-cli"
PG_BIN = "/usr/lib/postgresql/15/bin"


def _qname(data, off):
    labels = []
    while True:
        n = data[off]
        off += 1
        if n == 0:
            return ".".join(labels), off
        labels.append(data[off:off + n].decode("ascii", "replace"))
        off += n


class DnsServer:
    """Answers A/AAAA queries from `records` {name: ["1.2.3.4", "::1"]}; any
    other name gets NXDOMAIN.  Listens on UDP 127.a.b.c:53 (a random loopback
    address, so parallel test runs do not collide).  `queries` records every
    (name, qtype) asked."""

    def __init__(self, records, addr=None):
        self.records = {k.lower().rstrip("."): v for k, v in records.items()}
        self.queries = []
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        for _ in range(20):
            self.addr = addr or "127.%d.%d.%d" % (random.randint(1, 254),
                                                   random.randint(1, 254),
                                                   random.randint(2, 254))
            try:
                self.sock.bind((self.addr, 53))
                break
            except OSError:
                if addr:
                    raise
        self.sock.settimeout(0.2)
        self.stopped = False
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _answer(self, data):
        qid, flags, qd = struct.unpack(">HHH", data[:6])
        name, off = _qname(data, 12)
        qtype, qclass = struct.unpack(">HH", data[off:off + 4])
        question = data[12:off + 4]
        self.queries.append((name, qtype))
        addrs = self.records.get(name.lower())
        answers = b""
        count = 0
        for a in addrs or []:
            if qtype == 1 and ":" not in a:
                rdata = socket.inet_pton(socket.AF_INET, a)
            elif qtype == 28 and ":" in a:
                rdata = socket.inet_pton(socket.AF_INET6, a)
            else:
                continue
            answers += b"\xc0\x0c" + struct.pack(">HHIH", qtype, 1, 5, len(rdata)) + rdata
            count += 1
        rcode = 0 if addrs is not None else 3
        hdr = struct.pack(">HHHHHH", qid, 0x8180 | rcode, 1, count, 0, 0)
        return hdr + question + answers

    def _serve(self):
        while not self.stopped:
            try:
                data, peer = self.sock.recvfrom(4096)
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                self.sock.sendto(self._answer(data), peer)
            except Exception:
                pass

    def stop(self):
        self.stopped = True
        self.thread.join(2)
        self.sock.close()


class RedisServer:
    """A real redis-server on 127.0.0.1:port (and ::1 with ipv6=True)."""

    def __init__(self, port=None, password=None, ipv6=False, extra=()):
        self.port = port or free_port()
        self.password = password
        self.dir = tempfile.mkdtemp(prefix="muster-redis-")
        self.args = [REDIS_SERVER, "--port", str(self.port),
                     "--bind", "127.0.0.1 ::1" if ipv6 else "127.0.0.1",
                     "--dir", self.dir, "--save", "", "--appendonly", "no",
                     "--daemonize", "no", "--loglevel", "warning"]
        if password:
            self.args += ["--requirepass", password]
        self.args += list(extra)
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        return self

    def cli(self, *args, timeout=10):
        cmd = [REDIS_CLI, "-h", "127.0.0.1", "-p", str(self.port)]
        env = dict(os.environ)
        if self.password:
            env["REDISCLI_AUTH"] = self.password
        return subprocess.run(cmd + list(args), capture_output=True, text=True,
                              timeout=timeout, env=env)

    def ping(self):
        """redis-cli ping, the oracle: its answer line ("PONG", "LOADING ...")."""
        r = self.cli("ping")
        return (r.stdout + r.stderr).strip()

    def wait_pong(self, timeout=10):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.ping() == "PONG":
                return
            time.sleep(0.02)
        raise TimeoutError("redis did not answer PONG")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class PostgresServer:
    """A real PostgreSQL 15 cluster on 127.0.0.1:port, run as the Debian
    `postgres` user (postgres refuses to run as root).  initdb happens in
    __init__ (slow part); start() only launches the server."""

    def __init__(self, port=None, auth_host="trust"):
        self.port = port or free_port()
        self.dir = tempfile.mkdtemp(prefix="muster-pg-")
        os.chmod(self.dir, 0o755)
        self.data = os.path.join(self.dir, "data")
        shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(["runuser", "-u", "postgres", "--", PG_BIN + "/initdb", "-D", self.data,
                        "--auth-local=trust", "--auth-host=" + auth_host, "-U", "postgres",
                        "--no-sync", "-E", "UTF8"],
                       check=True, capture_output=True, timeout=120)
        self.proc = None

    def start(self, *opts):
        self.proc = subprocess.Popen(
            ["runuser", "-u", "postgres", "--", PG_BIN + "/postgres", "-D", self.data,
             "-p", str(self.port), "-c", "listen_addresses=127.0.0.1",
             "-c", "unix_socket_directories=" + self.dir, "-c", "fsync=off"] + list(opts),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        return self

    def isready(self, db="postgres", user="postgres"):
        """pg_isready's exit code: 0 accepting, 1 rejecting (57P03), 2 no answer."""
        return subprocess.run(["/usr/bin/pg_isready", "-h", "127.0.0.1", "-p", str(self.port),
                               "-U", user, "-d", db, "-t", "2"],
                              capture_output=True, timeout=10).returncode

    def stop(self):
        if self.proc and self.proc.poll() is None:
            # runuser forwards TERM to postgres: smart shutdown
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        shutil.rmtree(self.dir, ignore_errors=True)


class StandIn:
    """A TCP server on 127.0.0.1 that reads what the client sends, answers
    every connection with `reply` bytes and closes (or keeps it open with
    hold=True).  `received` keeps what each client sent."""

    def __init__(self, reply, hold=False, port=None):
        self.reply = reply
        self.hold = hold
        self.received = []
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", port or 0))
        self.port = self.sock.getsockname()[1]
        self.sock.listen(64)
        self.sock.settimeout(0.2)
        self.stopped = False
        self.held = []
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self):
        while not self.stopped:
            try:
                c, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            c.settimeout(0.5)
            try:
                data = c.recv(65536)
            except OSError:
                data = b""
            self.received.append(data)
            try:
                if self.reply:
                    c.sendall(self.reply)
            except OSError:
                pass
            if self.hold:
                self.held.append(c)
            else:
                c.close()

    def stop(self):
        self.stopped = True
        self.thread.join(2)
        self.sock.close()
        for c in self.held:
            c.close()
