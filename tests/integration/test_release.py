"""What a release build says about itself: `muster --version`, the SBOM
(muster.spdx.json) and SHA256SUMS beside the binary, all from the
third-party manifest that packaging/build-third-party.sh wrote; the ELF
layout of the aarch64 build.  The binary under test is $MUSTER; the SBOM
tests skip for a build that is not a release (SANITIZE=1)."""
import datetime
import hashlib
import json
import os
import re
import subprocess

import pytest

from conftest import MUSTER, fixture, run

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
REL = os.path.dirname(MUSTER)
SBOM = os.path.join(REL, "muster.spdx.json")
is_release = pytest.mark.skipif(not os.path.exists(SBOM),
                                reason=f"{REL} is not a release build (no muster.spdx.json)")

# what each library linked in is, by licence: the facts of Debian 12's
# source packages, which build-third-party.sh records
LICENCES = {"libseccomp": "LGPL-2.1-only", "inih": "BSD-3-Clause", "musl": "MIT",
            "bearssl": "MIT"}
SOURCES = {"libseccomp": "libseccomp", "inih": "libinih", "musl": "musl", "bearssl": "bearssl"}
# the patches build-third-party.sh applies to a source package
PATCHES = {"libseccomp": "packaging/libseccomp-one-arch.patch"}


def version():
    with open(os.path.join(ROOT, "Makefile")) as f:
        return re.search(r"^VERSION\s*:=\s*(\S+)", f.read(), re.M).group(1)


def elf_arch(path):
    """x86_64 or aarch64, from the ELF header's e_machine."""
    with open(path, "rb") as f:
        head = f.read(20)
    assert head[:4] == b"\x7fELF"
    return {0x3E: "x86_64", 0xB7: "aarch64"}[int.from_bytes(head[18:20], "little")]


ARCH = elf_arch(MUSTER)
DEB_ARCH = {"x86_64": "amd64", "aarch64": "arm64"}[ARCH]
TP = os.path.join(ROOT, "build", "third_party" if ARCH == "x86_64" else "third_party-" + ARCH)


def built_versions():
    """Each library's Debian source version, read from what was built: the
    .dsc that build-third-party.sh unpacked, or the Debian package it took
    (inih) or compiled against (musl)."""
    out = {}
    for name in ("libseccomp", "bearssl"):
        dsc = sorted(f for f in os.listdir(os.path.join(TP, "src"))
                     if f.startswith(name + "_") and f.endswith(".dsc"))[-1]
        with open(os.path.join(TP, "src", dsc)) as f:
            out[name] = re.search(r"^Version: (\S+)$", f.read(), re.M).group(1)
    for name, pkg in (("inih", "libinih-dev"), ("musl", "musl-dev")):
        out[name] = subprocess.run(["dpkg-query", "-W", "-f=${source:Version}",
                                    f"{pkg}:{DEB_ARCH}"], capture_output=True, text=True,
                                   check=True).stdout
    return out


def sbom():
    with open(SBOM) as f:
        return json.load(f)


def sbom_libraries():
    """{name: package} of the SBOM's packages other than muster itself."""
    return {p["name"]: p for p in sbom()["packages"] if p["name"] != "muster"}


@is_release
def test_version_names_every_library_linked_in():
    r = run(["--version"], pid1=False)
    v = built_versions()
    assert (r.returncode, r.stderr) == (0, "")
    assert r.stdout == (f"muster {version()}\n"
                        f"bearssl {v['bearssl']} MIT\n"
                        f"inih {v['inih']} BSD-3-Clause\n"
                        f"libseccomp {v['libseccomp']} LGPL-2.1-only\n"
                        f"musl {v['musl']} MIT\n")


@pytest.mark.skipif(os.path.exists(SBOM), reason="a release build names its libraries")
def test_version_of_a_build_against_the_system_libraries_is_one_line():
    r = run(["--version"], pid1=False)
    assert (r.returncode, r.stdout, r.stderr) == (0, f"muster {version()}\n", "")


@is_release
def test_sbom_and_version_name_the_same_libraries():
    out = run(["--version"], pid1=False).stdout.splitlines()[1:]
    libs = sbom_libraries()
    assert out == [f"{n} {libs[n]['versionInfo']} {libs[n]['licenseDeclared']}"
                   for n in sorted(libs)]


@is_release
def test_sbom_is_spdx_2_3_of_this_binary():
    doc = sbom()
    with open(MUSTER, "rb") as f:
        sha = hashlib.sha256(f.read()).hexdigest()
    assert (doc["spdxVersion"], doc["dataLicense"], doc["SPDXID"]) == \
        ("SPDX-2.3", "CC0-1.0", "SPDXRef-DOCUMENT")
    assert doc["name"] == f"muster-{version()}-{ARCH}"
    assert doc["documentNamespace"] == \
        f"https://spdx.org/spdxdocs/muster-{version()}-{ARCH}-{sha}"
    assert doc["creationInfo"]["creators"] == ["Tool: muster-release-info.sh"]
    assert doc["documentDescribes"] == ["SPDXRef-Package-muster"]
    muster = doc["packages"][0]
    assert muster == {
        "SPDXID": "SPDXRef-Package-muster", "name": "muster", "versionInfo": version(),
        "supplier": "Organization: The muster authors", "downloadLocation": "NOASSERTION",
        "filesAnalyzed": False,
        "checksums": [{"algorithm": "SHA256", "checksumValue": sha}],
        "licenseConcluded": "MIT", "licenseDeclared": "MIT", "copyrightText": "NOASSERTION",
        "sourceInfo": f"static {ARCH} binary, built from the muster source tree",
        "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                          "referenceLocator": f"pkg:generic/muster@{version()}?arch={ARCH}"}]}


@is_release
def test_sbom_lists_each_library_with_its_built_version_licence_and_source():
    v = built_versions()
    libs = sbom_libraries()
    assert sorted(libs) == ["bearssl", "inih", "libseccomp", "musl"]
    for name, p in libs.items():
        src = SOURCES[name]
        purl = f"pkg:deb/debian/{src}@{v[name].replace('+', '%2B')}?arch=source&distro=debian-12"
        modified = ""
        if name in PATCHES:
            with open(os.path.join(ROOT, PATCHES[name]), "rb") as f:
                modified = (f", modified by muster's {PATCHES[name]} "
                            f"(SHA-256 {hashlib.sha256(f.read()).hexdigest()})")
        assert p == {
            "SPDXID": f"SPDXRef-Package-{name}", "name": name, "versionInfo": v[name],
            "supplier": "Organization: Debian", "downloadLocation": "NOASSERTION",
            "filesAnalyzed": False, "licenseConcluded": LICENCES[name],
            "licenseDeclared": LICENCES[name], "copyrightText": "NOASSERTION",
            "sourceInfo": f"from Debian 12 source package {src} {v[name]}{modified}",
            "externalRefs": [{"referenceCategory": "PACKAGE-MANAGER", "referenceType": "purl",
                              "referenceLocator": purl}]}, name


@is_release
def test_sbom_relationships_static_links():
    rel = sbom()["relationships"]
    assert rel[0] == {"spdxElementId": "SPDXRef-DOCUMENT", "relationshipType": "DESCRIBES",
                      "relatedSpdxElement": "SPDXRef-Package-muster"}
    assert rel[1:] == [{"spdxElementId": "SPDXRef-Package-muster",
                        "relationshipType": "STATIC_LINK",
                        "relatedSpdxElement": f"SPDXRef-Package-{n}"}
                       for n in ("bearssl", "inih", "libseccomp", "musl")]


def commit_epoch():
    r = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT,
                       capture_output=True, text=True)
    return int(r.stdout) if r.returncode == 0 and r.stdout.strip() else None


@is_release
@pytest.mark.skipif(commit_epoch() is None, reason="no git history")
def test_sbom_date_is_the_commit_date():
    created = sbom()["creationInfo"]["created"]
    want = datetime.datetime.fromtimestamp(commit_epoch(), datetime.timezone.utc)
    assert created == want.strftime("%Y-%m-%dT%H:%M:%SZ")


@is_release
def test_sbom_holds_no_path():
    with open(SBOM) as f:
        text = f.read()
    assert ROOT not in text and "/build/" not in text and "/tmp" not in text


@is_release
def test_sha256sums_lists_every_release_file():
    with open(os.path.join(REL, "SHA256SUMS")) as f:
        lines = f.read().splitlines()
    want = []
    for name in ("muster", "muster.spdx.json"):
        with open(os.path.join(REL, name), "rb") as f:
            want.append(f"{hashlib.sha256(f.read()).hexdigest()}  {name}")
    assert lines == want
    r = subprocess.run(["sha256sum", "--check", "--strict", "SHA256SUMS"], cwd=REL,
                       capture_output=True, text=True)
    assert (r.returncode, r.stdout) == (0, "muster: OK\nmuster.spdx.json: OK\n")


def load_segments():
    """(flags, align) of each LOAD program header, from readelf."""
    out = subprocess.run(["readelf", "-lW", MUSTER], capture_output=True, text=True,
                         check=True).stdout
    return [(m.group(1).replace(" ", ""), int(m.group(2), 16))
            for m in re.finditer(r"^\s*LOAD\s+(?:\S+\s+){5}([RWE ]{3})\s+(0x[0-9a-f]+)$",
                                 out, re.M)]


@is_release
@pytest.mark.skipif(ARCH != "aarch64", reason="the 64 KiB page alignment is aarch64's")
def test_aarch64_segments_fit_64k_pages_and_code_is_apart():
    # max-page-size 64 KiB: loads on 4, 16 and 64 KiB page kernels; with
    # separate-code the ELF headers and rodata are not executable
    segs = load_segments()
    assert all(align == 0x10000 for _, align in segs), segs
    assert [f for f, _ in segs] == ["R", "RE", "R", "RW"]


def test_workload_is_a_static_program_of_the_binary_s_arch():
    # under make check-arm64 the fixtures are aarch64 too: muster, emulated,
    # execs an emulated static program
    probe = fixture("sysprobe")
    assert elf_arch(probe) == ARCH
    r = run(["--", probe, "getpid"])
    assert (r.returncode, r.stdout) == (0, "getpid: ok\n"), r.stderr
