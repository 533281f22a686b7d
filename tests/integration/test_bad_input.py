"""The bad-input catalogue (issue 7): malformed options, env twins, INI files,
URLs, secret files, users, capabilities, syscall names and profiles.  Each
must give its exact exit code, one error line naming the culprit, no crash,
no secret in the output, and the workload never started."""

import pytest

from conftest import clean_env, run

SECRET = "hunter2-Sup3rSecret"
WORKLOAD = ["--", "sh", "-c", "echo STARTED"]


def _ini(tmp_path, text):
    p = tmp_path / "bad.ini"
    p.write_bytes(text.encode() if isinstance(text, str) else text)
    return str(p)


def _secret_file(tmp_path, content, name="pw"):
    p = tmp_path / name
    p.write_bytes(content)
    return str(p)


def _fifo(tmp_path, name):
    """A FIFO nobody writes to: reading it would block forever."""
    import os
    p = tmp_path / name
    os.mkfifo(p)
    return str(p)


# (id, args builder(tmp_path) -> (args, env), exit code, culprit in the message)
CASES = [
    ("opt-grace", lambda t: (["--grace", "soon"], {}), 64, "--grace"),
    ("opt-grace-neg", lambda t: (["-t", "-5s"], {}), 64, "--grace"),
    ("opt-wait-timeout", lambda t: (["--wait-timeout", "1d"], {}), 64, "--wait-timeout"),
    ("opt-hook-timeout", lambda t: (["--hook-timeout", "x"], {}), 64, "--hook-timeout"),
    ("opt-rewrite-nocolon", lambda t: (["-r", "TERM"], {}), 64, "--rewrite"),
    ("opt-rewrite-kill", lambda t: (["-r", "KILL:TERM"], {}), 64, "--rewrite"),
    ("opt-rewrite-badsig", lambda t: (["-r", "TERM:NOPE"], {}), 64, "--rewrite"),
    ("opt-remap-range", lambda t: (["-e", "256"], {}), 64, "--remap-exit"),
    ("opt-remap-text", lambda t: (["-e", "ok"], {}), 64, "--remap-exit"),
    ("opt-pdeathsig", lambda t: (["-p", "SIGWHAT"], {}), 64, "--pdeathsig"),
    ("opt-pdeathsig-65", lambda t: (["-p", "65"], {}), 64, "--pdeathsig"),
    ("opt-log-level", lambda t: (["--log-level", "loud"], {}), 64, "--log-level"),
    ("opt-log-format", lambda t: (["--log-format", "xml"], {}), 64, "--log-format"),
    ("opt-unknown", lambda t: (["--frobnicate"], {}), 64, "--frobnicate"),
    ("opt-empty-user", lambda t: (["--user", ""], {}), 64, "--user"),
    ("env-grace", lambda t: ([], {"MUSTER_GRACE": "later"}), 64, "MUSTER_GRACE"),
    ("env-kill-group", lambda t: ([], {"MUSTER_KILL_GROUP": "perhaps"}), 64, "MUSTER_KILL_GROUP"),
    ("env-subreaper", lambda t: ([], {"MUSTER_SUBREAPER": "2"}), 64, "MUSTER_SUBREAPER"),
    ("env-rewrite", lambda t: ([], {"MUSTER_REWRITE": "TERM-QUIT"}), 64, "MUSTER_REWRITE"),
    ("env-remap", lambda t: ([], {"MUSTER_REMAP_EXIT": "1,999"}), 64, "MUSTER_REMAP_EXIT"),
    ("env-log-level", lambda t: ([], {"MUSTER_LOG_LEVEL": "verbose"}), 64, "MUSTER_LOG_LEVEL"),
    ("url-no-port", lambda t: (["-w", "tcp://db"], {}), 64, "tcp://db"),
    ("url-scheme", lambda t: (["-w", "ftp://db:21"], {}), 64, "ftp://db:21"),
    ("url-port-text", lambda t: (["-w", f"redis://:{SECRET}@cache:port"], {}), 64, "--wait"),
    ("url-port-range", lambda t: (["-w", "tcp://db:70000"], {}), 64, "tcp://db:70000"),
    ("url-grpc-no-port", lambda t: (["-w", "grpc://api"], {}), 64, "grpc://api"),
    ("url-env", lambda t: ([], {"MUSTER_WAIT": "tcp://ok:1 bogus"}), 64, "bogus"),
    ("url-unset-var", lambda t: (["-w", "tcp://${NOPE_UNSET}:1"], {}), 64, "NOPE_UNSET"),
    ("ini-unknown-section", lambda t: (["-c", _ini(t, "[nope]\nx = 1\n")], {}), 78, "bad.ini:1"),
    ("ini-unknown-key", lambda t: (["-c", _ini(t, "[init]\ngrace = 1s\nfoo = 2\n")], {}), 78,
     "bad.ini:3"),
    ("ini-bad-duration", lambda t: (["-c", _ini(t, "[init]\ngrace = forever\n")], {}), 78,
     "bad.ini:2"),
    ("ini-bad-bool", lambda t: (["-c", _ini(t, "[init]\nkill_group = sure\n")], {}), 78,
     "bad.ini:2"),
    ("ini-indented", lambda t: (["-c", _ini(t, "[wait]\nurl = tcp://a:1\n  tcp://b:2\n")], {}),
     78, "bad.ini:3"),
    ("ini-bad-url", lambda t: (["-c", _ini(t, f"[wait]\nurl = redis://:{SECRET}@c:x\n")], {}),
     78, "bad.ini:2"),
    ("ini-hook-no-exec", lambda t: (["-c", _ini(t, "[hook migrate]\ntimeout = 1s\n")], {}), 78,
     "migrate"),
    ("ini-hook-bad-quote", lambda t: (["-c", _ini(t, "[hook m]\nexec = echo 'oops\n")], {}), 78,
     "bad.ini:1: [hook m] exec"),
    ("hooks-dir-not-dir", lambda t: (["--hooks-dir", "/etc/hostname"], {}), 78, "/etc/hostname"),
    ("pre-bad-quote", lambda t: (["--pre", "echo 'oops"], {}), 64, "--pre"),
    ("ini-nul", lambda t: (["-c", _ini(t, b"[init]\ngrace = 1\x00s\n")], {}), 78, "bad.ini"),
    ("ini-missing", lambda t: (["-c", str(t / "absent.ini")], {}), 78, "absent.ini"),
    ("ini-fifo", lambda t: (["-c", _fifo(t, "muster.ini")], {}), 78, "muster.ini"),
    ("ini-device", lambda t: (["-c", "/dev/zero"], {}), 78, "/dev/zero"),
    ("secret-fifo", lambda t: (["--secret", "DB_PASSWORD"],
                               {"DB_PASSWORD_FILE": _fifo(t, "pw")}), 78, "DB_PASSWORD_FILE"),
    ("secret-missing", lambda t: (["--secret", "DB_PASSWORD"],
                                  {"DB_PASSWORD_FILE": str(t / "nope")}), 78, "DB_PASSWORD_FILE"),
    ("secret-nul", lambda t: (["--secret", "DB_PASSWORD"],
                              {"DB_PASSWORD_FILE": _secret_file(t, SECRET.encode() + b"\0x")}),
     78, "DB_PASSWORD"),
    ("secret-both-set", lambda t: (["--secret", "DB_PASSWORD"],
                                   {"DB_PASSWORD": SECRET,
                                    "DB_PASSWORD_FILE": _secret_file(t, b"x")}),
     78, "DB_PASSWORD"),
    ("secret-too-large", lambda t: (["--secret", "BIG"],
                                    {"BIG_FILE": _secret_file(t, b"A" * 200000)}), 78, "BIG"),
    ("envdir-missing", lambda t: (["--env-dir", str(t / "nodir")], {}), 78, "nodir"),
    ("user-unknown", lambda t: (["--user", "no-such-user-xyz"], {}), 78, "no-such-user-xyz"),
    ("group-unknown", lambda t: (["--user", "nobody:no-such-group-xyz"], {}), 78,
     "no-such-group-xyz"),
    ("cap-unknown", lambda t: (["--cap-keep", "NET_BIND_SERVICE,FLY"], {}), 78, "FLY"),
    ("seccomp-missing", lambda t: (["--seccomp", str(t / "none.prof")], {}), 78, "none.prof"),
    ("seccomp-syscall", lambda t: (["--seccomp", _secret_file(t, b"default allow\ndeny frobnicate\n",
                                                              "p.prof")], {}), 78, "frobnicate"),
    ("seccomp-syntax", lambda t: (["--seccomp", _secret_file(t, b"default maybe\n", "q.prof")],
                                  {}), 78, "q.prof"),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_bad_input(tmp_path, case):
    _, build, code, culprit = case
    args, env = build(tmp_path)
    r = run(args + WORKLOAD, env=clean_env(**env), timeout=20)
    assert r.returncode == code, r.stderr
    assert "STARTED" not in r.stdout           # the workload never ran
    lines = r.stderr.splitlines()
    assert len(lines) == 1, r.stderr            # one line ...
    assert lines[0].startswith("muster: error: ")
    assert culprit in lines[0]                  # ... naming the culprit
    assert SECRET not in r.stderr + r.stdout    # never the secret
    assert "AddressSanitizer" not in r.stderr and "core dumped" not in r.stderr


def test_catalogue_is_at_least_40():
    assert len(CASES) >= 40
