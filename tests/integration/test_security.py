"""Secrets, --user, capabilities, no_new_privs and seccomp, end to end: the
real binary as PID 1, asserting the exact environment bytes and the exact
/proc/self/status lines the workload sees."""
import os
import shutil
import stat
import subprocess
import tempfile

import pytest

from conftest import FIXTURES, MUSTER, clean_env, run

SYSPROBE = os.path.join(FIXTURES, "sysprobe")
STATUS_KEYS = ("Uid", "Gid", "Groups", "CapInh", "CapPrm", "CapEff", "CapBnd",
               "CapAmb", "NoNewPrivs", "Seccomp")
# capability numbers (linux/capability.h)
CAP_CHOWN, CAP_NET_BIND_SERVICE, CAP_SYS_ADMIN = 0, 10, 21


def mask(*caps):
    return "%016x" % sum(1 << c for c in caps)


def status_of(args, **kw):
    """Run `cat /proc/self/status` under muster; the lines we care about."""
    r = run(list(args) + ["--", "/bin/cat", "/proc/self/status"], **kw)
    assert r.returncode == 0, r.stderr
    return {l.split(":", 1)[0]: l for l in r.stdout.splitlines()
            if l.split(":", 1)[0] in STATUS_KEYS}


def own_status():
    with open("/proc/self/status") as f:
        return {l.split(":", 1)[0]: l.rstrip("\n") for l in f
                if l.split(":", 1)[0] in STATUS_KEYS}


def expect_status(uid, gid, groups, caps, amb, bnd, nnp, seccomp):
    ids = "\t".join([str(uid)] * 4)
    gids = "\t".join([str(gid)] * 4)
    return {
        "Uid": f"Uid:\t{ids}",
        "Gid": f"Gid:\t{gids}",
        "Groups": "Groups:\t" + "".join(f"{g} " for g in groups),
        "CapInh": f"CapInh:\t{caps}",
        "CapPrm": f"CapPrm:\t{caps}",
        "CapEff": f"CapEff:\t{caps}",
        "CapBnd": f"CapBnd:\t{bnd}",
        "CapAmb": f"CapAmb:\t{amb}",
        "NoNewPrivs": f"NoNewPrivs:\t{nnp}",
        "Seccomp": f"Seccomp:\t{seccomp}",
    }


@pytest.fixture
def tmp():
    d = tempfile.mkdtemp(prefix="muster-sec-")
    os.chmod(d, 0o755)
    yield d
    shutil.rmtree(d, ignore_errors=True)


def write(path, data, mode=0o600):
    with open(path, "wb") as f:
        f.write(data if isinstance(data, bytes) else data.encode())
    os.chmod(path, mode)
    return path


# --- secrets and env dirs -------------------------------------------------

def test_secret_file_becomes_variable_exact_environment(tmp):
    sec = os.path.join(tmp, "secrets")
    os.mkdir(sec)
    write(os.path.join(sec, "db"), "s3cr\net\r\n\n")
    env = clean_env(DB_PASSWORD_FILE=os.path.join(sec, "db"),
                    LOG_FILE="/var/log/app.log")
    r = run(["--secrets-dir", sec, "--", "/bin/cat", "/proc/self/environ"], env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("PATH=" + env["PATH"] + "\0LOG_FILE=/var/log/app.log\0"
                        "DB_PASSWORD=s3cr\net\0")


def test_secret_named_with_secret_option_outside_dirs(tmp):
    write(os.path.join(tmp, "token"), "tok\n")
    env = clean_env(TOKEN_FILE=os.path.join(tmp, "token"))
    r = run(["--secret", "TOKEN", "--", "/bin/cat", "/proc/self/environ"], env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "PATH=" + env["PATH"] + "\0TOKEN=tok\0"
    # without --secret and outside every secrets dir it is left alone
    r = run(["--", "/bin/cat", "/proc/self/environ"], env=env)
    assert r.stdout == "PATH=" + env["PATH"] + "\0TOKEN_FILE=" + env["TOKEN_FILE"] + "\0"


def test_env_dir_exact_environment(tmp):
    d = os.path.join(tmp, "env")
    os.mkdir(d)
    write(os.path.join(d, "B_HOST"), "db.local\n")
    write(os.path.join(d, "A_MULTI"), "l1\nl2\r\n")
    write(os.path.join(d, ".hidden"), "x")
    env = clean_env()
    r = run(["--env-dir", d, "--", "/bin/cat", "/proc/self/environ"], env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "PATH=" + env["PATH"] + "\0A_MULTI=l1\nl2\0B_HOST=db.local\0"


def test_env_dir_skips_what_is_not_a_regular_file(tmp):
    # a FIFO nobody writes to (reading it would block forever) and a
    # directory are skipped, said at debug level
    d = os.path.join(tmp, "env")
    os.mkdir(d)
    write(os.path.join(d, "A"), "1")
    os.mkfifo(os.path.join(d, "F"))
    os.mkdir(os.path.join(d, "SUB"))
    env = clean_env()
    r = run(["--log-level", "debug", "--env-dir", d, "--", "/bin/cat", "/proc/self/environ"],
            env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "PATH=" + env["PATH"] + "\0A=1\0"
    assert "muster: --env-dir: %s/F skipped: not a regular file\n" % d in r.stderr
    assert "muster: --env-dir: %s/SUB skipped: not a regular file\n" % d in r.stderr


def test_largest_secret_reaches_the_workload(tmp):
    """MAX_ARG_STRLEN is 131072 bytes including "NAME=" and the NUL."""
    sec = os.path.join(tmp, "s")
    os.mkdir(sec)
    write(os.path.join(sec, "big"), "x" * (131072 - len("BIG=") - 1))
    env = clean_env(BIG_FILE=os.path.join(sec, "big"))
    r = run(["--secrets-dir", sec, "--", "/bin/sh", "-c", 'printf %s "$BIG" | wc -c'],
            env=env)
    assert (r.returncode, r.stdout.strip()) == (0, str(131072 - 5)), r.stderr
    write(os.path.join(sec, "big"), "x" * (131072 - len("BIG=")))
    r = run(["--secrets-dir", sec, "--", "/bin/echo", "started"], env=env)
    assert r.returncode == 78
    assert r.stdout == ""
    assert "BIG_FILE" in r.stderr and os.path.join(sec, "big") in r.stderr


@pytest.mark.parametrize("content,why", [
    (b"hunter2\0tail\n", "NUL byte"),
    (None, "No such file or directory"),
])
def test_bad_secret_exits_78_without_the_value(tmp, content, why):
    sec = os.path.join(tmp, "s")
    os.mkdir(sec)
    path = os.path.join(sec, "pw")
    if content is not None:
        write(path, content)
    env = clean_env(PW_FILE=path)
    r = run(["-v", "-v", "--secrets-dir", sec, "--", "/bin/echo", "started"], env=env)
    assert r.returncode == 78
    assert r.stdout == ""
    line = [l for l in r.stderr.splitlines() if "error" in l]
    assert len(line) == 1 and "PW_FILE" in line[0] and path in line[0] and why in line[0]
    assert "hunter2" not in r.stderr


def test_both_name_and_file_set_is_an_error(tmp):
    sec = os.path.join(tmp, "s")
    os.mkdir(sec)
    write(os.path.join(sec, "pw"), "hunter2")
    env = clean_env(PW="topsecret", PW_FILE=os.path.join(sec, "pw"))
    r = run(["-v", "-v", "--secrets-dir", sec, "--", "/bin/echo", "started"], env=env)
    assert r.returncode == 78
    assert r.stdout == ""
    assert "both PW and PW_FILE are set" in r.stderr
    assert "hunter2" not in r.stderr and "topsecret" not in r.stderr


def test_secret_values_never_logged_at_debug(tmp):
    sec = os.path.join(tmp, "s")
    os.mkdir(sec)
    write(os.path.join(sec, "pw"), "hunter2\n")
    env = clean_env(PW_FILE=os.path.join(sec, "pw"))
    r = run(["-v", "-v", "--secrets-dir", sec, "--", "/bin/true"], env=env)
    assert r.returncode == 0, r.stderr
    assert "PW loaded from PW_FILE" in r.stderr
    assert "hunter2" not in r.stderr


def test_env_dir_bad_name_exits_78(tmp):
    d = os.path.join(tmp, "env")
    os.mkdir(d)
    write(os.path.join(d, "not-a-name"), "x")
    r = run(["--env-dir", d, "--", "/bin/echo", "started"])
    assert (r.returncode, r.stdout) == (78, "")
    assert "'not-a-name' is not a valid variable name" in r.stderr


# --- user, groups, capabilities, no_new_privs ------------------------------

def test_nothing_requested_changes_nothing():
    want = own_status()
    got = status_of([])
    for k in ("Uid", "Gid", "Groups", "CapPrm", "CapEff", "CapBnd", "CapAmb"):
        assert got[k] == want[k]
    assert got["NoNewPrivs"] == "NoNewPrivs:\t0"
    assert got["Seccomp"] == "Seccomp:\t0"


def test_user_drops_every_capability():
    zero = mask()
    assert status_of(["--user", "nobody"]) == expect_status(
        65534, 65534, [65534], zero, zero, zero, 1, 0)


def test_numeric_user_without_passwd_entry_gets_gid_0():
    zero = mask()
    assert status_of(["--user", "4242"]) == expect_status(
        4242, 0, [0], zero, zero, zero, 1, 0)


def test_explicit_group_replaces_groups():
    zero = mask()
    assert status_of(["--user", "daemon:nogroup"]) == expect_status(
        1, 65534, [65534], zero, zero, zero, 1, 0)


def test_kept_capability_survives_as_ambient():
    keep = mask(CAP_NET_BIND_SERVICE)
    assert status_of(["--user", "nobody", "--cap-keep", "NET_BIND_SERVICE"]) == \
        expect_status(65534, 65534, [65534], keep, keep, keep, 1, 0)


def test_cap_keep_alone_keeps_root_with_fewer_caps():
    keep = mask(CAP_CHOWN, CAP_NET_BIND_SERVICE)
    want = own_status()
    got = status_of(["--cap-keep", "cap_chown,Net_Bind_Service"])
    assert got == {**expect_status(0, 0, [], keep, mask(), keep, 1, 0),
                   "Groups": want["Groups"]}


def test_allow_new_privs_and_no_new_privs():
    assert status_of(["--user", "nobody", "--allow-new-privs"])["NoNewPrivs"] == \
        "NoNewPrivs:\t0"
    got = status_of(["--no-new-privs"])
    assert got["NoNewPrivs"] == "NoNewPrivs:\t1"
    assert got["CapEff"] == own_status()["CapEff"]


def test_user_sets_home_and_user_exact_environment():
    env = clean_env(HOME="/root", USER="root")
    r = run(["--user", "daemon", "--", "/bin/cat", "/proc/self/environ"], env=env)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "PATH=" + env["PATH"] + "\0HOME=/usr/sbin\0USER=daemon\0"
    r = run(["--user", "4242", "--", "/bin/cat", "/proc/self/environ"], env=env)
    assert r.stdout == "PATH=" + env["PATH"] + "\0HOME=/\0"


def netns_run(args):
    """muster as PID 1 in fresh PID and network namespaces (lo up): port 80
    is ours, and ip_unprivileged_port_start is the default 1024 there."""
    cmd = ["unshare", "--net", "--pid", "--fork", "--mount-proc", "/bin/sh", "-c",
           'ip link set lo up && exec "$0" "$@"', MUSTER] + list(args)
    return subprocess.run(cmd, env=clean_env(), capture_output=True, text=True, timeout=30)


def test_kept_net_bind_service_binds_port_80_as_non_root():
    r = netns_run(["--user", "nobody", "--cap-keep", "NET_BIND_SERVICE", "--",
                   SYSPROBE, "bind:80"])
    assert (r.returncode, r.stdout) == (0, "bind:80: ok\n"), r.stderr


def test_without_the_capability_port_80_is_refused():
    r = netns_run(["--user", "nobody", "--", SYSPROBE, "bind:80", "bind:8080"])
    assert (r.returncode, r.stdout) == (0, "bind:80: EACCES\nbind:8080: ok\n"), r.stderr


def test_setuid_binary_gains_nothing(tmp):
    probe = os.path.join(tmp, "suid-probe")
    shutil.copy(SYSPROBE, probe)
    os.chown(probe, 0, 0)
    os.chmod(probe, 0o4755)
    assert os.stat(probe).st_mode & stat.S_ISUID
    r = run(["--user", "nobody", "--", probe, "ids"])
    assert (r.returncode, r.stdout) == (0, "65534 65534 65534 65534 65534 65534\n"), r.stderr
    # the same binary does win root when no_new_privs is off: the test can fail
    r = run(["--user", "nobody", "--allow-new-privs", "--", probe, "ids"])
    assert (r.returncode, r.stdout) == (0, "65534 0 0 65534 65534 65534\n"), r.stderr


@pytest.mark.parametrize("args,msg", [
    (["--user", "nosuchuser"], "unknown user 'nosuchuser'"),
    (["--user", "nobody:nosuchgroup"], "unknown group 'nosuchgroup'"),
    (["--cap-keep", "NET_BIND"], "unknown capability 'NET_BIND'"),
    (["--user", "nobody", "--cap-keep", "CHOWN,FLY"], "unknown capability 'FLY'"),
    (["--seccomp", "/nonexistent/profile"], "--seccomp /nonexistent/profile"),
])
def test_unusable_names_exit_78_before_start(args, msg):
    r = run(args + ["--", "/bin/echo", "started"])
    assert (r.returncode, r.stdout) == (78, "")
    assert msg in r.stderr


# --- seccomp -------------------------------------------------------------------

DENIED = ["unshare", "unshare_ns", "mount", "umount2", "keyctl", "add_key", "ptrace",
          "bpf", "perf_event_open", "setns", "clone_newuser", "clone_newnet",
          "clone_newnet_hi", "kexec_load", "io_uring_setup", "userfaultfd",
          "process_vm_readv", "name_to_handle_at", "open_by_handle_at", "adjtimex", "fsopen",
          "personality_norandom", "personality_odd", "personality_hi",
          "personality_norandom_hi", "vsock", "vsock_hi", "alg", "alg_hi", "tiocsti",
          "tiocsti_hi"]
ALLOWED = ["clone", "clone_hi", "fork", "personality_query", "personality_linux", "getpid",
           "inet", "inet_hi", "fionread"]


def test_default_profile_denies_with_eperm():
    r = run(["--user", "nobody", "--seccomp", "default", "--", SYSPROBE]
            + DENIED + ["clone3"] + ALLOWED)
    assert r.returncode == 0, r.stderr
    assert r.stdout == "".join(f"{c}: EPERM\n" for c in DENIED) + "clone3: ENOSYS\n" + \
        "".join(f"{c}: ok\n" for c in ALLOWED)


def test_high_bits_reach_the_kernel_without_a_filter():
    """What the 32-bit argument rules are for: the kernel reads only the low
    32 bits, so socket(0x100000028) is AF_VSOCK and ioctl(HI | TIOCSTI) is
    TIOCSTI (ENOTTY on a pipe, not the filter's EPERM)."""
    bare = subprocess.run([SYSPROBE, "vsock", "vsock_hi", "tiocsti_hi", "personality_hi"],
                          capture_output=True, text=True, stdin=subprocess.DEVNULL)
    assert bare.stdout.splitlines()[1:] == ["vsock_hi: " + bare.stdout.split()[1],
                                            "tiocsti_hi: ENOTTY", "personality_hi: ok"]


def test_calls_newer_than_the_table_get_enosys():
    """statmount (457) and open_tree_attr (467) are newer than libseccomp's
    table: ENOSYS, as for a number no kernel has, while the kernel itself
    (without a filter) implements them; fchmodat2 (452) is in the table and
    allowed, so it reaches the kernel (ENOENT)."""
    calls = ["statmount", "open_tree_attr", "nr:1000", "nr:1024", "nr:99999", "fchmodat2"]
    r = run(["--user", "nobody", "--seccomp", "default", "--", SYSPROBE] + calls)
    assert (r.returncode, r.stdout) == (0, "statmount: ENOSYS\nopen_tree_attr: ENOSYS\n"
                                           "nr:1000: ENOSYS\nnr:1024: ENOSYS\n"
                                           "nr:99999: ENOSYS\nfchmodat2: ENOENT\n"), r.stderr
    bare = subprocess.run([SYSPROBE, "statmount", "open_tree_attr", "fchmodat2"],
                          capture_output=True, text=True)
    if "ENOSYS" in bare.stdout:
        pytest.skip("kernel older than 6.15: " + bare.stdout.replace("\n", " "))
    assert bare.stdout == "statmount: EFAULT\nopen_tree_attr: EFAULT\nfchmodat2: ENOENT\n"


def test_x32_syscall_kills():
    # x86_64's filter also covers the x32 ABI (numbers with bit 30): killed
    # whether or not the kernel has x32 enabled
    r = run(["--seccomp", "default", "--", SYSPROBE, "getpid", "x32_getpid", "getpid"])
    assert (r.returncode, r.stdout) == (128 + 31, "getpid: ok\n")


def test_chroot_allowed_as_root():
    # Docker allows chroot with CAP_SYS_CHROOT (a default capability)
    r = run(["--seccomp", "default", "--", SYSPROBE, "chroot"])
    assert (r.returncode, r.stdout) == (0, "chroot: ok\n"), r.stderr
    r = run(["--user", "nobody", "--seccomp", "default", "--", SYSPROBE, "chroot"])
    assert (r.returncode, r.stdout) == (0, "chroot: EPERM\n"), r.stderr


def test_default_profile_status_lines_as_root():
    got = status_of(["--seccomp", "default"])
    assert got["Seccomp"] == "Seccomp:\t2"
    assert got["NoNewPrivs"] == "NoNewPrivs:\t1"
    assert got["CapEff"] == own_status()["CapEff"]


def test_without_seccomp_the_same_calls_get_past_the_filter():
    r = run(["--", SYSPROBE, "clone3", "personality_norandom", "keyctl"])
    assert r.stdout == "clone3: EINVAL\npersonality_norandom: ok\nkeyctl: ok\n"


def test_ordinary_workloads_run_under_the_default_profile():
    script = ("import subprocess, threading, socket\n"
              "t = threading.Thread(target=lambda: None); t.start(); t.join()\n"
              "print(subprocess.run(['/bin/sh', '-c', 'echo sh ok | cat'],"
              " capture_output=True, text=True).stdout, end='')\n"
              "socket.socket().close()\n"
              "print('python ok')\n")
    r = run(["--user", "nobody", "--seccomp", "default", "--",
             "/usr/bin/python3", "-c", script])
    assert (r.returncode, r.stdout) == (0, "sh ok\npython ok\n"), r.stderr
    r = run(["--seccomp", "default", "--", SYSPROBE, "getpid"])
    assert (r.returncode, r.stdout) == (0, "getpid: ok\n")


def test_foreign_architecture_syscall_kills():
    bare = subprocess.run([SYSPROBE, "i386_getpid"], capture_output=True, text=True)
    if bare.returncode != 0:
        pytest.skip("this kernel has no IA-32 emulation")
    r = run(["--seccomp", "default", "--", SYSPROBE, "i386_getpid"])
    assert r.returncode == 128 + 31  # SIGSYS


def test_profile_file(tmp):
    prof = write(os.path.join(tmp, "p"), "# app profile\n"
                 "include default\n"
                 "allow keyctl        # this app uses the kernel keyring\n"
                 "deny getpid ENOSYS\n"
                 "deny uname 13\n", 0o644)
    r = run(["--user", "nobody", "--seccomp", prof, "--", SYSPROBE,
             "keyctl", "getpid", "mount", "fork"])
    assert (r.returncode, r.stdout) == (
        0, "keyctl: ok\ngetpid: ENOSYS\nmount: EPERM\nfork: ok\n"), r.stderr
    st = status_of(["--seccomp", prof])
    assert st["Seccomp"] == "Seccomp:\t2"


def test_profile_unknown_syscall_exits_78(tmp):
    prof = write(os.path.join(tmp, "p"), "deny mount\ndeny mountt\n", 0o644)
    r = run(["--seccomp", prof, "--", "/bin/echo", "started"])
    assert (r.returncode, r.stdout) == (78, "")
    assert r.stderr == (f"muster: error: --seccomp {prof}: line 2: unknown syscall 'mountt' "
                        "(one libseccomp does not know: nr:N)\n")
    prof = write(os.path.join(tmp, "p"), "allow nr:x467\n", 0o644)
    r = run(["--seccomp", prof, "--", "/bin/echo", "started"])
    assert (r.returncode, r.stdout) == (78, "")
    assert r.stderr == (f"muster: error: --seccomp {prof}: line 1: bad syscall number 'nr:x467' "
                        "(nr:0 to nr:999999)\n")


def test_profile_call_by_number(tmp):
    """A call libseccomp does not know, by its number: allowed on top of
    the built-in list, or refused with the profile's errno."""
    prof = write(os.path.join(tmp, "p"), "include default\n"
                 "allow nr:457     # statmount, newer than libseccomp's table\n"
                 "deny nr:467 EACCES\n", 0o644)
    r = run(["--user", "nobody", "--seccomp", prof, "--", SYSPROBE,
             "statmount", "open_tree_attr", "nr:1000", "mount"])
    bare = subprocess.run([SYSPROBE, "statmount"], capture_output=True, text=True)
    assert (r.returncode, r.stdout) == (
        0, bare.stdout + "open_tree_attr: EACCES\nnr:1000: ENOSYS\nmount: EPERM\n"), r.stderr


def test_seccomp_with_allow_new_privs_needs_sys_admin():
    r = run(["--user", "nobody", "--seccomp", "default", "--allow-new-privs", "--",
             "/bin/echo", "started"])
    assert (r.returncode, r.stdout) == (78, "")
    assert "CAP_SYS_ADMIN" in r.stderr
    # root with all its capabilities may load it without no_new_privs
    got = status_of(["--seccomp", "default", "--allow-new-privs"])
    assert (got["Seccomp"], got["NoNewPrivs"]) == ("Seccomp:\t2", "NoNewPrivs:\t0")
