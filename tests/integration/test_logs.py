"""What muster writes on stderr: one line per event; in JSON, every line
parses as JSON and is valid UTF-8, whatever bytes a name holds."""
import json
import subprocess

from conftest import clean_env, pid1_cmd


def test_json_lines_are_valid_utf8_json():
    cmd = [a.encode() for a in pid1_cmd(["--log-format", "json", "-v", "--"])]
    cmd.append(b"/no/such/caf\xc3\xa9-\xff\xc0\xaf-cmd")
    r = subprocess.run(cmd, env=clean_env(), capture_output=True, timeout=30)
    assert r.returncode == 127
    lines = r.stderr.decode("utf-8", errors="strict").splitlines()
    assert lines, r.stderr
    msgs = [json.loads(line)["msg"] for line in lines]
    # the child's line and PID 1's "started" line may come in either order;
    # the exit is logged once the child is reaped, after both
    assert msgs[-1] == "workload exited with code 127"
    assert ("cannot run /no/such/caf\u00e9-\\xff\\xc0\\xaf-cmd: "
            "No such file or directory") in msgs[:-1], msgs


def test_text_lines_keep_bytes_but_never_break_a_line():
    cmd = [a.encode() for a in pid1_cmd(["--"])] + [b"/no/such/a\nb\xff"]
    r = subprocess.run(cmd, env=clean_env(), capture_output=True, timeout=30)
    assert r.returncode == 127
    assert r.stderr == (b"muster: error: cannot run /no/such/a\\nb\xff: "
                        b"No such file or directory\n")
