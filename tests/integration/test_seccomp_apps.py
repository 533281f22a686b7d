"""Real programs under `--seccomp default`, muster as PID 1: shells
(busybox, dash, bash), Python doing file, socket, thread and subprocess
work, a static Go binary (its runtime: clone, futex, epoll, signals,
sched_getaffinity), and redis-server and postgres started and answering
real requests.  Each test checks exact output, so a call the allow list
misses (EPERM) or answers ENOSYS without a fallback fails it."""
import os
import shutil
import signal
import subprocess
import tempfile

import pytest

from conftest import clean_env, pid1_host_pid, run, spawn
from servers import PG_BIN, PostgresServer, RedisServer

SECCOMP = ["--seccomp", "default"]

SHELL_SCRIPT = r"""
set -e
d=$(mktemp -d)
cd "$d"
umask 022
printf 'b\na\nc\n' > in.txt
sort < in.txt | tr '\n' ' ' > out.txt
exec 3>>out.txt
echo "|fd3" >&3
exec 3>&-
n=0
while read -r line; do n=$((n + 1)); done < in.txt
(sleep 0.05; echo bg > bg.txt) &
wait $!
trap 'echo trapped' USR1
kill -USR1 $$
kill -0 $$
x=$(cat <<EOF
heredoc $n
EOF
)
ln -s out.txt link
mv in.txt moved.txt
echo "$(cat link) $x $(cat bg.txt) $(ls | tr '\n' ,)"
cd /
rm -r "$d"
echo done
"""
SHELL_OUT = "trapped\na b c |fd3 heredoc 3 bg bg.txt,link,moved.txt,out.txt,\ndone\n"


@pytest.mark.parametrize("shell", [["/bin/busybox", "sh"], ["/bin/dash"], ["/bin/bash"]])
def test_shells(shell):
    if not os.path.exists(shell[0]):
        pytest.skip(shell[0] + " not installed (make deps)")
    r = run(["--user", "nobody"] + SECCOMP + ["--"] + shell + ["-c", SHELL_SCRIPT])
    assert (r.returncode, r.stdout, r.stderr) == (0, SHELL_OUT, "")


def test_busybox_applets():
    r = run(["--user", "nobody"] + SECCOMP + ["--", "/bin/busybox", "sh", "-c",
             "busybox seq 1 5 | busybox sort -r | busybox head -n 2 | busybox wc -l; "
             "busybox id -u; busybox uname -s; busybox ls /proc/self/fd | busybox wc -l"])
    assert (r.returncode, r.stdout) == (0, "2\n65534\nLinux\n4\n"), r.stderr


PYTHON_SCRIPT = r"""
import asyncio, os, selectors, signal, socket, subprocess, tempfile, threading
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

out = []
d = tempfile.mkdtemp()
p = os.path.join(d, "f")
with open(p, "w") as f:
    f.write("data")
os.rename(p, p + "2")
os.chmod(p + "2", 0o600)
with open(p + "2") as f:
    out.append(f.read())
os.unlink(p + "2")
os.rmdir(d)

srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
srv.bind(("127.0.0.1", 0))
srv.listen()
def serve():
    c, _ = srv.accept()
    c.sendall(c.recv(100).upper())
    c.close()
t = threading.Thread(target=serve)
t.start()
cl = socket.create_connection(srv.getsockname())
cl.sendall(b"ping")
out.append(cl.recv(100).decode())
cl.close()
t.join()
a, b = socket.socketpair(socket.AF_UNIX)
a.send(b"unix")
out.append(b.recv(10).decode())
u = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
u.close()

with ThreadPoolExecutor(8) as ex:
    out.append(str(sum(ex.map(lambda x: x * x, range(100)))))
with ProcessPoolExecutor(2) as ex:
    out.append(str(sum(ex.map(abs, range(-10, 0)))))
out.append(subprocess.run(["/bin/sh", "-c", "echo sub | cat"], capture_output=True,
                          text=True).stdout.strip())
got = []
signal.signal(signal.SIGUSR1, lambda *a: got.append("sig"))
os.kill(os.getpid(), signal.SIGUSR1)
out.extend(got)
async def main():
    r, w = await asyncio.open_connection(*srv2.getsockname())
    w.write(b"x")
    await w.drain()
    w.close()
    return "asyncio"
srv2 = socket.socket()
srv2.bind(("127.0.0.1", 0))
srv2.listen()
out.append(asyncio.run(main()))
out.append(str(len(os.urandom(16))))
print(" ".join(out))
"""


def test_python():
    r = run(["--user", "nobody"] + SECCOMP + ["--", "/usr/bin/python3", "-c", PYTHON_SCRIPT],
            timeout=60)
    assert (r.returncode, r.stdout, r.stderr) == (
        0, "data PING unix 328350 55 sub sig asyncio 16\n", "")


GO_PROGRAM = r"""
package main

import (
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"time"
)

func main() {
	runtime.GOMAXPROCS(4)
	var wg sync.WaitGroup
	ch := make(chan int, 100)
	for i := 0; i < 100; i++ {
		wg.Add(1)
		go func(i int) { defer wg.Done(); time.Sleep(time.Millisecond); ch <- i }(i)
	}
	wg.Wait()
	close(ch)
	sum := 0
	for v := range ch {
		sum += v
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(err)
	}
	go func() {
		c, _ := ln.Accept()
		buf := make([]byte, 4)
		n, _ := c.Read(buf)
		c.Write(buf[:n])
		c.Close()
	}()
	c, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		panic(err)
	}
	c.Write([]byte("echo"))
	buf := make([]byte, 4)
	n, _ := c.Read(buf)
	dir, _ := os.MkdirTemp("", "go")
	f := filepath.Join(dir, "f")
	os.WriteFile(f, []byte("file"), 0600)
	data, _ := os.ReadFile(f)
	os.RemoveAll(dir)
	out, err := exec.Command("/bin/sh", "-c", "echo child").Output()
	if err != nil {
		panic(err)
	}
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGUSR1)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	s := <-sig
	runtime.GC()
	fmt.Printf("%d %s %s %s %v %v\n", sum, buf[:n], data, out[:5], s, runtime.NumCPU() > 0)
}
"""


@pytest.fixture(scope="module")
def go_binary():
    go = shutil.which("go") or "/usr/lib/go/bin/go"
    if not os.path.exists(go):
        pytest.skip("golang-go not installed (make deps)")
    d = tempfile.mkdtemp(prefix="muster-go-")
    os.chmod(d, 0o755)
    src = os.path.join(d, "probe.go")
    with open(src, "w") as f:
        f.write(GO_PROGRAM)
    env = dict(clean_env(), HOME=d, GOCACHE=os.path.join(d, "cache"),
               GOPATH=os.path.join(d, "gopath"), CGO_ENABLED="0", GOFLAGS="")
    out = os.path.join(d, "probe")
    r = subprocess.run([go, "build", "-o", out, src], cwd=d, env=env, capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    yield out
    shutil.rmtree(d, ignore_errors=True)


def test_static_go_binary(go_binary):
    with open(go_binary, "rb") as f:
        elf = f.read()
    assert b"/ld-linux" not in elf and b".interp" not in elf  # static, no loader
    r = run(["--user", "nobody"] + SECCOMP + ["--", go_binary], timeout=60)
    assert (r.returncode, r.stdout, r.stderr) == (0, "4950 echo file child user defined "
                                                     "signal 1 true\n", "")


def stop(p, host, sig=signal.SIGTERM, timeout=30):
    os.kill(host, sig)
    try:
        return p.wait(timeout)
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()


def test_redis_server_serves():
    srv = RedisServer()
    os.chmod(srv.dir, 0o777)  # nobody writes the RDB file there
    p = spawn(["--user", "nobody"] + SECCOMP + ["--"] + srv.args)
    try:
        host = pid1_host_pid(p)
        srv.wait_pong()
        assert srv.cli("set", "k", "v1").stdout == "OK\n"
        assert srv.cli("get", "k").stdout == "v1\n"
        assert srv.cli("incrby", "n", "41").stdout == "41\n"
        # BGSAVE forks a child that writes and renames the RDB file
        assert srv.cli("bgsave").stdout == "Background saving started\n"
        for _ in range(200):
            info = srv.cli("info", "persistence").stdout
            if "rdb_bgsave_in_progress:0" in info and "rdb_last_bgsave_status:ok" in info:
                break
            subprocess.run(["sleep", "0.05"])
        assert "rdb_last_bgsave_status:ok" in info
        assert os.path.exists(os.path.join(srv.dir, "dump.rdb"))
        assert stop(p, host) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        srv.stop()


def test_postgres_serves():
    pg = PostgresServer()
    args = ["--user", "postgres"] + SECCOMP + [
        "--", PG_BIN + "/postgres", "-D", pg.data, "-p", str(pg.port),
        "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + pg.dir,
        "-c", "fsync=off", "-c", "max_parallel_workers_per_gather=2"]
    p = spawn(args)
    try:
        host = pid1_host_pid(p)
        for _ in range(300):
            if pg.isready() == 0:
                break
            subprocess.run(["sleep", "0.05"])
        assert pg.isready() == 0
        # a table, a parallel scan (dynamic shared memory, background
        # workers), a sort that spills to a temporary file
        sql = ("create table t(x int); insert into t select generate_series(1, 100000);"
               "set parallel_setup_cost = 0; set parallel_tuple_cost = 0;"
               "set min_parallel_table_scan_size = 0; set work_mem = '64kB';"
               "select sum(x) from t;"
               "select count(*) from (select x from t order by x desc) s;"
               "explain (analyze, costs off, timing off, summary off) select sum(x) from t;")
        r = subprocess.run(["/usr/bin/psql", "-X", "-A", "-t", "-h", "127.0.0.1",
                            "-p", str(pg.port), "-U", "postgres", "-d", "postgres",
                            "-c", sql], capture_output=True, text=True, timeout=60)
        assert r.returncode == 0, r.stderr
        head = "CREATE TABLE\nINSERT 0 100000\nSET\nSET\nSET\nSET\n5000050000\n100000\n"
        assert r.stdout.startswith(head), r.stdout
        assert "Workers Launched: 2\n" in r.stdout, r.stdout
        assert stop(p, host, signal.SIGINT) == 0
    finally:
        if p.poll() is None:
            p.kill()
            p.wait()
        pg.stop()
