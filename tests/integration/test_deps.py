"""Issue 15: more dependencies and checks.

- --expand-args: ${NAME} in the command and its arguments, after secrets are
  loaded, never re-split, never logged expanded; off by default.
- HTTP checks given to the main mode and `muster wait` (--expect, -H,
  --body): a bad regular expression is 64 on the command line, FILE:LINE
  and 78 in the INI file.
"""
import json
import os

from conftest import clean_env, run

SECRET = "s3cr3t with spaces 'and' \"quotes\" ${NOT_AGAIN}"


def secret_env(tmp_path, **extra):
    f = tmp_path / "db_password"
    f.write_text(SECRET + "\n")
    return clean_env(DB_PASSWORD_FILE=str(f), **extra)


# ---- --expand-args -------------------------------------------------------

def test_expand_args_uses_a_secret_from_its_file_and_never_logs_it(tmp_path):
    env = secret_env(tmp_path)
    for fmt in ("text", "json"):
        r = run(["--secret", "DB_PASSWORD", "--expand-args", "--log-level", "debug",
                 "--log-format", fmt, "--", "printf", "[%s]\n", "--db=${DB_PASSWORD}",
                 "${DB_PASSWORD}", "$PATH", "${EMPTY}"], env=dict(env, EMPTY=""))
        assert r.returncode == 0, r.stderr
        # one argument each, whatever the value holds; a value's own ${...}
        # is not expanded again; '$' without '{' is kept; empty stays an argument
        assert r.stdout == "[--db=%s]\n[%s]\n[$PATH]\n[]\n" % (SECRET, SECRET)
        assert "s3cr3t" not in r.stderr
        if fmt == "json":
            for line in r.stderr.splitlines():
                json.loads(line)
    assert "started workload printf as pid" in r.stderr


def test_expand_args_command_name_is_logged_as_written(tmp_path):
    env = clean_env(TOOL="no-such-tool-xyz-secret")
    r = run(["--expand-args", "--", "${TOOL}", "a"], env=env)
    assert r.returncode == 127
    assert "muster: error: ${TOOL}: command not found" in r.stderr.splitlines()
    assert "no-such-tool" not in r.stderr
    env = clean_env(TOOL="/bin/echo")
    r = run(["--expand-args", "--", "${TOOL}", "ran"], env=env)
    assert (r.returncode, r.stdout) == (0, "ran\n")


def test_expand_args_unset_or_malformed_is_64_naming_it(tmp_path):
    r = run(["--expand-args", "--", "echo", "ok", "--token=${API_TOKEN}"])
    assert r.returncode == 64
    assert r.stdout == ""
    assert r.stderr.splitlines() == [
        "muster: error: ${API_TOKEN}: variable API_TOKEN is not set (argument 2 of the command)"]
    r = run(["--expand-args", "--", "echo", "${1BAD}"])
    assert r.returncode == 64
    assert "bad variable reference '${1BAD}'" in r.stderr


def test_expand_args_is_off_by_default_and_from_env_or_ini(tmp_path):
    env = clean_env(GREETING="hello")
    r = run(["--", "echo", "${GREETING}"], env=env)
    assert (r.returncode, r.stdout) == (0, "${GREETING}\n")
    r = run(["--", "echo", "${GREETING}"], env=dict(env, MUSTER_EXPAND_ARGS="true"))
    assert (r.returncode, r.stdout) == (0, "hello\n")
    ini = tmp_path / "m.ini"
    ini.write_text("[init]\nexpand_args = true\n")
    r = run(["-c", str(ini), "--", "echo", "${GREETING}"], env=env)
    assert (r.returncode, r.stdout) == (0, "hello\n")
    r = run(["config", "-c", str(ini)], pid1=False, env=env)
    assert "expand_args = true ; %s:2" % ini in r.stdout


def test_expand_args_after_a_failed_expansion_nothing_runs(tmp_path):
    marker = tmp_path / "ran"
    r = run(["--expand-args", "--pre", "touch %s" % marker, "--", "echo", "${NOPE}"])
    assert r.returncode == 64
    assert not marker.exists()  # an error at start-up: no hook, no wait, no workload


# ---- HTTP check options --------------------------------------------------

def test_bad_body_regex_is_64_on_the_command_line_and_78_in_the_file(tmp_path):
    r = run(["--body", "(ok", "--", "true"])
    assert r.returncode == 64
    assert r.stderr.splitlines() == [
        "muster: error: --body: unmatched '(' at offset 3 in the regular expression '(ok'"]
    r = run(["wait", "--body", "[[:word:]]", "http://127.0.0.1:1/"], pid1=False)
    assert r.returncode == 64
    assert "unknown character class at offset 1" in r.stderr
    r = run(["--", "true"], env=clean_env(MUSTER_WAIT_BODY="a{3,1}"))
    assert r.returncode == 64
    assert "MUSTER_WAIT_BODY: bad repetition count at offset 1" in r.stderr
    ini = tmp_path / "m.ini"
    ini.write_text("[wait]\nurl = http://127.0.0.1:1/\nbody = \\d+\n")
    for args in (["-c", str(ini), "--", "true"], ["config", "-c", str(ini)]):
        r = run(args, pid1=False)
        assert r.returncode == 78, r.stderr
        assert r.stderr.splitlines() == [
            "muster: error: %s:3: [wait] body: not a POSIX ERE escape (use a bracket "
            "expression) at offset 1 in the regular expression '\\d+'" % ini]
    ini.write_text("[health]\nbody = ok)\n")  # ')' alone is an ordinary character
    r = run(["config", "-c", str(ini)], pid1=False)
    assert r.returncode == 0, r.stderr
    assert "body = ok) ; %s:2" % ini in r.stdout


def test_config_shows_the_wait_checks(tmp_path):
    ini = tmp_path / "m.ini"
    ini.write_text("[wait]\nexpect = 200,204\nheader = Authorization: Bearer ${TOKEN}\n"
                   "body = \"status\": *\"UP\"\n")
    r = run(["config", "-c", str(ini)], pid1=False)
    assert r.returncode == 0, r.stderr
    assert "expect = 200,204 ; %s:2" % ini in r.stdout
    assert "header = Authorization: *** ; %s:3" % ini in r.stdout
    assert "body = \"status\": *\"UP\" ; %s:4" % ini in r.stdout
