"""The canary: one secret value holding / ? # @ : % a CR and spaces, loaded
each way muster loads secrets (NAME_FILE in a secrets dir, NAME_FILE named
with --secret outside every secrets dir, a file of an --env-dir), fed to every
output muster has (the main mode, `muster wait`, `muster health`, `muster
config`; text and JSON logs at -vv) through every error path that can carry
it: a URL the value makes malformed (in its path, query and user
information), a header it makes invalid (the CR), a server that echoes it, a
wait that times out, a failed health check, the configuration dump.  No byte
of stdout or stderr may hold the value, nor any piece of it (a line of it,
its percent-encoded form)."""
import json
import os
import re
import signal
import subprocess
import time
import urllib.parse

import pytest

from conftest import (MUSTER, await_blocked, clean_env, free_port, kill_if_alive,
                      pid1_host_pid, run, spawn)
from servers import StandIn

CANARY = "c4n/ar?y#s3@cr:e%t \r v4lue"
# every piece of the canary an output could hold, raw or percent-encoded
PIECES = ("c4n", "ar?y", "ar%3F", "s3@cr", "s3%40cr", "cr:e", "v4lue", "4lue")


@pytest.fixture
def tmp(tmp_path):
    return str(tmp_path)


def load(how, tmp):
    """Options and environment that load CANARY the way `how` names."""
    if how == "file":
        sd = os.path.join(tmp, "secrets")
        os.mkdir(sd)
        with open(os.path.join(sd, "canary"), "w") as f:
            f.write(CANARY + "\n")
        return ["--secrets-dir", sd], clean_env(CANARY_FILE=os.path.join(sd, "canary"))
    if how == "secret":
        path = os.path.join(tmp, "canary")
        with open(path, "w") as f:
            f.write(CANARY)
        return ["--secret", "CANARY"], clean_env(CANARY_FILE=path)
    ed = os.path.join(tmp, "env")
    os.mkdir(ed)
    with open(os.path.join(ed, "CANARY"), "w") as f:
        f.write(CANARY + "\n")
    return ["--env-dir", ed], clean_env()


LOADS = ("file", "secret", "env-dir")


def clean(r, fmt="text"):
    """No piece of the canary in any output byte; in JSON every stderr line
    is one object, whose decoded strings hold none either."""
    for piece in PIECES:
        assert piece not in r.stdout, (piece, r.stdout)
        assert piece not in r.stderr, (piece, r.stderr)
    if fmt == "json":
        for line in r.stderr.splitlines():
            obj = json.loads(line)
            for v in obj.values():
                assert not any(p in str(v) for p in PIECES), line
    return r


def messages(r, fmt):
    """The log messages of r, whatever the format."""
    if fmt == "json":
        return [json.loads(l)["msg"] for l in r.stderr.splitlines()]
    return [re.sub(r"^muster: (error: |warning: )?", "", l) for l in r.stderr.splitlines()]


@pytest.fixture(scope="module")
def servers():
    redis = StandIn(("-ERR bad password " + CANARY + "\r\n").encode())
    http = StandIn(b"HTTP/1.1 503 Unavailable\r\nContent-Length: 0\r\n\r\n")
    try:
        yield redis, http
    finally:
        redis.stop()
        http.stop()


@pytest.mark.parametrize("fmt", ("text", "json"))
@pytest.mark.parametrize("how", LOADS)
def test_main_mode_malformed_urls(tmp, how, fmt, servers):
    """${CANARY} makes the URL malformed (a space, a CR) wherever it is: in
    the path and the query, in the user information of an unreachable host.
    Each is named, never with the value."""
    opts, env = load(how, tmp)
    port = servers[1].port
    r = clean(run(opts + ["-vv", "--log-format", fmt, "--wait-timeout", "1s",
                          "-w", f"http://127.0.0.1:{port}/p/${{CANARY}}?k=${{CANARY}}&x=1",
                          "-w", f"redis://:${{CANARY}}@127.0.0.1:{free_port()}",
                          "--", "/bin/true"], env=env), fmt)
    # malformed (64), or once parsed, not ready in time (69): never started
    assert r.returncode in (64, 69), r.stderr
    assert not any("started" in m for m in messages(r, fmt))


def header_refused(r, fmt, name):
    """The header the value's CR makes invalid is refused, named without
    its value: 'bad HTTP header' once sent, or refused at its expansion."""
    msgs = messages(r, fmt) or [r.stdout]
    assert any("header" in m and name in m for m in msgs), msgs


@pytest.mark.parametrize("fmt", ("text", "json"))
@pytest.mark.parametrize("how", LOADS)
def test_main_mode_echo_hook_and_command(tmp, how, fmt, servers):
    """A server that echoes the value, the value in a --pre hook and in the
    command line: all logged at -vv, the wait times out, and the value is
    *** in each line (a CR splits the value: each line of it is masked)."""
    opts, env = load(how, tmp)
    redis, http = servers
    r = clean(run(opts + ["-vv", "--log-format", fmt, "--wait-timeout", "1s",
                          "-w", f"redis://127.0.0.1:{redis.port}",
                          "-w", f"http://127.0.0.1:{http.port}/",
                          "--pre", "/bin/true " + CANARY, "--", "/bin/true", CANARY],
                  env=env), fmt)
    assert r.returncode == 69, r.stderr
    msgs = messages(r, fmt)
    secs = r"\d+\.\d\ds"
    assert any(re.fullmatch(f"redis://127.0.0.1:{redis.port} not ready after {secs}: "
                            r"ERR bad password \*\*\*\?\*\*\*", m) for m in msgs), msgs
    assert any(re.fullmatch(f"http://127.0.0.1:{http.port}/ not ready after {secs}: HTTP 503",
                            m) for m in msgs), msgs


@pytest.mark.parametrize("fmt", ("text", "json"))
@pytest.mark.parametrize("how", LOADS)
def test_header_with_cr(tmp, how, fmt, servers):
    """-H with ${CANARY}: its CR makes the header invalid, in the main mode
    and in `muster wait`, and the message names the header, not the value."""
    opts, env = load(how, tmp)
    url = f"http://127.0.0.1:{servers[1].port}/"
    for mode in ([], ["wait"]):
        tail = [url] if mode else ["-w", url, "--", "/bin/true"]
        r = clean(run(mode + opts + ["-vv", "--log-format", fmt,
                                     "--timeout" if mode else "--wait-timeout", "1s",
                                     "-H", "Authorization: Bearer ${CANARY}"] + tail,
                      env=env), fmt)
        assert r.returncode in (64, 69), r.stderr
        header_refused(r, fmt, "Authorization")


@pytest.mark.parametrize("fmt", ("text", "json"))
@pytest.mark.parametrize("how", LOADS)
def test_wait_command(tmp, how, fmt, servers):
    """`muster wait`: the same paths, its own timeout."""
    opts, env = load(how, tmp)
    redis, http = servers
    r = clean(run(["wait"] + opts + ["-vv", "--log-format", fmt, "--timeout", "1s",
                                     f"redis://:${{CANARY}}x@127.0.0.1:{redis.port}",
                                     f"http://127.0.0.1:{http.port}/?k=${{CANARY}}"],
                  env=env), fmt)
    assert r.returncode in (64, 69), r.stderr
    r = clean(run(["wait"] + opts + ["-vv", "--log-format", fmt, "--timeout", "1s",
                                     f"redis://127.0.0.1:{redis.port}"], env=env), fmt)
    assert (r.returncode, r.stdout) == (69, ""), r.stderr
    msgs = messages(r, fmt)
    assert any(m.endswith("ERR bad password ***?***") for m in msgs), msgs


@pytest.mark.parametrize("how", LOADS)
def test_health_command(tmp, how, servers):
    """`muster health` prints one line on stdout: unhealthy, with the URL as
    written and what went wrong, never the value."""
    opts, env = load(how, tmp)
    redis, http = servers
    r = clean(run(["health"] + opts + [f"redis://127.0.0.1:{redis.port}"], env=env))
    assert (r.returncode, r.stdout, r.stderr) == (
        1, f"unhealthy: redis://127.0.0.1:{redis.port} ERR bad password ***?***\n", "")
    r = clean(run(["health"] + opts + ["-H", "X-Token: ${CANARY}",
                                       f"http://127.0.0.1:{http.port}/"], env=env))
    assert r.returncode == 1 and r.stdout.startswith("unhealthy: "), r.stdout
    header_refused(r, "text", "X-Token")
    for url in (f"http://127.0.0.1:{http.port}/p/${{CANARY}}?k=${{CANARY}}",
                f"redis://:${{CANARY}}@127.0.0.1:{free_port()}"):
        r = clean(run(["health"] + opts + [url], env=env))
        assert r.returncode == 1 and r.stdout.startswith("unhealthy: "), r.stdout


@pytest.mark.parametrize("fmt", ("text", "json"))
@pytest.mark.parametrize("how", LOADS)
def test_config_command(tmp, how, fmt):
    """`muster config`: the value typed into options is *** in the dump; a
    ${CANARY} reference is shown as written."""
    opts, env = load(how, tmp)
    r = clean(run(["config"] + opts + ["-vv", "--log-format", fmt,
                                       "-w", "http://h/?k=${CANARY}",
                                       "-H", "X-Token: ${CANARY}",
                                       "-H", "Accept: " + CANARY,
                                       "--pre", "/bin/true " + CANARY], env=env), fmt)
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert "# pre = /bin/true *** ; command line" in lines
    assert "url = http://h/?k=${CANARY} ; command line" in lines
    assert "header = X-Token: *** ; command line" in lines
    assert "header = Accept: *** ; command line" in lines


def test_phase_and_log_hold_no_percent_encoded_value(tmp, servers):
    """The value percent-encoded in a URL (typed so, or placed so): masked in
    the -vv log and in the phase any user reads (/proc/net/unix), which
    `muster health` inside the container prints."""
    opts, env = load("file", tmp)
    port = servers[1].port
    url = f"http://127.0.0.1:{port}/" + urllib.parse.quote(CANARY, safe="")
    p = spawn(opts + ["-vv", "-w", url, "--wait-timeout", "30s", "--", "/bin/true"], env=env)
    host = pid1_host_pid(p)
    want = f"unhealthy: starting (waiting for http://127.0.0.1:{port}/***)\n"
    try:
        deadline = time.monotonic() + 10
        while True:
            r = subprocess.run(["nsenter", "-t", str(host), "-p", "-m", MUSTER, "health",
                                "file:///"], env=clean_env(), capture_output=True, text=True,
                               timeout=20)
            if r.stdout == want or time.monotonic() > deadline:
                break
            time.sleep(0.05)
        assert (r.returncode, r.stdout) == (1, want)
        await_blocked(host)
        os.kill(host, signal.SIGTERM)
        out, err = p.communicate(timeout=10)
    finally:
        kill_if_alive(host)
    assert p.returncode == 128 + signal.SIGTERM
    assert f"http://127.0.0.1:{port}/***" in err, err
    clean(subprocess.CompletedProcess(p.args, p.returncode, out, err))
