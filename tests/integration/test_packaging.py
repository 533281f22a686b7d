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
from test_release import DEB_ARCH, SBOM, SOURCES

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
    assert copies == ["--from=build /out/bin/muster /muster"]
    assert ("ENTRYPOINT", '["/muster"]') in stage


# docker buildx build --platform linux/amd64,linux/arm64: what can be checked
# without a Docker engine.  The build stage runs on the build machine's
# platform and cross-compiles for TARGETARCH, which buildx sets to amd64 or
# arm64; the Makefile takes those as ARCH.
BUILDX_ARCHES = {"amd64": "build/release", "arm64": "build/release-aarch64"}


def build_stage():
    ins = dockerfile_instructions(os.path.join(PKG, "Dockerfile"))
    last = max(i for i, (w, _) in enumerate(ins) if w == "FROM")
    return ins[:last]


def make_n(*args):
    """What make would run (make -n), one command per line, in an
    environment like the build stage's (none of the test run's make
    variables, such as MUSTER_BIN)."""
    r = subprocess.run(["make", "-n", "--no-print-directory", *args], cwd=ROOT,
                       env=clean_env(), capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_dockerfile_build_stage_cross_compiles_for_the_target_platform():
    stage = build_stage()
    assert stage[0] == ("FROM", "--platform=$BUILDPLATFORM debian:12 AS build")
    words = [w for w, _ in stage]
    # TARGETARCH is declared before any RUN uses it; SOURCE_DATE_EPOCH
    # (buildx passes it as a build arg) before the release build
    assert words.index("ARG") < words.index("RUN")
    assert ("ARG", "TARGETARCH") in stage and ("ARG", "SOURCE_DATE_EPOCH") in stage
    runs = [" ".join(r.split()) for w, r in stage if w == "RUN"]
    assert [r for r in runs if "make deps" in r] == [
        "apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y "
        "--no-install-recommends make && make deps ARCH=$TARGETARCH DEPS_TEST= DEPS_FUZZ= "
        "DEPS_BENCH= DEPS_PKGTEST= DEPS_ARM64= && rm -rf /var/lib/apt/lists/*"]
    assert runs[-1] == ("make release ARCH=$TARGETARCH && make install RELEASE=1 "
                        "ARCH=$TARGETARCH DESTDIR=/out PREFIX=")
    assert stage.index(("ARG", "SOURCE_DATE_EPOCH")) < \
        max(i for i, (w, _) in enumerate(stage) if w == "RUN")


@pytest.mark.parametrize("arch", sorted(BUILDX_ARCHES))
def test_dockerfile_make_lines_resolve_for_each_platform(arch):
    # the deps line installs the target's musl toolchain and inih; the
    # install line copies that ARCH's release binary to /out/bin/muster,
    # which the final stage copies
    deps = make_n("deps", f"ARCH={arch}", "DEPS_TEST=", "DEPS_FUZZ=", "DEPS_BENCH=",
                  "DEPS_PKGTEST=", "DEPS_ARM64=")
    pkgs = re.search(r"for p in (.*?); do", deps).group(1).split()
    assert f"musl-dev:{arch}" in pkgs and f"libinih-dev:{arch}" in pkgs
    assert not any(p.endswith(":" + other) for p in pkgs for other in BUILDX_ARCHES
                   if other != arch)
    inst = make_n("install", "RELEASE=1", f"ARCH={arch}", "DESTDIR=/out", "PREFIX=")
    assert f"install -D -m 0755 {BUILDX_ARCHES[arch]}/muster /out/bin/muster\n" in inst


def test_dockerignore_keeps_build_outputs_out():
    with open(os.path.join(PKG, "Dockerfile.dockerignore")) as f:
        lines = [ln for ln in f.read().splitlines() if ln and not ln.startswith("#")]
    assert "build/" in lines


@needs_static
def test_binary_is_static():
    out = subprocess.run(["file", "-b", MUSTER], capture_output=True, text=True).stdout
    assert "statically linked" in out, out


def scratch(args):
    c = Container(args, only_muster=True)
    assert os.listdir(c.rootfs) == ["muster"]
    return c.run(timeout=60)


def version_text():
    """`muster --version` of the binary under test, run on the host (what
    it prints is test_release.py's business)."""
    r = run(["--version"], pid1=False)
    assert r.returncode == 0 and r.stdout.startswith(f"muster {version()}\n")
    return r.stdout


@needs_static
def test_scratch_rootfs_version():
    r = scratch(["/muster", "--version"])
    assert (r.returncode, r.stdout, r.stderr) == (0, version_text(), "")


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
    assert (r.returncode, r.stdout) == (0, version_text())


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

@pytest.mark.skipif(not os.path.exists(SBOM), reason="not a release build (make release)")
def test_deb_installs_and_runs():
    # the package of the binary's architecture: make deb ARCH=arm64 under
    # make check-arm64 (a cross build)
    r = make("deb", f"ARCH={DEB_ARCH}", timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    deb = os.path.join(ROOT, f"build/deb/muster_{version()}_{DEB_ARCH}.deb")
    fields = subprocess.run(["dpkg-deb", "-f", deb, "Architecture", "Built-Using"],
                            capture_output=True, text=True, check=True).stdout
    with open(SBOM) as f:
        libs = sorted((SOURCES[p["name"]], p["versionInfo"])
                      for p in json.load(f)["packages"] if p["name"] != "muster")
    # dpkg-gencontrol sorts the field by source package
    assert fields == (f"Architecture: {DEB_ARCH}\nBuilt-Using: "
                      + ", ".join(f"{src} (= {v})" for src, v in libs) + "\n")
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
        native = subprocess.run(["dpkg", "--print-architecture"], capture_output=True,
                                text=True, check=True).stdout.strip()
        if DEB_ARCH != native:  # the arm64 package on an amd64 host: multiarch
            subprocess.run(["dpkg", f"--root={root}", "--add-architecture", DEB_ARCH], check=True)
        r = subprocess.run(["dpkg", f"--root={root}", "--force-script-chrootless", "-i", deb],
                           capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        r = subprocess.run([os.path.join(root, "usr/bin/muster"), "--version"],
                           capture_output=True, text=True)
        assert (r.returncode, r.stdout) == (0, version_text())
        with open(os.path.join(root, "usr/bin/muster"), "rb") as a, open(MUSTER, "rb") as b:
            assert a.read() == b.read()
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
