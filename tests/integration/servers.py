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
