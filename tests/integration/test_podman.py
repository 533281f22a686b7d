"""muster under a real container engine: rootful podman (Debian's), images
built here from the binary under test (tests/integration/podman/Containerfile,
whose first stage is packaging/Dockerfile's final stage), `podman run`,
`stop`, `kill`, secrets, HEALTHCHECK, and `podman kube play` of a manifest
made from packaging/k8s.yaml with a real Redis.  The per-run storage and
configuration are in podman_harness.py."""
import json
import os
import re
import shutil
import subprocess
import time
import uuid

import pytest
import yaml

from conftest import MUSTER, free_port, needs_static
from podman_harness import (APP_IMAGE, CONTAINERFILE, MUSTER_IMAGE, REDIS_IMAGE, Podman,
                            PodmanUnusable, podman_version)
from test_packaging import PKG, dockerfile_instructions, scratch_stage, version


@pytest.fixture(scope="session")
def podman():
    """One podman store and the images for the whole session."""
    if shutil.which("podman") is None:
        pytest.fail("podman is not installed: `make deps` installs it")
    pm = Podman()
    try:
        try:
            pm.setup()
        except PodmanUnusable as e:
            pytest.skip(str(e))
        yield pm
    finally:
        pm.cleanup()


@pytest.fixture
def names(podman):
    """Container names for one test; the containers go with the test."""
    made = []

    def new(prefix="mt"):
        made.append(podman.name(prefix))
        return made[-1]
    yield new
    for n in made:
        podman("rm", "--force", "--time", "0", n)


def run(podman, args, *opts, image=APP_IMAGE, timeout=60):
    """`podman run --rm [OPTS] IMAGE ARGS` to completion: muster is the
    entrypoint, ARGS are its arguments."""
    return podman("run", "--rm", "--network", "none", *opts, image, *args, timeout=timeout)


def start(podman, name, args, *opts):
    """`podman run -d`: a container in the background."""
    podman("run", "-d", "--name", name, "--network", "none", *opts, APP_IMAGE, *args,
           check=True)


# --- the image --------------------------------------------------------------------

def containerfile_stages():
    ins = dockerfile_instructions(CONTAINERFILE)
    starts = [i for i, (w, _) in enumerate(ins) if w == "FROM"]
    return [ins[a:b] for a, b in zip(starts, starts[1:] + [len(ins)])]


def same_shape(stage):
    """A stage with what may differ between the two files taken out: the
    stage name, and where COPY takes the binary from (the build stage there,
    the build context here)."""
    out = []
    for word, rest in stage:
        if word == "FROM":
            rest = rest.split()[0]
        elif word == "COPY":
            *src, dest = [a for a in rest.split() if not a.startswith("--")]
            rest = " ".join([os.path.basename(s) for s in src] + [dest])
        out.append((word, rest))
    return out


def test_containerfile_muster_stage_is_packaging_dockerfile_final_stage():
    muster, app = containerfile_stages()
    assert muster[0] == ("FROM", "scratch AS muster")
    assert same_shape(muster) == same_shape(scratch_stage())
    assert same_shape(muster) == [("FROM", "scratch"), ("COPY", "muster /muster"),
                                  ("ENTRYPOINT", '["/muster"]'), ("CMD", '["--help"]')]
    # the app image: muster copied from that image, the same entrypoint,
    # `muster health` as the HEALTHCHECK
    assert app[0] == ("FROM", "scratch")
    assert ("COPY", "--from=muster /muster /muster") in app
    assert [r for w, r in app if w == "ENTRYPOINT"] == ['["/muster"]']
    checks = [r for w, r in app if w == "HEALTHCHECK"]
    assert len(checks) == 1
    cmd = json.loads(checks[0][checks[0].index("CMD ") + 4:])
    assert cmd == ["/muster", "health", "http://127.0.0.1:8080/healthz"]


@needs_static
def test_muster_image_runs_its_default_cmd_and_version(podman):
    assert json.loads(podman("image", "inspect", "--format", "{{json .Config.Entrypoint}}",
                             MUSTER_IMAGE, check=True).stdout) == ["/muster"]
    r = run(podman, [], image=MUSTER_IMAGE)
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("usage: muster [OPTIONS] [--] COMMAND [ARG...]\n")
    r = run(podman, ["--version"], image=MUSTER_IMAGE)
    # the same lines as the binary's own (muster, then the libraries in it)
    own = subprocess.run([MUSTER, "--version"], capture_output=True, text=True, timeout=10)
    assert own.stdout.startswith(f"muster {version()}\n")
    assert (r.returncode, r.stdout, r.stderr) == (0, own.stdout, "")


# --- podman run: exit codes -----------------------------------------------------------

@pytest.mark.parametrize("argv,code,reason", [
    (["--", "/bin/sh", "-c", "exit 3"], 3, None),
    (["--", "/bin/sh", "-c", "kill -USR1 $$"], 138, "workload killed by SIGUSR1"),
    (["--", "/bin/sh", "-c", "kill -KILL $$"], 137, "workload killed by SIGKILL"),
    (["--", "/no/such/command"], 127, "cannot run /no/such/command: No such file or directory"),
    (["--", "/etc/passwd"], 126, "cannot run /etc/passwd: Permission denied"),
], ids=["code", "usr1", "kill", "missing", "not-executable"])
def test_run_exit_code_is_the_workloads(podman, argv, code, reason):
    r = run(podman, argv)
    assert r.returncode == code, r.stderr
    if reason is None:
        assert r.stderr == ""
    else:
        # one line, muster's: podman itself ran /muster fine
        lines = r.stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("muster: ") and reason in lines[0], \
            r.stderr


# --- podman stop and kill -------------------------------------------------------------

def test_stop_sends_term_and_the_container_stops_long_before_the_timeout(podman, names):
    n = names()
    # sigcatch prints each signal's number and exits 42 on TERM
    start(podman, n, ["--", "/fixtures/sigcatch", "15", "42"], "--stop-timeout", "60")
    podman.wait_logs(n, "ready\n")
    t = time.monotonic()
    r = podman("stop", n)
    took = time.monotonic() - t
    assert r.returncode == 0, r.stderr
    assert took < 10, f"podman stop took {took:.1f}s (stop timeout 60s)"
    assert podman.logs(n)[0] == "ready\n15\n"
    assert podman.inspect(n, "{{.State.ExitCode}}") == "42"


def test_stop_of_a_workload_ignoring_term_ends_at_musters_grace(podman, names):
    n = names()
    start(podman, n, ["-t", "1s", "--", "/bin/sh", "-c",
                      "trap '' TERM; echo ready; while :; do sleep 0.1; done"],
          "--stop-timeout", "60")
    podman.wait_logs(n, "ready\n")
    t = time.monotonic()
    assert podman("stop", n).returncode == 0
    took = time.monotonic() - t
    assert 1.0 <= took < 10, f"podman stop took {took:.1f}s (grace 1s, stop timeout 60s)"
    assert podman.inspect(n, "{{.State.ExitCode}}") == "137"
    assert "sending SIGKILL" in podman.logs(n)[1]


def test_kill_hup_reaches_the_workload(podman, names):
    n = names()
    start(podman, n, ["--", "/fixtures/sigcatch", "15", "0"])
    podman.wait_logs(n, "ready\n")
    assert podman("kill", "--signal", "HUP", n).returncode == 0
    podman.wait_logs(n, "ready\n1\n")
    assert podman.state(n) == "running"
    assert podman("stop", n).returncode == 0
    assert podman.logs(n)[0] == "ready\n1\n15\n"
    assert podman.inspect(n, "{{.State.ExitCode}}") == "0"


# --- identity, capabilities, seccomp, limits ---------------------------------------------

STATUS = ["/bin/grep", "-E",
          "^(Uid|Gid|CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp|Seccomp_filters):",
          "/proc/self/status"]
# containers.conf's default_capabilities: CHOWN DAC_OVERRIDE FOWNER FSETID
# KILL SETGID SETUID SETPCAP NET_BIND_SERVICE SYS_CHROOT SETFCAP
PODMAN_CAPS = "00000000800405fb"
NONE = "0000000000000000"
BIND = "0000000000000400"  # NET_BIND_SERVICE


def status(uid, caps, bnd, amb, nnp, filters, inh=NONE):
    ids = lambda n: "\t".join([str(n)] * 4)  # noqa: E731
    return {"Uid": ids(uid), "Gid": ids(uid), "CapInh": inh, "CapPrm": caps, "CapEff": caps,
            "CapBnd": bnd, "CapAmb": amb, "NoNewPrivs": str(nnp), "Seccomp": "2",
            "Seccomp_filters": str(filters)}


@pytest.mark.parametrize("opts,muster,want", [
    # podman's defaults: root with podman's set, podman's seccomp filter
    ([], [], status(0, PODMAN_CAPS, PODMAN_CAPS, NONE, 0, 1)),
    # muster drops to app keeping NET_BIND_SERVICE (ambient), sets
    # no_new_privs and stacks its own filter on podman's
    ([], ["--user", "app", "--cap-keep", "NET_BIND_SERVICE", "--seccomp", "default"],
     status(1000, BIND, BIND, BIND, 1, 2, inh=BIND)),
    # podman's --user: muster starts as 1000 and leaves it as it is
    (["--user", "1000:1000"], [], status(1000, NONE, PODMAN_CAPS, NONE, 0, 1)),
    (["--cap-drop", "ALL", "--security-opt", "no-new-privileges"], [],
     status(0, NONE, NONE, NONE, 1, 1)),
    # no filter from podman: muster's is the only one
    (["--security-opt", "seccomp=unconfined"], ["--seccomp", "default"],
     status(0, PODMAN_CAPS, PODMAN_CAPS, NONE, 1, 1)),
], ids=["podman-defaults", "muster-user-cap-keep-seccomp", "podman-user",
        "cap-drop-all-no-new-privileges", "unconfined-muster-seccomp"])
def test_identity_caps_and_seccomp_seen_from_inside(podman, opts, muster, want):
    r = run(podman, muster + ["--"] + STATUS, *opts)
    assert r.returncode == 0, r.stderr
    got = dict(line.split(":\t", 1) for line in r.stdout.splitlines())
    assert got == want


@pytest.mark.parametrize("opts,want", [
    # containers.conf's default_ulimits
    ([], ["4096", "4096", "4096", "4096"]),
    (["--ulimit", "nofile=1024:2048", "--ulimit", "nproc=512:1024"],
     ["512", "1024", "1024", "2048"]),
], ids=["containers-conf", "explicit"])
def test_ulimits_reach_the_workload(podman, opts, want):
    r = run(podman, ["--", "/bin/grep", "-E", "^Max (processes|open files) ", "/proc/self/limits"],
            *opts)
    assert r.returncode == 0, r.stderr
    # "Max processes   SOFT   HARD   processes", then open files
    got = [w for m in re.finditer(r"^Max (?:processes|open files) +(\S+) +(\S+)", r.stdout, re.M)
           for w in m.groups()]
    assert got == want


# --- podman secret ------------------------------------------------------------------------

def test_podman_secret_file_is_loaded_into_the_variable(podman, tmp_path):
    name = "API_TOKEN"
    value = "tok-" + uuid.uuid4().hex
    src = tmp_path / "token"
    src.write_text(value + "\n")
    podman("secret", "create", name, str(src), check=True)
    try:
        # a 0400 root file: muster reads it as root, the workload runs as app
        r = run(podman, ["-v", "--user", "app", "--", "/bin/sh", "-c",
                         'echo "API_TOKEN=$API_TOKEN"; echo "FILE=${API_TOKEN_FILE-unset}"; '
                         'cat /run/secrets/API_TOKEN 2>/dev/null || echo unreadable'],
                "--secret", f"{name},mode=0400", "-e", f"{name}_FILE=/run/secrets/{name}")
    finally:
        podman("secret", "rm", name, check=True)
    assert r.returncode == 0, r.stderr
    assert r.stdout == f"API_TOKEN={value}\nFILE=unset\nunreadable\n"
    # muster said what it did, at debug level, and never the value
    assert "API_TOKEN loaded from API_TOKEN_FILE" in r.stderr
    assert value not in r.stderr


# --- HEALTHCHECK ----------------------------------------------------------------------------

HEALTH_URL = "http://127.0.0.1:8080/healthz"


def test_healthcheck_healthy_then_unhealthy_with_musters_line_in_inspect(podman, names):
    n = names()
    # one failed check is unhealthy; the probe is the image's HEALTHCHECK
    start(podman, n, ["--", "/bin/httpd", "-f", "-p", "127.0.0.1:8080", "-h", "/www"],
          "--health-retries", "1")
    assert json.loads(podman.inspect(n, "{{json .Config.Healthcheck.Test}}")) == \
        ["CMD", "/muster", "health", HEALTH_URL]
    r = podman("exec", n, "/muster", "wait", "--timeout", "10s", "tcp://127.0.0.1:8080")
    assert r.returncode == 0, r.stderr

    assert podman("healthcheck", "run", n).returncode == 0
    health = json.loads(podman.inspect(n, "{{json .State.Health}}"))
    assert (health["Status"], health["FailingStreak"], len(health["Log"])) == ("healthy", 0, 1)
    assert health["Log"][0]["ExitCode"] == 0
    assert re.fullmatch(rf"healthy: {re.escape(HEALTH_URL)} HTTP 200 in \d+ms",
                        health["Log"][0]["Output"]), health["Log"][0]

    assert podman("exec", n, "/bin/rm", "/www/healthz").returncode == 0
    assert podman("healthcheck", "run", n).returncode == 1
    health = json.loads(podman.inspect(n, "{{json .State.Health}}"))
    assert (health["Status"], health["FailingStreak"], len(health["Log"])) == \
        ("unhealthy", 1, 2)
    assert health["Log"][1]["ExitCode"] == 1
    assert health["Log"][1]["Output"] == f"unhealthy: {HEALTH_URL} HTTP 404"


# --- podman kube play of packaging/k8s.yaml -------------------------------------------------

def k8s_manifest(app_port, redis_port):
    """packaging/k8s.yaml's Secret and Deployment, changed only where a
    single podman host without a registry, a cluster or a database needs it:
    - images: the local app image, never pulled; one replica;
    - the host network (one pod reaches the other, as through a Service),
      so port 80 is app_port and Redis's 6379 is redis_port, and the
      containers' `ports` go: podman 4.3 would publish them on the host;
    - `cache` resolves through the /etc/hosts base (podman_harness.HOSTS);
      the init container waits for it alone: there is no database here;
    - restartPolicy OnFailure: podman 4.3 restarts an init container that
      exited 0 under Always, then fails to remove it;
    - the secret volume says optional: false (podman 4.3 dereferences it);
    - the app's hook and workload are busybox instead of Python: the
      workload prints what it was given and serves /healthz and /ready."""
    with open(os.path.join(PKG, "k8s.yaml")) as f:
        secret, deployment = yaml.safe_load_all(f)
    text = json.dumps(deployment).replace("127.0.0.1:80/", f"127.0.0.1:{app_port}/") \
        .replace("cache:6379", f"cache:{redis_port}")
    deployment = json.loads(text)
    deployment["spec"]["replicas"] = 1
    spec = deployment["spec"]["template"]["spec"]
    spec["hostNetwork"] = True
    spec["restartPolicy"] = "OnFailure"
    [vol] = spec["volumes"]
    vol["secret"]["optional"] = False
    [init] = spec["initContainers"]
    init["command"] = [a for a in init["command"] if not a.startswith("postgres://")]
    [app] = spec["containers"]
    del app["ports"]
    for c in (init, app):
        c["image"] = APP_IMAGE
        c["imagePullPolicy"] = "Never"
    cmd = app["command"]
    cmd[cmd.index("--pre") + 1] = "/bin/echo migrated"
    cmd[cmd.index("--") + 1:] = [
        "/bin/sh", "-c",
        'echo "DATABASE_PASSWORD=$DATABASE_PASSWORD"; echo "REDIS_PASSWORD=$REDIS_PASSWORD"; '
        'echo "DATABASE_PASSWORD_FILE=${DATABASE_PASSWORD_FILE-unset}"; '
        "grep -E '^(Uid|CapEff|CapBnd|NoNewPrivs|Seccomp_filters):' /proc/self/status; "
        "grep -E '^Max open files ' /proc/self/limits; "
        f"exec httpd -f -p 127.0.0.1:{app_port} -h /www"]
    return secret, deployment


def redis_manifest(port):
    """The `cache` service: a pod with a real Redis on the host network."""
    return {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "cache"},
            "spec": {"hostNetwork": True, "restartPolicy": "Never", "containers": [{
                "name": "redis", "image": REDIS_IMAGE, "imagePullPolicy": "Never",
                "command": ["/usr/bin/redis-server", "--port", str(port), "--bind", "127.0.0.1",
                            "--save", "", "--appendonly", "no"]}]}}


def play_secret(podman, secret, path):
    """The Secret, for podman: newer ones play it as it is; 4.3 (Debian 12)
    stores a played Secret's stringData where its secret volumes never look,
    and reads a volume's `data` values undecoded, so it gets a podman secret
    in the form it reads.  Returns the documents to play with the app."""
    if podman_version() >= (4, 4):
        return [secret]
    with open(path, "w") as f:
        yaml.safe_dump({"data": secret["stringData"]}, f)
    podman("secret", "create", secret["metadata"]["name"], path, check=True)
    return []


def container_named(podman, suffix, timeout=30.0):
    """The name of the container whose name ends with suffix."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        out = podman("ps", "--all", "--format", "{{.Names}}", check=True).stdout
        found = [name for name in out.split() if name.endswith(suffix)]
        if found:
            return found[0]
        time.sleep(0.1)
    raise AssertionError(f"no container *{suffix} after {timeout}s")


def test_kube_play_k8s_manifest_waits_for_redis_probes_and_stops(podman, tmp_path):
    app_port, redis_port = free_port(), free_port()
    secret, deployment = k8s_manifest(app_port, redis_port)
    app_yaml, redis_yaml = tmp_path / "app.yaml", tmp_path / "redis.yaml"
    docs = play_secret(podman, secret, str(tmp_path / "secret.yaml")) + [deployment]
    app_yaml.write_text(yaml.safe_dump_all(docs))
    redis_yaml.write_text(yaml.safe_dump(redis_manifest(redis_port)))
    spec = deployment["spec"]["template"]["spec"]
    [probe_app] = spec["containers"]

    play = podman.popen("kube", "play", str(app_yaml))
    try:
        # the init container `muster wait` runs; the app is held back
        init = container_named(podman, "-wait-for-deps")
        pod = init[:-len("-wait-for-deps")]
        app = f"{pod}-app"
        podman.wait_state(init, "running")
        time.sleep(1.0)
        assert play.poll() is None
        assert podman.state(app) == "created"

        # Redis comes up in its own pod: the wait ends, the app starts
        r = podman("kube", "play", str(redis_yaml))
        assert r.returncode == 0, r.stderr
        out, err = play.communicate(timeout=60)
        assert play.returncode == 0, err
        podman.wait_state(app, "running")
        ev = [(e["Name"], e["Status"], e.get("ContainerExitCode", 0))
              for e in podman.events() if e["Type"] == "container"]
        redis_ctr = "cache-redis"
        assert [e for e in ev if e[0] == init and e[1] == "died"] == [(init, "died", 0)]
        order = [e[:2] for e in ev if e[:2] in ((redis_ctr, "start"), (init, "died"),
                                                  (app, "start"))]
        assert order == [(redis_ctr, "start"), (init, "died"), (app, "start")]

        # what the workload got: the secrets as variables (files gone), app
        # with only NET_BIND_SERVICE, no_new_privs, podman's RuntimeDefault
        # filter and muster's, containers.conf's open-files limit
        stdout = podman.wait_logs(app, "Max open files")
        assert [" ".join(line.split()) for line in stdout.splitlines()] == [
            "migrated",
            f"DATABASE_PASSWORD={secret['stringData']['db_password']}",
            f"REDIS_PASSWORD={secret['stringData']['redis_password']}",
            "DATABASE_PASSWORD_FILE=unset",
            "Uid: 1000 1000 1000 1000", f"CapEff: {BIND}", f"CapBnd: {BIND}",
            "NoNewPrivs: 1", "Seccomp_filters: 2", "Max open files 4096 4096 files"]
        stderr = podman.logs(app)[1]
        for line in stderr.splitlines():
            json.loads(line)  # MUSTER_LOG_FORMAT=json from the manifest
        for v in secret["stringData"].values():
            assert v not in stderr

        # the probes: startup (retried as the kubelet would, until the
        # server listens), then liveness as podman's healthcheck, readiness
        live = probe_app["livenessProbe"]["exec"]["command"]
        assert podman.inspect(app, "{{.State.Health.Status}}") == "starting"
        assert " ".join(live) in " ".join(
            json.loads(podman.inspect(app, "{{json .Config.Healthcheck.Test}}")))
        deadline = time.monotonic() + 20
        while True:
            r = podman("exec", app, *probe_app["startupProbe"]["exec"]["command"])
            if r.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(0.2)
        assert re.fullmatch(rf"healthy: http://127\.0\.0\.1:{app_port}/healthz HTTP 200 in \d+ms\n",
                            r.stdout), (r.returncode, r.stdout, r.stderr)
        assert podman("healthcheck", "run", app).returncode == 0
        health = json.loads(podman.inspect(app, "{{json .State.Health}}"))
        assert health["Status"] == "healthy"
        assert re.fullmatch(rf"healthy: http://127\.0\.0\.1:{app_port}/healthz HTTP 200 in \d+ms",
                            health["Log"][-1]["Output"])
        r = podman("exec", app, *probe_app["readinessProbe"]["exec"]["command"])
        assert r.returncode == 0
        assert re.fullmatch(rf"healthy: http://127\.0\.0\.1:{app_port}/ready HTTP 200 in \d+ms\n",
                            r.stdout)

        # stop as the kubelet does (TERM, the pod's grace period), then
        # `kube down`: podman's own `kube down` stops with a timeout of 0,
        # which is SIGKILL at once
        grace = spec["terminationGracePeriodSeconds"]
        t = time.monotonic()
        r = podman("pod", "stop", "--time", str(grace), pod)
        took = time.monotonic() - t
        assert r.returncode == 0, r.stderr
        assert took < 10, f"pod stop took {took:.1f}s (grace {grace}s)"
        died = [e for e in podman.events(container=app, event="died")]
        assert [e.get("ContainerExitCode", 0) for e in died] == [143]
        msgs = [json.loads(line)["msg"] for line in podman.logs(app)[1].splitlines()]
        assert any(m.startswith("received SIGTERM: forwarded to") for m in msgs), msgs
        for manifest in (app_yaml, redis_yaml):
            r = podman("kube", "down", str(manifest))
            assert r.returncode == 0, r.stderr
            assert "Pods removed:" in r.stdout
        assert podman("pod", "exists", pod).returncode == 1
        assert podman("pod", "exists", "cache").returncode == 1
    finally:
        if play.poll() is None:
            play.kill()
            play.wait()
        for manifest in (app_yaml, redis_yaml):
            podman("kube", "down", str(manifest))
        podman("secret", "rm", secret["metadata"]["name"])
