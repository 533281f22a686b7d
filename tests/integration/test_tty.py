"""Interactive use: the workload owns the terminal, Ctrl-C reaches it."""
import os
import pty
import select
import time


from conftest import MUSTER, clean_env, fixture


def _pty_run(argv, timeout=10):
    """Run argv on a new pty; once it printed its first line, type Ctrl-C.
    Returns (exit code, everything printed)."""
    pid, master = pty.fork()
    if pid == 0:
        os.execve(argv[0], argv, clean_env())
    out = b""
    deadline = time.monotonic() + timeout
    sent = False
    while time.monotonic() < deadline:
        r, _, _ = select.select([master], [], [], 0.1)
        if r:
            try:
                chunk = os.read(master, 1024)
            except OSError:
                break
            if not chunk:
                break
            out += chunk
        if not sent and b"foreground=" in out and out.endswith(b"\n"):
            os.write(master, b"\x03")
            sent = True
    _, status = os.waitpid(pid, 0)
    os.close(master)
    return os.waitstatus_to_exitcode(status), out.decode().replace("\r", "")


def test_pid1_leading_the_terminal_session_hands_it_to_the_workload():
    # like `docker run -it`: muster is PID 1 and leads the tty's session
    code, out = _pty_run(["/usr/bin/unshare", "--pid", "--fork", "--mount-proc",
                          "/usr/bin/setsid", "--ctty", MUSTER, "--", fixture("ttyinfo")])
    assert "session_leader=1 foreground=1\n" in out
    assert "got INT\n" in out
    assert code == 130


def test_under_a_shell_the_workload_gets_the_foreground():
    # muster started from an interactive shell: not the session leader
    code, out = _pty_run(["/bin/sh", "-c", f'{MUSTER} -- {fixture("ttyinfo")}; exit $?'])
    assert "session_leader=0 foreground=1\n" in out
    assert "got INT\n" in out
    assert code == 130


def test_without_terminal_workload_gets_own_session():
    import subprocess
    r = subprocess.run(["unshare", "--pid", "--fork", "--mount-proc", MUSTER, "--", "sh", "-c",
                        "ps -o pid,sid,pgid,comm 2>/dev/null | awk '$1==2{print $2,$3}'"],
                       capture_output=True, text=True, stdin=subprocess.DEVNULL, env=clean_env())
    assert r.returncode == 0
    assert r.stdout == "2 2\n"
