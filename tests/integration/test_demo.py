"""`make demo` (tests/demo.sh) runs every step against the binary under test,
checks each one, and fails when any step misbehaves."""
import os
import subprocess

from conftest import MUSTER, FIXTURES

DEMO = os.path.join(os.path.dirname(__file__), "..", "demo.sh")


def demo(muster):
    env = dict(os.environ, MUSTER=muster, FIXTURES=FIXTURES)
    return subprocess.run(["sh", DEMO], env=env, capture_output=True, text=True, timeout=120)


def section(out, title):
    """The lines of one `=== N. title` step."""
    lines, inside = [], False
    for line in out.splitlines():
        if line.startswith("=== "):
            inside = line.startswith("=== " + title)
        elif inside:
            lines.append(line)
    return lines


def test_every_step_runs_and_passes():
    r = demo(MUSTER)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.splitlines()[-1] == "demo: done, everything shown behaved as expected"
    assert "skipped" not in r.stdout
    hook = section(r.stdout, "3. a pre-start hook")
    assert "    migrated" in hook
    assert "    muster: error: hook pre#1 failed with exit code 3: not starting the workload" in hook
    assert "    workload: DB_PASSWORD has 9 characters" in section(r.stdout, "4. a secret")
    assert "s3cr3t-pw" not in r.stdout


def test_a_misbehaving_step_fails_the_demo(tmp_path):
    # a "muster" that runs its command without any hook: step 3 must fail
    fake = tmp_path / "fake-muster"
    fake.write_text('#!/bin/sh\n'
                    'case "$1" in --pre) shift 2;; esac\n'
                    'exec "%s" "$@"\n' % MUSTER)
    fake.chmod(0o755)
    r = demo(str(fake))
    assert r.returncode == 1
    assert "!!! unexpected: no line 'migrated' in the output" in section(
        r.stdout, "3. a pre-start hook")
    assert r.stdout.splitlines()[-1] == \
        "demo: done, but something above did not behave as expected (see !!!)"
