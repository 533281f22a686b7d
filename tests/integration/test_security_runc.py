"""The security stage inside a real runc container with a scratch rootfs
(only /muster and busybox): a root-only secret in /run/secrets, the workload
as the image's app user."""
import os
import shutil

import pytest

from runc_harness import Container

# Docker's default capability set: what `docker run` gives PID 1
DOCKER_CAPS = ["CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD",
               "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
               "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE"]

pytestmark = pytest.mark.skipif(os.geteuid() != 0 or not shutil.which("runc"),
                                reason="needs root and runc")

SCRIPT = ('echo "DB_PASSWORD=$DB_PASSWORD"; env | grep -c _FILE; '
          'cat /run/secrets/db || echo "cat failed"; id; '
          'grep -E "^(Cap(Prm|Eff|Bnd|Amb)|NoNewPrivs|Seccomp):" /proc/self/status')


def test_root_only_secret_reaches_app_user_who_cannot_read_it():
    c = Container(["/muster", "--user", "app", "--cap-keep", "NET_BIND_SERVICE",
                   "--seccomp", "default", "--", "/bin/sh", "-c", SCRIPT],
                  env={"DB_PASSWORD_FILE": "/run/secrets/db"}, caps=DOCKER_CAPS)
    c.write("run/secrets/db", "hunter2\n", mode=0o400)
    r = c.run()
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("DB_PASSWORD=hunter2\n"
                        "0\n"
                        "cat failed\n"
                        "uid=1000(app) gid=1000(app) groups=1000(app)\n"
                        "CapPrm:\t0000000000000400\n"
                        "CapEff:\t0000000000000400\n"
                        "CapBnd:\t0000000000000400\n"
                        "CapAmb:\t0000000000000400\n"
                        "NoNewPrivs:\t1\n"
                        "Seccomp:\t2\n")
    assert "cat: can't open '/run/secrets/db': Permission denied" in r.stderr
    assert "hunter2" not in r.stderr


def test_unknown_user_in_scratch_image_exits_78():
    c = Container(["/muster", "--user", "postgres", "--", "/bin/echo", "started"],
                  caps=DOCKER_CAPS)
    r = c.run()
    assert (r.returncode, r.stdout) == (78, "")
    assert "unknown user 'postgres' (not in /etc/passwd)" in r.stderr


def test_already_the_app_user_is_accepted():
    """`USER app` in the Dockerfile and [security] user = app: nothing to
    change and no right to change it; the bounding set cannot be dropped
    without CAP_SETPCAP, and no_new_privs makes it unusable anyway."""
    c = Container(["/muster", "--user", "app", "--", "/bin/grep", "-E",
                   "^(Uid|Gid|Groups|CapPrm|CapEff|CapAmb|NoNewPrivs):", "/proc/self/status"],
                  user=(1000, 1000), caps=DOCKER_CAPS)
    r = c.run()
    assert r.returncode == 0, r.stderr
    assert r.stdout == ("Uid:\t1000\t1000\t1000\t1000\n"
                        "Gid:\t1000\t1000\t1000\t1000\n"
                        "Groups:\t \n"  # as runc left them (none): no right to change
                        "CapPrm:\t0000000000000000\n"
                        "CapEff:\t0000000000000000\n"
                        "CapAmb:\t0000000000000000\n"
                        "NoNewPrivs:\t1\n")
    assert "bounding set left as it is" in r.stderr


def test_non_root_cannot_become_another_user():
    c = Container(["/muster", "--user", "nobody", "--", "/bin/echo", "started"],
                  user=(1000, 1000), caps=DOCKER_CAPS)
    r = c.run()
    assert (r.returncode, r.stdout) == (78, "")
    assert "--user: setgroups: Operation not permitted" in r.stderr


def test_keeping_a_capability_muster_lacks_exits_78():
    caps = [c for c in DOCKER_CAPS if c != "CAP_NET_BIND_SERVICE"]
    c = Container(["/muster", "--user", "app", "--cap-keep", "NET_BIND_SERVICE", "--",
                   "/bin/echo", "started"], caps=caps)
    r = c.run()
    assert (r.returncode, r.stdout) == (78, "")
    assert ("--cap-keep NET_BIND_SERVICE: muster does not have this capability itself"
            in r.stderr)


def test_user_without_cap_kill_is_warned_about():
    # Kubernetes' `drop: [ALL]` without KILL: muster (root) could not signal
    # a workload of another uid, so it says so before starting it
    caps = [c for c in DOCKER_CAPS if c != "CAP_KILL"]
    c = Container(["/muster", "--user", "app", "--", "/bin/echo", "started"], caps=caps)
    r = c.run()
    assert (r.returncode, r.stdout) == (0, "started\n")
    assert r.stderr == ("muster: warning: --user app: muster lacks CAP_KILL, so it cannot "
                        "signal the workload (add KILL to the container's capabilities)\n")
    # with CAP_KILL (Docker's default set) there is nothing to say
    c = Container(["/muster", "--user", "app", "--", "/bin/echo", "started"], caps=DOCKER_CAPS)
    r = c.run()
    assert (r.returncode, r.stdout, r.stderr) == (0, "started\n", "")
