"""Two clean release builds of one commit are byte-identical (make
check-repro).  The work tree's files (what git tracks, plus new files it
does not ignore) are copied into two fresh directories whose paths differ,
in length too; both share this tree's third-party libraries through a
symlink (they are Debian's, built once per ARCH); `make release ARCH=...`
runs in both at once with the last commit's SOURCE_DATE_EPOCH, which is
how the Makefile dates a build.  Every release file (SHA256SUMS names them)
must be the same, byte for byte, in both, and hold neither build path."""
import os
import shutil
import subprocess
import tempfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ARCHES = {"x86_64": ("build/release", "build/third_party"),
          "aarch64": ("build/release-aarch64", "build/third_party-aarch64")}


def git(*args):
    return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, check=True).stdout


def copy_tree(dest):
    """The work tree's files into dest, modes and times kept (make must see
    the third-party libraries as newer than the script that built them)."""
    names = [n for n in git("ls-files", "-z", "--cached", "--others", "--exclude-standard")
             .decode().split("\0") if n and os.path.lexists(os.path.join(ROOT, n))]
    for n in names:
        d = os.path.join(dest, n)
        os.makedirs(os.path.dirname(d), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, n), d, follow_symlinks=False)


def release(tree, arch, epoch):
    env = {k: v for k, v in os.environ.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "SOURCE_DATE_EPOCH")}
    env["SOURCE_DATE_EPOCH"] = epoch
    return subprocess.Popen(["make", "-s", "--no-print-directory", "release", f"ARCH={arch}"],
                            cwd=tree, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)


@pytest.mark.parametrize("arch", sorted(ARCHES))
def test_two_clean_release_builds_are_identical(arch):
    rel, tp = ARCHES[arch]
    assert os.path.exists(os.path.join(ROOT, tp, ".done")), f"{tp}: run make release ARCH={arch}"
    epoch = git("log", "-1", "--format=%ct").decode().strip()
    a = tempfile.mkdtemp(prefix="muster-repro-")
    b = tempfile.mkdtemp(prefix="muster-reproducible-build-")
    b = os.path.join(b, "second", "tree")
    try:
        for tree in (a, b):
            copy_tree(tree)
            os.makedirs(os.path.join(tree, "build"), exist_ok=True)
            os.symlink(os.path.join(ROOT, tp), os.path.join(tree, tp))
        procs = [release(t, arch, epoch) for t in (a, b)]
        for p in procs:
            out = p.communicate(timeout=600)[0]
            assert p.returncode == 0, out
        with open(os.path.join(a, rel, "SHA256SUMS")) as f:
            files = [line.split()[1] for line in f.read().splitlines()]
        assert files == ["muster", "muster.spdx.json"]
        for name in files + ["SHA256SUMS"]:
            with open(os.path.join(a, rel, name), "rb") as fa, \
                 open(os.path.join(b, rel, name), "rb") as fb:
                da, db = fa.read(), fb.read()
            assert da == db, f"{rel}/{name} differs between the two builds"
            for tree in (a, b):
                assert tree.encode() not in da, f"{rel}/{name} holds the build path"
    finally:
        shutil.rmtree(a)
        shutil.rmtree(os.path.dirname(os.path.dirname(b)))
