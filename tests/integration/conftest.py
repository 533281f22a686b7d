"""Shared helpers for the integration tests: the real binary, as PID 1."""
import os
import socket
import subprocess

import pytest

MUSTER = os.environ.get("MUSTER", os.path.abspath("build/muster"))
FIXTURES = os.environ.get("FIXTURES", os.path.abspath("build/fixtures"))
# `make check SANITIZE=1`: a dynamic ASan/UBSan build.  runc containers get
# its shared libraries copied in (runc_harness.py); only the tests of the
# static binary itself (alone in a scratch rootfs, `file` says static) skip.
SANITIZED = os.environ.get("MUSTER_SANITIZE") == "1"
needs_static = pytest.mark.skipif(SANITIZED, reason="sanitizer build is dynamic: no scratch rootfs")

# `make check-arm64`: the aarch64 release binary under qemu-user-static
# (MUSTER_EMULATED names the emulator; binfmt_misc runs every aarch64
# program through it).  What qemu-user 7.2 cannot do, test by test: each
# entry is skipped there with its reason, and an entry that names no test
# of a collected module is an error (a renamed test must not fall out).
EMULATED = os.environ.get("MUSTER_EMULATED", "")
_SECCOMP = ("qemu-user has no seccomp(2) (ENOSYS) and refuses PR_SET_SECCOMP: a filter would "
            "apply to the emulator's own host syscalls")
_SUBREAPER = ("qemu-user refuses prctl(PR_SET_CHILD_SUBREAPER) (EINVAL): muster, not PID 1, "
              "cannot adopt orphans")
_ENV_ORDER = ("qemu-user hands the emulated program its environment in reverse order; "
              "the test compares the exact environment block")
_RT_SIGNALS = ("qemu-user does not map host real-time signals one to one onto the guest's "
               "(it keeps some for itself): host signal 34 ends the emulated process")
_SETUID = ("binfmt_misc runs an emulated setuid program with the caller's credentials "
           "(Debian registers qemu-aarch64 without the C flag)")
_PID2 = "qemu-user starts a thread in muster's process, which takes PID 2 of the new namespace"
_CLONE3 = "qemu-user has no clone3 (ENOSYS where the kernel says EINVAL)"
EMULATION_SKIPS = {
    "test_config.py::test_example_covers_every_key_and_parses": _SECCOMP,
    "test_config.py::test_dump_is_a_valid_config": _SECCOMP,
    "test_security.py::test_default_profile_denies_with_eperm": _SECCOMP,
    "test_security.py::test_default_profile_status_lines_as_root": _SECCOMP,
    "test_security.py::test_ordinary_workloads_run_under_the_default_profile": _SECCOMP,
    "test_security.py::test_foreign_architecture_syscall_kills": _SECCOMP,
    "test_security.py::test_profile_file": _SECCOMP,
    "test_security.py::test_seccomp_with_allow_new_privs_needs_sys_admin": _SECCOMP,
    "test_security.py::test_without_seccomp_the_same_calls_get_past_the_filter": _CLONE3,
    "test_security_runc.py::test_root_only_secret_reaches_app_user_who_cannot_read_it": _SECCOMP,
    "test_security.py::test_secret_file_becomes_variable_exact_environment": _ENV_ORDER,
    "test_security.py::test_secret_named_with_secret_option_outside_dirs": _ENV_ORDER,
    "test_security.py::test_user_sets_home_and_user_exact_environment": _ENV_ORDER,
    "test_security.py::test_setuid_binary_gains_nothing": _SETUID,
    "test_pid1.py::test_every_forwardable_signal_reaches_workload": _RT_SIGNALS,
    "test_pid1.py::test_glibc_internal_signals_are_forwarded_not_fatal": _RT_SIGNALS,
    # seen once in 3 runs: the workload started with host signal 32 ignored,
    # a disposition of the emulator's, which the guest cannot reach to reset
    "test_pid1.py::test_workload_signal_mask_and_handlers_restored": _RT_SIGNALS,
    "test_pid1.py::test_subreaper_when_not_pid1": _SUBREAPER,
    "test_pid1.py::test_subreaper_stops_leftovers_when_not_pid1": _SUBREAPER,
    "test_tty.py::test_without_terminal_workload_gets_own_session": _PID2,
    "test_security.py::test_calls_newer_than_the_table_get_enosys": _SECCOMP,
    "test_security.py::test_x32_syscall_kills": _SECCOMP,
    "test_security.py::test_chroot_allowed_as_root": _SECCOMP,
    "test_security.py::test_profile_call_by_number": _SECCOMP,
    "test_seccomp_apps.py": _SECCOMP,
    # two of its cases load a filter (muster's --seccomp default in the image)
    "test_podman.py::test_identity_caps_and_seccomp_seen_from_inside": _SECCOMP,
    # k8s.yaml's app runs with --seccomp default
    "test_podman.py::test_kube_play_k8s_manifest_waits_for_redis_probes_and_stops": _SECCOMP,
    # muster is not PID 1 there, and the subreaper bit it then sets is refused
    "test_signals.py::test_fault_signal_sent_during_waits_does_not_kill_muster": _SUBREAPER,
    # the emulator keeps host signal 32 ignored, which shows in SigIgn
    "test_signals.py::test_inherited_ignored_signals_are_kept_for_the_workload": _RT_SIGNALS,
    "test_signals.py::test_inherited_ignored_sigchld_neither_hides_the_exit_nor_is_lost":
        _RT_SIGNALS,
    "test_stop.py::test_exit_after_a_stop_names_the_sender_inside": _PID2,
    # valgrind runs build/dyn/muster, the host's glibc build: nothing of aarch64
    "test_valgrind.py": "valgrind tests the host's dynamic build, not the emulated binary",
}


def pytest_collection_modifyitems(config, items):
    if not EMULATED:
        return
    matched, modules = set(), {os.path.basename(i.nodeid.split("::")[0]) for i in items}
    for item in items:
        node = os.path.basename(item.nodeid.split("[")[0])
        for key in (node, node.split("::")[0]):
            if key in EMULATION_SKIPS:
                matched.add(key)
                item.add_marker(pytest.mark.skip(reason=f"{EMULATED}: {EMULATION_SKIPS[key]}"))
    stale = [k for k in EMULATION_SKIPS if k.split("::")[0] in modules and k not in matched]
    if stale:
        raise pytest.UsageError(f"EMULATION_SKIPS names no such test: {stale}")


def free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env(**extra):
    """A small, predictable environment (no MUSTER_* from the caller)."""
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"}
    env.update({k: str(v) for k, v in extra.items()})
    return env


def pid1_cmd(args):
    """argv that runs muster as PID 1 of a fresh PID namespace."""
    return ["unshare", "--pid", "--fork", "--mount-proc", MUSTER] + list(args)


def run(args, pid1=True, env=None, timeout=30, **kw):
    """Run muster (as PID 1 by default) to completion."""
    cmd = pid1_cmd(args) if pid1 else [MUSTER] + list(args)
    return subprocess.run(cmd, env=env if env is not None else clean_env(),
                          capture_output=True, text=True, timeout=timeout, **kw)


def spawn(args, pid1=True, env=None, **kw):
    """Start muster in the background; the caller waits and checks."""
    cmd = pid1_cmd(args) if pid1 else [MUSTER] + list(args)
    kw.setdefault("stdout", subprocess.PIPE)
    kw.setdefault("stderr", subprocess.PIPE)
    return subprocess.Popen(cmd, env=env if env is not None else clean_env(),
                            text=True, **kw)


@pytest.fixture
def muster():
    return MUSTER


def pid1_host_pid(proc, timeout=5.0):
    """Host pid of muster started by spawn(pid1=True): unshare's child."""
    import time
    deadline = time.monotonic() + timeout
    path = f"/proc/{proc.pid}/task/{proc.pid}/children"
    while time.monotonic() < deadline:
        try:
            with open(path) as f:
                kids = f.read().split()
            if kids:
                return int(kids[0])
        except FileNotFoundError:
            pass
        time.sleep(0.01)
    raise AssertionError("muster did not start")


def await_blocked(pid, sig=15, timeout=10.0):
    """Wait until muster (pid) blocks sig (SigBlk in /proc/PID/status):
    muster blocks every signal first thing, so a signal sent after this is
    queued for its signalfd, never lost to a default action (or dropped, as
    PID 1).  Name: muster's own, not unshare's child before its exec (which
    also blocks INT and TERM for a moment)."""
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with open(f"/proc/{pid}/status") as f:
                st = dict(ln.split(":", 1) for ln in f if ":" in ln)
            if (st["Name"].strip() == "muster" and
                    int(st["SigBlk"], 16) >> (sig - 1) & 1):
                return
        except FileNotFoundError:
            pass
        time.sleep(0.01)
    raise AssertionError(f"pid {pid} did not block signal {sig}")


def kill_if_alive(pid, sig=9):
    """Clean-up after a test: signal pid unless it has already exited
    (a test that asserted on the way out may have ended it already)."""
    import os
    try:
        os.kill(pid, sig)
    except ProcessLookupError:
        pass


def read_line(stream, timeout=5.0):
    """One line from a pipe, or AssertionError after timeout seconds.
    Reads the fd byte by byte, so nothing is left in Python's buffers and
    select() stays truthful."""
    import select
    import time
    deadline = time.monotonic() + timeout
    fd = stream.fileno()
    out = b""
    while not out.endswith(b"\n"):
        left = deadline - time.monotonic()
        r, _, _ = select.select([fd], [], [], max(left, 0))
        if not r:
            raise AssertionError("no full line within %.1fs (got %r)" % (timeout, out))
        b = os.read(fd, 1)
        if not b:
            break
        out += b
    return out.decode()


def fixture(name):
    return os.path.join(FIXTURES, name)


def start_sigcatch(args=(), exitsig=15, code=0, pid1=True):
    """muster ARGS -- sigcatch EXITSIG CODE, once sigcatch is ready: (proc,
    the pid to signal: muster's, as seen from here)."""
    p = spawn(list(args) + ["--", fixture("sigcatch"), str(int(exitsig)), str(code)],
              pid1=pid1)
    pid = pid1_host_pid(p) if pid1 else p.pid
    assert read_line(p.stdout) == "ready\n"
    return p, pid


def stop_sigcatch(p, pid, code=0):
    """TERM to muster: sigcatch reports it and exits with `code`."""
    os.kill(pid, 15)
    assert read_line(p.stdout) == "15\n"
    assert p.wait(10) == code
