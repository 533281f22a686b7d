"""A real OCI runtime for the tests: runc with a rootfs that holds only muster
and busybox-static, which is what a distroless image is."""
import json
import os
import shutil
import subprocess
import tempfile
import uuid

from conftest import MUSTER, SANITIZED

BUSYBOX = "/bin/busybox"


def copy_shared_libs(binary, rootfs):
    """The sanitizer build is dynamic: give it its libraries (and the loader)
    at the same paths inside the rootfs, so the runc tests run it too."""
    out = subprocess.run(["ldd", binary], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        path = line.split("=>")[-1].split("(")[0].strip()
        if path.startswith("/"):
            dest = os.path.join(rootfs, path.lstrip("/"))
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            shutil.copy(os.path.realpath(path), dest)


class Container:
    """One bundle: rootfs with /muster and /bin/busybox (+ applet links)."""

    def __init__(self, args, env=None, user=(0, 0), host_net=True, caps=None,
                 only_muster=False):
        self.dir = tempfile.mkdtemp(prefix="muster-runc-")
        self.id = "muster-test-" + uuid.uuid4().hex[:10]
        self.rootfs = os.path.join(self.dir, "rootfs")
        for d in ("bin", "etc", "proc", "dev", "tmp", "run/secrets", "sys"):
            os.makedirs(os.path.join(self.rootfs, d), exist_ok=True)
        os.chmod(os.path.join(self.rootfs, "tmp"), 0o1777)
        shutil.copy(MUSTER, os.path.join(self.rootfs, "muster"))
        if SANITIZED and not only_muster:
            copy_shared_libs(MUSTER, self.rootfs)
        shutil.copy(BUSYBOX, os.path.join(self.rootfs, "bin/busybox"))
        for applet in ("sh", "cat", "sleep", "echo", "id", "ls", "kill", "ps",
                       "grep", "env", "true", "false", "nc", "wc", "trap"):
            os.symlink("busybox", os.path.join(self.rootfs, "bin", applet))
        self.write("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n"
                   "app:x:1000:1000:app:/home/app:/bin/sh\n"
                   "nobody:x:65534:65534:nobody:/:/bin/false\n")
        self.write("etc/group", "root:x:0:\napp:x:1000:\nnogroup:x:65534:\n")
        self.write("etc/hosts", "127.0.0.1 localhost\n::1 localhost\n")
        self.write("etc/resolv.conf", "nameserver 127.0.0.1\n")
        if only_muster:
            # what a FROM scratch image holding only muster is: /muster and
            # nothing else, not even /etc or /proc (runc makes mount points)
            for name in os.listdir(self.rootfs):
                if name != "muster":
                    shutil.rmtree(os.path.join(self.rootfs, name))
        subprocess.run(["runc", "spec"], cwd=self.dir, capture_output=True, check=True)
        with open(os.path.join(self.dir, "config.json")) as f:
            spec = json.load(f)
        spec["process"]["terminal"] = False
        spec["process"]["args"] = list(args)
        spec["process"]["env"] = ["PATH=/bin"] + [f"{k}={v}" for k, v in (env or {}).items()]
        spec["process"]["user"] = {"uid": user[0], "gid": user[1]}
        spec["root"]["readonly"] = False
        if caps is not None:
            for k in ("bounding", "effective", "permitted"):
                spec["process"]["capabilities"][k] = caps
        if host_net:
            spec["linux"]["namespaces"] = [n for n in spec["linux"]["namespaces"]
                                           if n["type"] != "network"]
        self.spec = spec

    def write(self, rel, text, mode=0o644, uid=0, gid=0):
        path = os.path.join(self.rootfs, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w") as f:
            f.write(text)
        os.chmod(path, mode)
        os.chown(path, uid, gid)
        return path

    def _save(self):
        with open(os.path.join(self.dir, "config.json"), "w") as f:
            json.dump(self.spec, f)

    def run(self, timeout=60):
        """Run to completion; returns CompletedProcess (stdout/stderr text)."""
        self._save()
        try:
            return subprocess.run(["runc", "run", "--bundle", self.dir, self.id],
                                  capture_output=True, text=True, timeout=timeout,
                                  stdin=subprocess.DEVNULL)
        finally:
            self.cleanup()

    def start(self):
        """Run in the background; use kill() and wait()."""
        self._save()
        self.proc = subprocess.Popen(["runc", "run", "--bundle", self.dir, self.id],
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     stdin=subprocess.DEVNULL, text=True)
        return self.proc

    def state(self):
        r = subprocess.run(["runc", "state", self.id], capture_output=True, text=True)
        return json.loads(r.stdout) if r.returncode == 0 else None

    def kill(self, sig="TERM", all_=False):
        cmd = ["runc", "kill"] + (["--all"] if all_ else []) + [self.id, sig]
        return subprocess.run(cmd, capture_output=True, text=True)

    def wait(self, timeout=60):
        try:
            out, err = self.proc.communicate(timeout=timeout)
            return self.proc.returncode, out, err
        finally:
            self.cleanup()

    def cleanup(self):
        subprocess.run(["runc", "delete", "--force", self.id], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)
