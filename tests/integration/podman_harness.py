"""Podman for the tests: rootful, with its own storage, runroot, tmp dir,
locks and events under one directory per run (nothing shared with another
run of the suite or with the host's default store), configured through
CONTAINERS_CONF and CONTAINERS_STORAGE_CONF from tests/integration/podman/.
The images are built here from the binary under test and busybox-static:
no registry is needed."""
import json
import os
import shutil
import subprocess
import tempfile
import time
import uuid

from conftest import FIXTURES, MUSTER, SANITIZED, clean_env
from runc_harness import BUSYBOX, copy_shared_libs

HERE = os.path.dirname(os.path.abspath(__file__))
CONF_DIR = os.path.join(HERE, "podman")
CONTAINERFILE = os.path.join(CONF_DIR, "Containerfile")
MUSTER_IMAGE = "localhost/muster-test/muster:latest"
APP_IMAGE = "localhost/muster-test/app:latest"
REDIS_IMAGE = "localhost/muster-test/redis:latest"
REDIS = "/usr/bin/redis-server"
APPLETS = ("sh", "cat", "echo", "printf", "sleep", "grep", "httpd", "rm", "touch", "id",
           "env", "kill", "ls", "test", "true", "false", "wc")
# /etc/hosts base of every container (containers.conf base_hosts_file): the
# kube test's `cache` service listens on the host's loopback
HOSTS = "127.0.0.1 localhost\n::1 localhost\n127.0.0.1 cache\n"


class PodmanUnusable(Exception):
    """podman cannot run a container on this host (the reason is the message)."""


def podman_version():
    out = subprocess.run(["podman", "--version"], capture_output=True, text=True,
                         check=True).stdout
    return tuple(int(x) for x in out.split()[-1].split("-")[0].split(".")[:2])


class Podman:
    def __init__(self, driver=None):
        self.dir = tempfile.mkdtemp(prefix="muster-podman-")
        self.driver = driver or os.environ.get("MUSTER_PODMAN_DRIVER", "overlay")
        self._configure()
        self.env = clean_env(CONTAINERS_CONF=os.path.join(self.dir, "containers.conf"),
                             CONTAINERS_STORAGE_CONF=os.path.join(self.dir, "storage.conf"),
                             HOME=self.dir,
                             # no systemd: no transient timers for healthchecks;
                             # the tests run them with `podman healthcheck run`
                             DISABLE_HC_SYSTEMD="true")

    def _configure(self):
        for name in ("containers.conf", "storage.conf"):
            with open(os.path.join(CONF_DIR, name)) as f:
                text = f.read().replace("@RUN@", self.dir).replace("@DRIVER@", self.driver)
            with open(os.path.join(self.dir, name), "w") as f:
                f.write(text)
        with open(os.path.join(self.dir, "hosts"), "w") as f:
            f.write(HOSTS)

    def __call__(self, *args, timeout=120, check=False, env=None, **kw):
        """Run podman; returns CompletedProcess (text)."""
        r = subprocess.run(["podman", *args], env=env or self.env, capture_output=True,
                           text=True, timeout=timeout, stdin=subprocess.DEVNULL, **kw)
        if check and r.returncode != 0:
            raise AssertionError(f"podman {' '.join(args)}: exit {r.returncode}\n{r.stderr}")
        return r

    def popen(self, *args, env=None, **kw):
        kw.setdefault("stdout", subprocess.PIPE)
        kw.setdefault("stderr", subprocess.PIPE)
        return subprocess.Popen(["podman", *args], env=env or self.env, text=True,
                                stdin=subprocess.DEVNULL, **kw)

    # --- setup and teardown ---------------------------------------------------

    def setup(self):
        """Build the images.  PodmanUnusable when podman cannot run a
        container here at all (the probe is a busybox container that muster
        plays no part in)."""
        r = self("info", "--format", "{{.Store.GraphDriverName}}")
        if r.returncode != 0 and self.driver == "overlay":
            # overlay on overlay (a CI runner inside a container): vfs
            self.driver = "vfs"
            self._configure()
            r = self("info", "--format", "{{.Store.GraphDriverName}}")
        if r.returncode != 0:
            raise PodmanUnusable("podman info: " + r.stderr.strip())
        self.build_images()
        r = self("run", "--rm", "--network", "none", "--entrypoint", "/bin/true", APP_IMAGE)
        if r.returncode != 0:
            raise PodmanUnusable("podman cannot run a container here: " + r.stderr.strip())

    def build_images(self):
        ctx = os.path.join(self.dir, "context")
        rootfs = os.path.join(ctx, "rootfs")
        for d in ("bin", "etc", "tmp", "www", "fixtures", "usr/local/bin"):
            os.makedirs(os.path.join(rootfs, d))
        os.chmod(os.path.join(rootfs, "tmp"), 0o1777)
        shutil.copy(MUSTER, os.path.join(ctx, "muster"))
        if SANITIZED:
            copy_shared_libs(MUSTER, rootfs)
        shutil.copy(BUSYBOX, os.path.join(rootfs, "bin/busybox"))
        for applet in APPLETS:
            os.symlink("busybox", os.path.join(rootfs, "bin", applet))
        os.symlink("/muster", os.path.join(rootfs, "usr/local/bin/muster"))
        for name in sorted(os.listdir(FIXTURES)):
            shutil.copy(os.path.join(FIXTURES, name), os.path.join(rootfs, "fixtures", name))
        files = {"etc/passwd": "root:x:0:0:root:/root:/bin/sh\n"
                               "app:x:1000:1000:app:/home/app:/bin/sh\n"
                               "nobody:x:65534:65534:nobody:/:/bin/false\n",
                 "etc/group": "root:x:0:\napp:x:1000:\nnogroup:x:65534:\n",
                 "www/healthz": "ok\n", "www/ready": "ready\n"}
        for rel, text in files.items():
            with open(os.path.join(rootfs, rel), "w") as f:
                f.write(text)
        self("build", "--format", "docker", "--target", "muster", "-t", MUSTER_IMAGE,
             "-f", CONTAINERFILE, ctx, check=True)
        self("build", "--format", "docker", "-t", APP_IMAGE, "-f", CONTAINERFILE, ctx,
             check=True)

        rctx = os.path.join(self.dir, "redis-context")
        os.makedirs(os.path.join(rctx, "rootfs/usr/bin"))
        # redis-server is a link to redis-check-rdb, which picks its mode by
        # argv[0]: copy the file under the server's name
        shutil.copy(os.path.realpath(REDIS), os.path.join(rctx, "rootfs", REDIS.lstrip("/")))
        copy_shared_libs(REDIS, os.path.join(rctx, "rootfs"))
        self("build", "--format", "docker", "-t", REDIS_IMAGE,
             "-f", os.path.join(CONF_DIR, "redis.Containerfile"), rctx, check=True)

    def cleanup(self):
        self("pod", "rm", "--all", "--force", "--time", "0", timeout=120)
        self("rm", "--all", "--force", "--time", "0", timeout=120)
        self("system", "reset", "--force", timeout=120)
        # nothing of this run may stay mounted when its directory goes
        with open("/proc/self/mountinfo") as f:
            mounts = [line.split()[4] for line in f]
        for m in sorted((m for m in mounts if m.startswith(self.dir + "/")), reverse=True):
            subprocess.run(["umount", "-l", m], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- helpers for the tests ----------------------------------------------------

    @staticmethod
    def name(prefix="mt"):
        return f"{prefix}-{uuid.uuid4().hex[:10]}"

    def inspect(self, name, fmt):
        return self("inspect", "--format", fmt, name, check=True).stdout.strip()

    def state(self, name):
        r = self("inspect", "--format", "{{.State.Status}}", name)
        return r.stdout.strip() if r.returncode == 0 else None

    def logs(self, name):
        """(stdout, stderr) of a container so far."""
        r = self("logs", name, check=True)
        return r.stdout, r.stderr

    def wait_logs(self, name, want, timeout=20.0, stream="stdout"):
        """Poll a container's log until `want` is in it; returns the log."""
        deadline = time.monotonic() + timeout
        while True:
            out, err = self.logs(name)
            text, other = (out, err) if stream == "stdout" else (err, out)
            if want in text:
                return text
            if time.monotonic() > deadline:
                raise AssertionError(f"{want!r} not in {name}'s {stream} within {timeout}s: "
                                     f"{text!r} (the other stream: {other!r})")
            time.sleep(0.1)

    def wait_state(self, name, want, timeout=20.0):
        deadline = time.monotonic() + timeout
        while True:
            s = self.state(name)
            if s == want:
                return
            if time.monotonic() > deadline:
                raise AssertionError(f"{name} is {s}, not {want}, after {timeout}s")
            time.sleep(0.1)

    def events(self, **filters):
        """The events of this run (the file logger), oldest first, as dicts."""
        args = ["events", "--stream=false", "--format", "{{json .}}"]
        for k, v in filters.items():
            args += ["--filter", f"{k}={v}"]
        out = self(*args, check=True).stdout
        return [json.loads(line) for line in out.splitlines() if line.strip()]
