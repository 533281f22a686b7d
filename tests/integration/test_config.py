"""INI file errors (exact FILE:LINE messages, exit 78), precedence
CLI > env > file, and `muster config` output with secrets redacted."""
import configparser
import os

import pytest

from conftest import clean_env, run

EXAMPLE = os.path.join(os.path.dirname(__file__), "..", "..", "conf", "muster.example.ini")


def write(tmp_path, text, name="muster.ini"):
    p = tmp_path / name
    p.write_bytes(text.encode() if isinstance(text, str) else text)
    return str(p)


def config(args, **env):
    return run(["config"] + list(args), pid1=False, env=clean_env(**env))


@pytest.mark.parametrize("text,msg", [
    ("[init]\ngraze = 1s\n", "2: unknown key 'graze' in [init]"),
    ("[init]\ngrace = 1s\n\n[bogus]\nx = 1\n", "4: unknown section [bogus]"),
    ("[init]\ngrace = soon\n",
     "2: [init] grace: expected a duration like 250ms, 10s, 2m, 1h, got 'soon'"),
    ("[wait]\nurl = tcp://a:1\n  tcp://b:2\n",
     "3: indented line (continuation lines are not supported: remove the leading whitespace)"),
    ("[hook migrate]\ntimeout = 1m\n", "1: [hook migrate] has no exec = COMMAND"),
    ("[hook a]\nexec = x\n[hook a]\nexec = y\n", "3: duplicate [hook a] (first on line 1)"),
    ("[init]\ngrace = 1s\ngrace = 2s\n", "3: 'grace' given twice (first on line 2)"),
    ("[security]\nuser = " + "x" * 200 + "\n", "2: line longer than 197 characters"),
    (b"[init]\ngrace = 1\x00s\n", "2: NUL byte in line"),
    ("grace = 1s\n", "1: 'grace' outside any section"),
])
def test_file_error_names_file_and_line(tmp_path, text, msg):
    path = write(tmp_path, text)
    r = config(["-c", path])
    assert r.returncode == 78
    assert r.stderr == f"muster: error: {path}:{msg}\n"
    assert r.stdout == ""


def test_config_from_environment_variable(tmp_path):
    path = write(tmp_path, "[init]\nkill_group = perhaps\n")
    r = config([], MUSTER_CONFIG=path)
    assert r.returncode == 78
    assert r.stderr == (f"muster: error: {path}:2: [init] kill_group: "
                        "expected true or false, got 'perhaps'\n")


def test_missing_explicit_file_is_78(tmp_path):
    missing = str(tmp_path / "missing.ini")
    r = config(["-c", missing])
    assert r.returncode == 78
    assert r.stderr == (f"muster: error: {missing}: cannot open the config file: "
                        "No such file or directory\n")
    r = config([], MUSTER_CONFIG=missing)
    assert r.returncode == 78
    # the main mode reads it before anything else
    r = run(["-c", missing, "true"], pid1=False)
    assert r.returncode == 78


def test_bad_value_overridden_by_cli_is_still_an_error(tmp_path):
    path = write(tmp_path, "[init]\ngrace = forever\n")
    r = config(["-c", path, "-t", "1s"])
    assert r.returncode == 78
    assert f"{path}:2: [init] grace:" in r.stderr


def line_of(out, key):
    """The `key = ...` lines of a dump."""
    return [l for l in out.splitlines() if l.startswith(key + " = ")]


def test_precedence_cli_env_file(tmp_path):
    path = write(tmp_path, "[init]\ngrace = 3s\n[wait]\nurl = tcp://file:1\nurl = tcp://file:2\n")
    r = config(["-c", path])
    assert r.returncode == 0, r.stderr
    assert line_of(r.stdout, "grace") == [f"grace = 3s ; {path}:2"]
    assert line_of(r.stdout, "url")[:2] == [f"url = tcp://file:1 ; {path}:4",
                                            f"url = tcp://file:2 ; {path}:5"]

    r = config(["-c", path], MUSTER_GRACE="2s", MUSTER_WAIT="tcp://env:1")
    assert r.returncode == 0, r.stderr
    assert line_of(r.stdout, "grace") == ["grace = 2s ; env MUSTER_GRACE"]
    assert line_of(r.stdout, "url")[0] == "url = tcp://env:1 ; env MUSTER_WAIT"
    assert "tcp://file" not in r.stdout

    r = config(["-c", path, "-t", "1s", "-w", "tcp://cli:1"], MUSTER_GRACE="2s",
               MUSTER_WAIT="tcp://env:1")
    assert r.returncode == 0, r.stderr
    assert line_of(r.stdout, "grace") == ["grace = 1s ; command line"]
    assert line_of(r.stdout, "url")[0] == "url = tcp://cli:1 ; command line"
    assert "tcp://env" not in r.stdout and "tcp://file" not in r.stdout


def test_defaults_are_printed():
    r = config([])
    assert r.returncode == 0, r.stderr
    assert "grace = 10s ; default" in r.stdout.splitlines()
    assert "timeout = 1m ; default" in r.stdout.splitlines()
    assert "dir = /run/secrets ; default" in r.stdout.splitlines()


def test_secrets_never_printed(tmp_path):
    path = write(tmp_path, "[wait]\nurl = redis://:filepass1@cache:6379\n"
                 "[health]\nheader = Authorization: Bearer filetoken1\n"
                 "url = http://u:${PW}@h/\n")
    cases = [
        (["-c", path], {}),
        (["-c", path, "-w", "redis://:clipass1@cache:6379"], {}),
        (["-c", path], {"MUSTER_WAIT": "redis://:envpass1@cache:6379 tcp://x:1"}),
    ]
    for args, env in cases:
        r = config(args, PW="pwvalue1", **env)
        assert r.returncode == 0, r.stderr
        for secret in ("filepass1", "clipass1", "envpass1", "filetoken1", "pwvalue1"):
            assert secret not in r.stdout and secret not in r.stderr
        assert "url = redis://:***@cache:6379 ; " in r.stdout
        assert f"header = Authorization: *** ; {path}:4" in r.stdout.splitlines()
        assert f"url = http://u:${{PW}}@h/ ; {path}:5" in r.stdout.splitlines()


def test_redis_password_only_form_never_printed():
    """redis://SECRET@host: a user information without ':' is a password for
    redis (it was printed as is), a user name for postgres."""
    r = config(["-w", "redis://redispw1@cache:6379", "-w", "postgres://app@db/app"])
    assert r.returncode == 0, r.stderr
    assert "redispw1" not in r.stdout + r.stderr
    assert "url = redis://***@cache:6379 ; command line" in r.stdout.splitlines()
    assert "url = postgres://app@db/app ; command line" in r.stdout.splitlines()


def test_unknown_muster_variable_warns():
    r = config([], MUSTER_GRAZE="1s")
    assert r.returncode == 0
    assert r.stderr == "muster: warning: ignoring unknown variable MUSTER_GRAZE\n"


def test_bad_env_value_is_usage_error():
    r = config([], MUSTER_GRACE="soon")
    assert r.returncode == 64


def keys_of(text):
    cp = configparser.ConfigParser(inline_comment_prefixes=(";",), comment_prefixes=("#", ";"),
                                   strict=False, interpolation=None)
    cp.optionxform = str
    cp.read_string(text)
    return {(s, k) for s in cp.sections() if not s.startswith("hook ") for k in cp[s]}


def example_here(tmp_path):
    """The example with its env_dir pointing at a directory that exists (the
    full validation of `muster config` checks it)."""
    text = open(EXAMPLE).read()
    assert "\nenv_dir = /etc/app/env\n" in text
    (tmp_path / "env").mkdir()
    return write(tmp_path, text.replace("\nenv_dir = /etc/app/env\n",
                                        "\nenv_dir = %s/env\n" % tmp_path), "example.ini")


def test_example_covers_every_key_and_parses(tmp_path):
    r = config(["-c", example_here(tmp_path)])
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    # every key `muster config` knows (it prints them all) is in the example
    out = config([]).stdout
    everything = out[out.index("\n["):].replace("\n# ", "\n")
    assert keys_of(open(EXAMPLE).read()) == keys_of(everything)
    assert "[hook migrate]" in r.stdout


def test_dump_is_a_valid_config(tmp_path):
    r = config(["-c", example_here(tmp_path)])
    again = write(tmp_path, r.stdout)
    r2 = config(["-c", again])
    assert r2.returncode == 0, r2.stderr
    # the same values (their sources differ: the new file, other lines)
    values = lambda out: [l.split(" ; ")[0] for l in out.splitlines()[2:]]
    assert values(r2.stdout) == values(r.stdout)


def test_bad_url_in_file_is_78_with_line(tmp_path):
    path = write(tmp_path, "[wait]\nurl = tcp://db:5432\nurl = tcp://db\n")
    r = config(["-c", path])
    assert r.returncode == 78
    assert r.stderr == (f"muster: error: {path}:3: [wait] url: malformed URL 'tcp://db': "
                        "a port is required (tcp://host:port)\n")
    assert r.stdout == ""


def test_bad_url_on_command_line_or_env_is_64():
    r = config(["-w", "redis://:hunter2@cache:port"])
    assert r.returncode == 64
    assert r.stderr == ("muster: error: --wait: malformed URL 'redis://:***@cache:port': "
                        "port is not a number\n")
    r = config([], MUSTER_HEALTH_URL="ftp://x/")
    assert r.returncode == 64
    assert r.stderr.startswith("muster: error: MUSTER_HEALTH_URL: malformed URL 'ftp://x/'")


@pytest.mark.parametrize("args,msg", [
    (["-u", "nosuchuser"], "--user: unknown user 'nosuchuser' (not in /etc/passwd)"),
    (["--cap-keep", "NOPE"], "--cap-keep: unknown capability 'NOPE'"),
])
def test_named_things_that_cannot_be_used_are_78(args, msg):
    r = config(args)
    assert r.returncode == 78
    assert r.stderr == f"muster: error: {msg}\n"
    assert r.stdout == ""


def test_secrets_checked_never_printed(tmp_path):
    (tmp_path / "token").write_text("sup3rsecret\n")
    r = config(["--secrets-dir", str(tmp_path), "--secret", "API_TOKEN"],
               API_TOKEN_FILE=str(tmp_path / "token"))
    assert r.returncode == 0, r.stderr
    assert "sup3rsecret" not in r.stdout + r.stderr
    r = config(["--secrets-dir", str(tmp_path)], API_TOKEN_FILE=str(tmp_path / "missing"))
    assert r.returncode == 78
    assert r.stderr == (f"muster: error: API_TOKEN_FILE: cannot read {tmp_path}/missing: "
                        "No such file or directory\n")
