"""Secret files stay inside their directory: every --env-dir entry, and a
NAME_FILE that lies in a secrets dir, is opened once, beneath that
directory; a link that leads outside is refused (exit 78, one line naming
the variable and the file, never the content), in every mode that loads
secrets: the main one (as PID 1), `wait`, `config` and `health`.

No test here races a link swap against muster: there is no check-then-open
gap to race.  The file is opened by a walk on directory fds (conf/file.c's
open_beneath): each symlink is read from the directory fd it lies in and its
target walked by the same rules, everything else is opened with O_NOFOLLOW,
so a link swapped in meanwhile makes the open fail instead of being
followed, and what was checked is the fd that is read (the unit test
t_beneath_swap in tests/unit/test_file.c plays that swap deterministically)."""
import os
import socket
import subprocess

import pytest

from conftest import MUSTER, SANITIZED, clean_env, run

ROOT_ONLY = "hunter2-root-only"
K8S = "..2024_01_01_00_00_00.123456789"


@pytest.fixture
def tmp(tmp_path):
    return str(tmp_path)


def write(path, data, mode=0o600):
    with open(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode), "w") as f:
        f.write(data)
    return path


def mkdir(*parts):
    p = os.path.join(*parts)
    os.mkdir(p)
    return p


def kubernetes(d, key, value):
    """Kubernetes' secret and configmap volume layout, exactly."""
    mkdir(d, K8S)
    write(os.path.join(d, K8S, key), value, 0o644)
    os.symlink(K8S, os.path.join(d, "..data"))
    os.symlink("..data/" + key, os.path.join(d, key))


def root_only(tmp):
    return write(os.path.join(tmp, "root-only"), ROOT_ONLY + "\n", 0o600)


def environ(args, env):
    return run(list(args) + ["--", "/bin/cat", "/proc/self/environ"], env=env)


def loads(args, env, *assignments):
    """muster ARGS -- cat /proc/self/environ gives exactly PATH and these
    (in any order: qemu-user reverses the emulated program's environment)."""
    r = environ(args, env)
    assert r.returncode == 0, r.stderr
    assert r.stdout.endswith("\0")
    assert sorted(r.stdout[:-1].split("\0")) == sorted(("PATH=" + env["PATH"],) + assignments)
    return r


def refused(r, line):
    assert r.returncode == 78, (r.stdout, r.stderr)
    assert r.stdout == ""
    assert r.stderr == line
    assert ROOT_ONLY not in r.stderr


# --- --env-dir ----------------------------------------------------------------

def test_env_dir_link_out_is_refused(tmp):
    d = mkdir(tmp, "env")
    write(os.path.join(d, "A"), "1\n")
    os.symlink(root_only(tmp), os.path.join(d, "LEAK"))
    r = environ(["--env-dir", d], clean_env())
    refused(r, f"muster: error: LEAK: {d}/LEAK leads outside {d}\n")
    # a relative link climbing out is the same
    os.unlink(os.path.join(d, "LEAK"))
    os.symlink("../root-only", os.path.join(d, "LEAK"))
    refused(environ(["--env-dir", d], clean_env()),
            f"muster: error: LEAK: {d}/LEAK leads outside {d}\n")


def test_env_dir_links_inside_and_kubernetes_layout(tmp):
    d = mkdir(tmp, "env")
    write(os.path.join(d, "HOST"), "db.local\n")
    mkdir(d, "sub")
    write(os.path.join(d, "sub", "port"), "5432\n")
    os.symlink("HOST", os.path.join(d, "ALIAS"))
    os.symlink("sub/port", os.path.join(d, "PORT"))
    kubernetes(d, "API_KEY", "from-k8s")
    loads(["--env-dir", d], clean_env(), "ALIAS=db.local", "API_KEY=from-k8s", "HOST=db.local",
          "PORT=5432")


def test_env_dir_fifo_dir_and_dangling_link_skipped(tmp):
    d = mkdir(tmp, "env")
    write(os.path.join(d, "A"), "1")
    os.mkfifo(os.path.join(d, "F"))
    mkdir(d, "SUB")
    os.symlink("nothing", os.path.join(d, "DANGLING"))
    r = loads(["--log-level", "debug", "--env-dir", d], clean_env(), "A=1")
    for name in ("DANGLING", "F", "SUB"):
        assert f"muster: --env-dir: {d}/{name} skipped: not a regular file\n" in r.stderr


# --- NAME_FILE ------------------------------------------------------------------

def test_name_file_in_secrets_dir_leading_out_is_refused(tmp):
    sec = mkdir(tmp, "secrets")
    os.symlink(root_only(tmp), os.path.join(sec, "db"))
    path = os.path.join(sec, "db")
    env = clean_env(DB_PASSWORD_FILE=path)
    refused(environ(["--secrets-dir", sec], env),
            f"muster: error: DB_PASSWORD_FILE: {path} leads outside {sec}\n")
    # the path itself climbing out of the dir
    path = sec + "/../root-only"
    env = clean_env(DB_PASSWORD_FILE=path)
    refused(environ(["--secrets-dir", sec], env),
            f"muster: error: DB_PASSWORD_FILE: {path} leads outside {sec}\n")


def test_name_file_kubernetes_layout_and_the_dir_through_a_link(tmp):
    sec = mkdir(tmp, "secrets")
    kubernetes(sec, "db", "s3cret\n")
    os.symlink("secrets", os.path.join(tmp, "via"))
    env = clean_env(A_FILE=os.path.join(sec, "db"), B_FILE=os.path.join(tmp, "via", "db"))
    loads(["--secrets-dir", sec], env, "A=s3cret", "B=s3cret")


def test_secret_option_may_point_anywhere(tmp):
    """--secret NAME: the user said where the file is; links are followed."""
    sec = mkdir(tmp, "secrets")
    write(os.path.join(tmp, "token"), "tok\n")
    os.symlink(os.path.join(tmp, "token"), os.path.join(sec, "token"))
    env = clean_env(TOKEN_FILE=os.path.join(sec, "token"))
    loads(["--secrets-dir", sec, "--secret", "TOKEN"], env, "TOKEN=tok")


def test_name_file_outside_every_secrets_dir_is_left_alone(tmp):
    sec = mkdir(tmp, "secrets")
    write(os.path.join(sec, "db"), "pw\n")
    os.symlink(os.path.join(sec, "db"), os.path.join(tmp, "link"))
    env = clean_env(LOG_FILE=os.path.join(tmp, "link"), CONF_FILE=root_only(tmp))
    loads(["--secrets-dir", sec], env, "LOG_FILE=" + env["LOG_FILE"],
          "CONF_FILE=" + env["CONF_FILE"])


@pytest.mark.parametrize("kind", ["fifo", "dir"])
def test_name_file_fifo_or_dir_is_not_a_regular_file(tmp, kind):
    sec = mkdir(tmp, "secrets")
    path = os.path.join(sec, "pw")
    os.mkfifo(path) if kind == "fifo" else os.mkdir(path)
    refused(environ(["--secrets-dir", sec], clean_env(PW_FILE=path)),
            f"muster: error: PW_FILE: {path} is not a regular file\n")


# --- every mode refuses the same way ------------------------------------------

@pytest.fixture(params=["env-dir", "NAME_FILE"])
def leak(request, tmp):
    """Options and environment that secrets_load() refuses, and its line."""
    if request.param == "env-dir":
        d = mkdir(tmp, "env")
        os.symlink(root_only(tmp), os.path.join(d, "LEAK"))
        return ["--env-dir", d], clean_env(), f"muster: error: LEAK: {d}/LEAK leads outside {d}\n"
    sec = mkdir(tmp, "secrets")
    os.symlink(root_only(tmp), os.path.join(sec, "db"))
    return (["--secrets-dir", sec], clean_env(DB_FILE=sec + "/db"),
            f"muster: error: DB_FILE: {sec}/db leads outside {sec}\n")


def test_wait_mode_refuses(leak):
    args, env, line = leak
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()
        url = "tcp://127.0.0.1:%d" % s.getsockname()[1]
        refused(run(["wait"] + args + [url], pid1=False, env=env), line)
        r = run(["wait", url], pid1=False, env=env)
        assert r.returncode == 0, r.stderr  # the same, without the leaking option


def test_config_mode_refuses(leak):
    args, env, line = leak
    refused(run(["config"] + args, pid1=False, env=env), line)


def test_health_mode_refuses(leak):
    args, env, line = leak
    r = run(["health"] + args + ["tcp://127.0.0.1:1"], pid1=False, env=env)
    assert r.returncode == 1
    assert r.stdout == "unhealthy: cannot load secrets (see the error above)\n"
    assert r.stderr == line
    assert ROOT_ONLY not in r.stdout + r.stderr


def test_main_mode_refuses(leak):
    args, env, line = leak
    refused(environ(args, env), line)


@pytest.mark.skipif(SANITIZED, reason="LeakSanitizer needs /proc (/proc/PID/task) at exit")
def test_without_proc(tmp):
    """No /proc (a FROM-scratch container before anything mounts it): the
    walk needs none; a Kubernetes volume loads, a link out is refused."""
    d = mkdir(tmp, "env")
    kubernetes(d, "KEY", "v")
    script = 'umount -l /proc && test ! -e /proc/self && exec "$@"'
    cmd = ["unshare", "--mount", "sh", "-c", script, "sh", MUSTER, "config", "--env-dir", d]
    r = subprocess.run(cmd, env=clean_env(), capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stderr
    os.symlink(root_only(tmp), os.path.join(d, "LEAK"))
    r = subprocess.run(cmd, env=clean_env(), capture_output=True, text=True, timeout=30)
    refused(r, f"muster: error: LEAK: {d}/LEAK leads outside {d}\n")
