"""Packaging: the binary in a rootfs that holds nothing else (what the
FROM scratch image of packaging/Dockerfile is, run with runc the way Docker
would), `make install`, the man page, the .deb, and the muster command
lines of the packaging examples."""
import json
import os
import re
import shlex
import shutil
import socket
import stat
import subprocess
import tempfile

import pytest
import yaml

from conftest import MUSTER, clean_env, needs_static, run
from runc_harness import Container

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PKG = os.path.join(ROOT, "packaging")
EX_USAGE = 64


def version():
    with open(os.path.join(ROOT, "Makefile")) as f:
        return re.search(r"^VERSION\s*:=\s*(\S+)", f.read(), re.M).group(1)


def make(*args, timeout=120):
    """Run make in the repository, outside any make that runs the tests."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return subprocess.run(["make", "-s", "--no-print-directory", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


# --- the scratch image, run with runc ---------------------------------------

def dockerfile_instructions(path):
    """(INSTRUCTION, rest) of a Dockerfile, continuation lines joined."""
    with open(path) as f:
        text = re.sub(r"\\\n", " ", f.read())
    out = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            word, _, rest = line.partition(" ")
            out.append((word.upper(), rest.strip()))
    return out


def scratch_stage():
    """The final stage of packaging/Dockerfile: FROM, COPY and ENTRYPOINT."""
    ins = dockerfile_instructions(os.path.join(PKG, "Dockerfile"))
    last = max(i for i, (w, _) in enumerate(ins) if w == "FROM")
    return ins[last:]


def test_dockerfile_final_stage_holds_only_muster():
    stage = scratch_stage()
    assert stage[0] == ("FROM", "scratch")
    copies = [r for w, r in stage if w == "COPY"]
    assert copies == ["--from=build /src/build/release/muster /muster"]
    assert ("ENTRYPOINT", '["/muster"]') in stage


@needs_static
def test_binary_is_static():
    out = subprocess.run(["file", "-b", MUSTER], capture_output=True, text=True).stdout
    assert "statically linked" in out, out


def scratch(args):
    c = Container(args, only_muster=True)
    assert os.listdir(c.rootfs) == ["muster"]
    return c.run(timeout=60)


@needs_static
def test_scratch_rootfs_version():
    r = scratch(["/muster", "--version"])
    assert (r.returncode, r.stdout, r.stderr) == (0, f"muster {version()}\n", "")


@needs_static
def test_scratch_rootfs_help_exits_0():
    # the image's default CMD is --help
    r = scratch(["/muster", "--help"])
    assert r.returncode == 0
    assert r.stdout.startswith("usage: muster [OPTIONS] [--] COMMAND [ARG...]\n")


@needs_static
def test_scratch_rootfs_wait_file():
    r = scratch(["/muster", "wait", "file:///muster"])
    assert r.returncode == 0, r.stderr


@needs_static
def test_scratch_rootfs_wait_timeout_is_69():
    r = scratch(["/muster", "wait", "--timeout", "300ms", "file:///nothing-here"])
    assert r.returncode == 69
    assert "file:///nothing-here" in r.stderr


@needs_static
def test_scratch_rootfs_resolves_through_etc_hosts():
    # no libc, no NSS modules in the image: only the /etc/hosts Docker adds
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen(8)
        port = srv.getsockname()[1]
        c = Container(["/muster", "wait", "--timeout", "5s", f"tcp://db.internal:{port}"],
                      only_muster=True)
        c.write("etc/hosts", "127.0.0.1 localhost\n127.0.0.1 db.internal\n")
        assert sorted(os.listdir(c.rootfs)) == ["etc", "muster"]
        r = c.run(timeout=60)
    assert r.returncode == 0, r.stderr


@needs_static
def test_scratch_rootfs_pid1_runs_workload():
    # muster as PID 1 with itself as the workload: exit code passed through
    r = scratch(["/muster", "--", "/muster", "--version"])
    assert (r.returncode, r.stdout) == (0, f"muster {version()}\n")


# --- make install and the man page --------------------------------------------

def test_make_install_layout():
    dest = tempfile.mkdtemp(prefix="muster-install-")
    try:
        r = make("install", f"DESTDIR={dest}", "PREFIX=/usr", f"MUSTER_BIN={MUSTER}")
        assert r.returncode == 0, r.stderr
        binp = os.path.join(dest, "usr/bin/muster")
        man = os.path.join(dest, "usr/share/man/man1/muster.1")
        assert stat.S_IMODE(os.stat(binp).st_mode) == 0o755
        assert stat.S_IMODE(os.stat(man).st_mode) == 0o644
        with open(binp, "rb") as a, open(MUSTER, "rb") as b:
            assert a.read() == b.read()
        with open(man) as a, open(os.path.join(PKG, "muster.1")) as b:
            assert a.read() == b.read()
        found = sorted(os.path.relpath(os.path.join(d, f), dest)
                       for d, _, fs in os.walk(dest) for f in fs)
        assert found == ["usr/bin/muster", "usr/share/man/man1/muster.1"]
    finally:
        shutil.rmtree(dest)


def test_man_page_renders_without_warnings():
    r = subprocess.run(["groff", "-ww", "-man", "-z", os.path.join(PKG, "muster.1")],
                       capture_output=True, text=True)
    assert (r.returncode, r.stderr) == (0, "")
    r = subprocess.run(["man", "--warnings", "-l", os.path.join(PKG, "muster.1")],
                       capture_output=True, text=True,
                       env=clean_env(MANWIDTH="80", MAN_DISABLE_SECCOMP="1", LC_ALL="C.UTF-8"))
    assert (r.returncode, r.stderr) == (0, "")
    for section in ("SYNOPSIS", "COMMANDS", "OPTIONS", "URLS", "EXIT STATUS"):
        assert f"\n{section}\n" in r.stdout


def man_generated_section():
    with open(os.path.join(PKG, "muster.1")) as f:
        page = f.read()
    m = re.search(r'^\.\\" BEGIN GENERATED OPTIONS\n(.*)^\.\\" END GENERATED OPTIONS\n',
                  page, re.M | re.S)
    assert m, "markers missing in muster.1"
    return m.group(1)


def test_man_options_are_the_option_table():
    # conf/options.c changed without `make man`: this fails
    r = make("build/gen-man-options")
    assert r.returncode == 0, r.stderr
    gen = subprocess.run([os.path.join(ROOT, "build/gen-man-options")],
                         capture_output=True, text=True, check=True).stdout
    assert man_generated_section() == gen


def test_every_help_flag_is_in_the_man_page():
    section = man_generated_section()
    for mode in ([], ["wait"], ["health"], ["config"]):
        out = run(mode + ["--help"], pid1=False).stdout
        for flag in set(re.findall(r"(?<![\w-])--([a-z][a-z-]*)", out)):
            if flag in ("help", "version"):
                continue
            assert "\\-\\-" + flag.replace("-", "\\-") in section, (mode, flag)


# --- the Debian package -----------------------------------------------------------

@pytest.mark.skipif(not os.path.exists(os.path.join(ROOT, "build/third_party/.done")),
                    reason="third-party musl libraries not built (make release)")
def test_deb_installs_and_runs():
    r = make("deb", timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    deb = os.path.join(ROOT, f"build/deb/muster_{version()}_amd64.deb")
    listing = subprocess.run(["dpkg-deb", "-c", deb], capture_output=True, text=True,
                             check=True).stdout
    files = sorted(line.split()[-1] for line in listing.splitlines()
                   if not line.startswith("d"))
    assert files == ["./usr/bin/muster", "./usr/share/doc/muster/changelog.Debian.gz",
                     "./usr/share/doc/muster/copyright",
                     "./usr/share/man/man1/muster.1.gz"]
    root = tempfile.mkdtemp(prefix="muster-dpkg-")
    try:
        os.makedirs(os.path.join(root, "var/lib/dpkg/info"))
        os.makedirs(os.path.join(root, "var/lib/dpkg/updates"))
        for f in ("status", "available"):
            open(os.path.join(root, "var/lib/dpkg", f), "w").close()
        r = subprocess.run(["dpkg", f"--root={root}", "--force-script-chrootless", "-i", deb],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        r = subprocess.run([os.path.join(root, "usr/bin/muster"), "--version"],
                           capture_output=True, text=True)
        assert (r.returncode, r.stdout) == (0, f"muster {version()}\n")
        r = subprocess.run(["file", "-b", os.path.join(root, "usr/bin/muster")],
                           capture_output=True, text=True)
        assert "statically linked" in r.stdout
    finally:
        shutil.rmtree(root)


# --- the examples' muster command lines ------------------------------------------

def muster_argv(argv):
    """The part of a command line after the muster binary, or None."""
    if argv and os.path.basename(argv[0]) == "muster":
        return list(argv[1:])
    return None


def example_command_lines():
    lines = []
    for name in ("examples/distroless.Dockerfile", "examples/debian-slim.Dockerfile"):
        for word, rest in dockerfile_instructions(os.path.join(PKG, name)):
            if word == "ENTRYPOINT":
                lines.append((name, muster_argv(json.loads(rest))))
            elif word == "HEALTHCHECK":
                cmd = rest[rest.index("CMD ") + 4:]
                lines.append((name, muster_argv(json.loads(cmd))))
    with open(os.path.join(PKG, "compose.yaml")) as f:
        compose = yaml.safe_load(f)
    for svc, d in compose["services"].items():
        for argv in (d.get("entrypoint"), d.get("healthcheck", {}).get("test", [None])[1:]):
            a = muster_argv(argv)
            if a is not None:
                # compose's $$ is a literal $
                lines.append((f"compose {svc}", [s.replace("$$", "$") for s in a]))
    with open(os.path.join(PKG, "k8s.yaml")) as f:
        for doc in yaml.safe_load_all(f):
            if doc["kind"] != "Deployment":
                continue
            spec = doc["spec"]["template"]["spec"]
            for c in spec.get("initContainers", []) + spec["containers"]:
                lines.append((f"k8s {c['name']}", muster_argv(c["command"])))
                for probe in ("startupProbe", "livenessProbe", "readinessProbe"):
                    if probe in c:
                        lines.append((f"k8s {probe}", muster_argv(c[probe]["exec"]["command"])))
    assert all(a is not None for _, a in lines), lines
    return lines


def as_check(argv):
    """The example's command line, made harmless and quick: the main mode's
    options go to `muster config`, a wait's deadline becomes 10ms."""
    if argv[0] == "wait":
        a = list(argv)
        if "--timeout" in a:
            a[a.index("--timeout") + 1] = "10ms"
        return a
    if argv[0] == "health":
        return list(argv)
    return ["config"] + (argv[:argv.index("--")] if "--" in argv else argv)


def test_examples_have_them_all():
    names = {n for n, _ in example_command_lines()}
    assert {"examples/distroless.Dockerfile", "examples/debian-slim.Dockerfile",
            "compose app", "compose db", "compose cache", "k8s wait-for-deps", "k8s app",
            "k8s livenessProbe", "k8s readinessProbe"} <= names


@pytest.mark.parametrize("where,argv", example_command_lines(),
                         ids=lambda v: v if isinstance(v, str) else None)
def test_example_command_line_is_not_a_usage_error(where, argv, tmp_path):
    secret = tmp_path / "secret"
    secret.write_text("s3cret")
    env = clean_env(REDIS_PASSWORD_FILE=secret, DATABASE_PASSWORD_FILE=secret)
    check = as_check(argv)
    r = run(check, pid1=False, env=env, timeout=30)
    assert r.returncode != EX_USAGE, (where, shlex.join(argv), r.stderr)
    assert "unknown option" not in r.stderr
