"""Real and stand-in servers for the integration tests, reusable by others.

- DnsServer: a tiny authoritative DNS responder (A/AAAA) on a loopback
  address, port 53, for the scratch-rootfs resolver tests.
- RedisServer / PostgresServer / MariaDBServer / RabbitMQServer: the real
  Debian servers on free loopback ports, started on demand (after muster
  already waits).
- StandIn: a TCP server that answers every connection with fixed bytes
  (Postgres 57P03, Redis -LOADING, a MySQL ERR packet ...).
- private_resolver(): a command line that runs in its own mount namespace
  with its own /etc/hosts and /etc/resolv.conf (names that appear later).
"""
import os
import pwd
import random
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import threading
import time

from conftest import free_port

REDIS_SERVER = "/usr/bin/redis-server"
MARIADB_INSTALL_DB = "/usr/bin/mariadb-install-db"
MARIADBD = "/usr/sbin/mariadbd"
MYSQLADMIN = "/usr/bin/mysqladmin"
RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server"
EPMD = "/usr/bin/epmd"
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


def _listener(port):
    """A listening socket on 127.0.0.1:port (0: any), accept() timing out
    every 0.2 s so that a serving thread sees when to stop."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(64)
    sock.settimeout(0.2)
    return sock


class StandIn:
    """A TCP server on 127.0.0.1 that reads what the client sends, answers
    every connection with `reply` bytes and closes (or keeps it open with
    hold=True).  `received` keeps what each client sent.  With
    speak_first=True it answers as soon as it accepts, as MySQL does, and
    reads after."""

    def __init__(self, reply, hold=False, port=None, speak_first=False):
        self.reply = reply
        self.hold = hold
        self.speak_first = speak_first
        self.received = []
        self.sock = _listener(port or 0)
        self.port = self.sock.getsockname()[1]
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
            if self.speak_first:
                self._send(c)
            try:
                data = c.recv(65536)
            except OSError:
                data = b""
            self.received.append(data)
            if not self.speak_first:
                self._send(c)
            if self.hold:
                self.held.append(c)
            else:
                c.close()

    def _send(self, c):
        try:
            if self.reply:
                c.sendall(self.reply)
        except OSError:
            pass

    def stop(self):
        self.stopped = True
        self.thread.join(2)
        self.sock.close()
        for c in self.held:
            c.close()


def quiet_port():
    """A free TCP port on 127.0.0.1 below the kernel's ephemeral range, for
    a server started after a client already polls it: a connecting socket
    never takes such a port as its own, so the client can neither connect
    to itself (TCP simultaneous open: its own bytes echoed back) nor hold
    the port the server then fails to bind."""
    with open("/proc/sys/net/ipv4/ip_local_port_range") as f:
        low = int(f.read().split()[0])
    for _ in range(200):
        port = random.randint(max(1024, low - 12000), low - 1)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    return free_port()


def _stop_group(proc, timeout):
    """TERM the process group proc leads, KILL it if still there after
    timeout seconds."""
    if not proc or proc.poll() is not None:
        return
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    except ProcessLookupError:
        pass


class MariaDBServer:
    """A real MariaDB server (mariadbd) on 127.0.0.1:port, run as the test's
    own user, everything in a temporary directory.  mariadb-install-db runs
    in __init__ (the slow part, seconds); start() only launches the server,
    with any extra server options.  root has no password."""

    SMALL = ["--skip-name-resolve", "--innodb-buffer-pool-size=16M",
             "--innodb-log-file-size=4M", "--innodb-data-file-path=ibdata1:4M:autoextend"]

    def __init__(self, port=None):
        self.port = port or quiet_port()
        self.dir = tempfile.mkdtemp(prefix="muster-mariadb-")
        self.data = os.path.join(self.dir, "data")
        self.sock = os.path.join(self.dir, "sock")
        self.log = os.path.join(self.dir, "error.log")
        self.user = pwd.getpwuid(os.getuid()).pw_name
        subprocess.run([MARIADB_INSTALL_DB, "--no-defaults", "--datadir=" + self.data,
                        "--user=" + self.user, "--auth-root-authentication-method=normal",
                        "--skip-test-db"] + self.SMALL,
                       check=True, capture_output=True, timeout=180)
        self.proc = None

    def start(self, *opts):
        self.proc = subprocess.Popen(
            [MARIADBD, "--no-defaults", "--datadir=" + self.data, "--user=" + self.user,
             "--port=%d" % self.port, "--bind-address=127.0.0.1", "--socket=" + self.sock,
             "--pid-file=" + os.path.join(self.dir, "pid"), "--log-error=" + self.log]
            + self.SMALL + list(opts),
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        return self

    def ping(self, user=None):
        """mysqladmin ping over TCP, the oracle: (exit code, its words)."""
        r = subprocess.run([MYSQLADMIN, "--no-defaults", "--protocol=tcp", "-h127.0.0.1",
                            "-P%d" % self.port, "--connect-timeout=2"]
                           + (["-u" + user] if user else []) + ["ping"],
                           capture_output=True, text=True, timeout=10)
        return r.returncode, (r.stdout + r.stderr).strip()

    def sql(self, statement):
        """A statement as root over the server's unix socket."""
        return subprocess.run(["/usr/bin/mariadb", "--no-defaults", "-S", self.sock,
                               "-uroot", "-N", "-e", statement],
                              capture_output=True, text=True, timeout=20, check=True).stdout

    def wait_alive(self, timeout=30):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.ping()[1] == "mysqld is alive":
                return
            time.sleep(0.05)
        raise TimeoutError("mariadbd did not come up")

    def stop(self):
        _stop_group(self.proc, 30)
        self.proc = None

    def remove(self):
        self.stop()
        shutil.rmtree(self.dir, ignore_errors=True)


class RabbitMQServer:
    """A real RabbitMQ broker on 127.0.0.1:port with a node name, data, log
    and config directories of its own, its distribution on a free port of
    127.0.0.1 and its own epmd on another (started and stopped with it:
    nothing shared with a system broker, nothing left running).  It takes
    seconds to boot; connection_start() is the oracle."""

    def __init__(self, port=None):
        self.port = port or quiet_port()
        self.epmd_port = quiet_port()
        self.dir = tempfile.mkdtemp(prefix="muster-rabbitmq-")
        d = self.dir
        for name, text in (("rabbitmq.conf", ""), ("enabled_plugins", "[].\n"),
                           ("rabbitmq-env.conf", "")):
            with open(os.path.join(d, name), "w") as f:
                f.write(text)
        self.env = dict(os.environ)
        self.env.update(
            HOME=d, ERL_EPMD_PORT=str(self.epmd_port),
            RABBITMQ_NODENAME="muster-test-%d@localhost" % self.port,
            RABBITMQ_NODE_IP_ADDRESS="127.0.0.1", RABBITMQ_NODE_PORT=str(self.port),
            RABBITMQ_DIST_PORT=str(quiet_port()),
            RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS="-kernel inet_dist_use_interface {127,0,0,1}",
            RABBITMQ_MNESIA_BASE=d + "/mnesia", RABBITMQ_LOG_BASE=d + "/log",
            RABBITMQ_LOGS=d + "/log/broker.log", RABBITMQ_CONFIG_FILE=d + "/rabbitmq",
            RABBITMQ_ENABLED_PLUGINS_FILE=d + "/enabled_plugins",
            RABBITMQ_CONF_ENV_FILE=d + "/rabbitmq-env.conf",
            RABBITMQ_ADVANCED_CONFIG_FILE=d + "/advanced.config",
            RABBITMQ_PID_FILE=d + "/pid")
        self.proc = self.epmd = None

    def start(self):
        self.epmd = subprocess.Popen([EPMD, "-port", str(self.epmd_port)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        self.proc = subprocess.Popen([RABBITMQ_SERVER], env=self.env, cwd=self.dir,
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        return self

    def connection_start(self, timeout=2.0):
        """Send the AMQP 0-9-1 header, return the first bytes back (the
        Connection.Start frame of a booted broker), b"" when refused or
        closed."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout) as s:
                s.sendall(b"AMQP\0\0\x09\x01")
                return s.recv(4096)
        except OSError:
            return b""

    def wait_started(self, timeout=90):
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if self.connection_start()[:1] == b"\x01":
                return
            if self.proc.poll() is not None:
                break
            time.sleep(0.1)
        raise TimeoutError("rabbitmq did not send Connection.Start; see %s/log" % self.dir)

    def stop(self):
        _stop_group(self.proc, 30)
        _stop_group(self.epmd, 5)
        shutil.rmtree(self.dir, ignore_errors=True)


def private_resolver(hosts, resolv, argv):
    """argv run in a mount namespace of its own where the files `hosts` and
    `resolv` are /etc/hosts and /etc/resolv.conf (bind mounts: rewrite them
    in place, not by rename, to change what the command resolves)."""
    script = ('mount --bind "$1" /etc/hosts && mount --bind "$2" /etc/resolv.conf && '
              'shift 2 && exec "$@"')
    return ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh",
            hosts, resolv] + list(argv)


class AcceptingProxy:
    """A TCP port on 127.0.0.1 that accepts at once, whatever is behind it,
    as Docker's userland proxy or a service mesh sidecar does: each client
    is relayed to 127.0.0.1:upstream when that accepts, else closed.  A
    client that only checks that the port accepts is fooled by it."""

    def __init__(self, upstream, port=None):
        self.upstream = upstream
        self.sock = _listener(port or quiet_port())
        self.port = self.sock.getsockname()[1]
        self.stopped = False
        self.relayed = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @staticmethod
    def _pipe(a, b):
        try:
            while True:
                data = a.recv(65536)
                if not data:
                    break
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            try:
                s.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def _serve(self):
        while not self.stopped:
            try:
                c, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            try:
                u = socket.create_connection(("127.0.0.1", self.upstream), 1)
            except OSError:
                c.close()
                continue
            self.relayed += 1
            for a, b in ((c, u), (u, c)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    def stop(self):
        self.stopped = True
        self.thread.join(2)
        self.sock.close()
