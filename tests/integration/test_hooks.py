"""Pre-start hooks and waits in the main mode: order, failure, timeout, and
stop signals while muster is still starting."""
import os
import signal
import subprocess
import time

from conftest import (await_blocked, clean_env, fixture, free_port, pid1_host_pid, read_line,
                      run, spawn)


def test_hooks_run_in_order_before_workload(tmp_path):
    d = tmp_path / "hooks.d"
    d.mkdir()
    for name, text in (("20-second", "echo dir-20"), ("10-first", "echo dir-10")):
        f = d / name
        f.write_text(f"#!/bin/sh\n{text}\n")
        f.chmod(0o755)
    (d / "30-not-executable").write_text("#!/bin/sh\necho never\n")
    ini = tmp_path / "m.ini"
    ini.write_text("[hook migrate]\nexec = echo ini-migrate\n")
    r = run(["-c", str(ini), "--pre", "echo 'pre one'", "--pre", "sh -c 'echo pre-two'",
             "--hooks-dir", str(d), "--", "echo", "workload"])
    assert r.returncode == 0, r.stderr
    assert r.stdout == "ini-migrate\npre one\npre-two\ndir-10\ndir-20\nworkload\n"


def test_failing_hook_stops_start_with_its_code():
    r = run(["--pre", "sh -c 'exit 3'", "--pre", "echo never", "--", "echo", "workload"])
    assert r.returncode == 3
    assert r.stdout == ""
    assert "failed with exit code 3: not starting the workload" in r.stderr


def test_hook_killed_by_signal_is_128_plus_n():
    r = run(["--pre", "sh -c 'kill -USR1 $$'", "--", "echo", "workload"])
    assert r.returncode == 128 + signal.SIGUSR1
    assert r.stdout == ""


def test_hook_not_found_is_127_and_workload_not_started():
    r = run(["--pre", "no-such-migrate-tool up", "--", "echo", "workload"])
    assert r.returncode == 127
    assert r.stdout == ""
    assert "no-such-migrate-tool: command not found" in r.stderr


def test_hook_timeout_term_then_kill():
    t0 = time.monotonic()
    r = run(["--hook-timeout", "300ms", "-t", "300ms", "--pre",
             "sh -c \"trap '' TERM; sleep 30\"", "--", "echo", "workload"], timeout=20)
    assert r.returncode == 128 + signal.SIGKILL
    assert r.stdout == ""
    assert "timed out: sending SIGTERM" in r.stderr
    assert 0.5 < time.monotonic() - t0 < 8


def test_ini_hook_timeout_overrides(tmp_path):
    ini = tmp_path / "m.ini"
    ini.write_text("[hook slow]\nexec = sleep 30\ntimeout = 200ms\n")
    r = run(["-c", str(ini), "--", "echo", "workload"], timeout=20)
    assert r.returncode == 128 + signal.SIGTERM
    assert "hook slow timed out" in r.stderr


def test_stop_signal_during_hook_stops_it_and_workload_never_runs():
    p = spawn(["--pre", f"{fixture('sigcatch')} 15 0", "--", "echo", "workload"])
    host = pid1_host_pid(p)
    assert read_line(p.stdout) == "ready\n"
    os.kill(host, signal.SIGUSR1)  # forwarded to the running hook
    assert read_line(p.stdout) == "%d\n" % signal.SIGUSR1
    os.kill(host, signal.SIGTERM)
    assert read_line(p.stdout) == "15\n"
    assert p.wait(10) == 128 + signal.SIGTERM  # hook exited 0, but a stop came
    assert p.stdout.read() == ""  # no "workload"


def test_stop_signal_during_waits_exits_without_workload():
    port = free_port()
    p = spawn(["-w", f"tcp://127.0.0.1:{port}", "--", "echo", "workload"])
    host = pid1_host_pid(p)
    await_blocked(host, signal.SIGUSR1)
    os.kill(host, signal.SIGUSR1)  # nothing to forward to yet: ignored
    time.sleep(0.1)
    assert p.poll() is None
    os.kill(host, signal.SIGTERM)
    assert p.wait(10) == 128 + signal.SIGTERM
    assert p.stdout.read() == ""
    assert "received SIGTERM while waiting: not starting the workload" in p.stderr.read()


def test_wait_then_hook_then_workload(tmp_path):
    marker = tmp_path / "ready"
    p = spawn(["-w", f"file://{marker}", "--pre", "echo hook", "--", "echo", "workload"])
    time.sleep(0.3)
    assert p.poll() is None
    marker.write_text("x")
    assert p.wait(10) == 0
    assert p.stdout.read() == "hook\nworkload\n"


def test_wait_timeout_in_main_mode_is_69():
    port = free_port()
    r = run(["--wait-timeout", "300ms", "-w", f"tcp://127.0.0.1:{port}", "--", "echo", "x"])
    assert r.returncode == 69
    assert r.stdout == ""
    assert f"tcp://127.0.0.1:{port}" in r.stderr


def test_bad_wait_url_main_mode_64_env_and_file_78(tmp_path):
    r = run(["-w", "tcp://nohost", "--", "echo", "x"])
    assert r.returncode == 64
    r = run(["--", "echo", "x"], env=clean_env(MUSTER_WAIT="bogus://x"))
    assert r.returncode == 64
    ini = tmp_path / "m.ini"
    ini.write_text("[wait]\nurl = tcp://nohost\n")
    r = run(["-c", str(ini), "--", "echo", "x"])
    assert r.returncode == 78


def test_hook_expands_secret_variable(tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("s3cr3t\n")
    r = run(["--secret", "DB_PASSWORD", "--pre", "sh -c 'test \"$0\" = s3cr3t' ${DB_PASSWORD}",
             "--", "echo", "ok"], env=clean_env(DB_PASSWORD_FILE=str(secret)))
    assert r.returncode == 0, r.stderr
    assert r.stdout == "ok\n"
    assert "s3cr3t" not in r.stderr


FDS = "import os; print(' '.join(sorted(os.listdir('/proc/self/fd'), key=int)))"


def test_no_muster_fd_reaches_a_hook_or_the_workload(tmp_path):
    # after secrets, an env dir, name resolution (a thread and its pipe),
    # probes and the INI file, the signalfd and every socket are closed:
    # each child has 0, 1, 2 and the fd its own listdir opens (3)
    import socket
    secret = tmp_path / "token"
    secret.write_text("t0k")
    envdir = tmp_path / "env"
    envdir.mkdir()
    (envdir / "MODE").write_text("x")
    ini = tmp_path / "muster.ini"
    ini.write_text("[hook fds]\nexec = /usr/bin/python3 -S -c \"%s\"\n" % FDS)
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(8)
        port = srv.getsockname()[1]
        r = run(["-c", str(ini), "--secret", "TOKEN", "--env-dir", str(envdir),
                 "-w", f"tcp://localhost:{port}", "-w", f"tcp://127.0.0.1:{port}",
                 "--user", "nobody", "--", "/usr/bin/python3", "-S", "-c", FDS],
                env=clean_env(TOKEN_FILE=secret), stdin=subprocess.DEVNULL)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "0 1 2 3\n0 1 2 3\n"
