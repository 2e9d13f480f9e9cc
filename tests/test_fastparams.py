"""ttscli.cli.fastparams: values that need no conversion skip Typer's pydantic adapters,
with the same results as the adapters; everything else still goes through them."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import typer
from typer._coercion import build_runtime_param
from typer.core import _TyperParameter

from support.cli import invoke

from ttscli.cli import fastparams
from ttscli.cli.app import app


def _params():
    """Every Typer parameter of every ttscli command (with the global options)."""
    found = []

    def walk(command):
        found.extend(p for p in command.params if isinstance(p, _TyperParameter))
        for sub in getattr(command, "commands", {}).values():
            walk(sub)

    walk(typer.main.get_command(app))
    return found


PARAMS = _params()


def test_the_hook_is_installed():
    assert fastparams.install()
    assert len(PARAMS) > 50  # all commands were seen


@pytest.mark.parametrize("param", PARAMS, ids=lambda p: p.name)
def test_fast_values_equal_typers_own(param):
    """For each default, and a str or list of str where declared, the fast path (when it
    takes the value) returns what Typer's adapter returns, of the same type."""
    desc = param.type_descriptor
    samples = [param.default] if param.default is not None else []
    samples += {str: ["x", "caf\u00e9 \udcff"],
                bool: [True, False, "1", "0", "true", "false", "yes", "no", "on", "off"],
                int: [0, 7, "0", "7", "-3", "12"],
                float: [0.0, 1.5, -1.0, "1.5", "-1", "0.25", "2", "0.7"]}.get(desc.annotation, [])
    if "list" in repr(desc.annotation).lower() and "str" in repr(desc.annotation):
        samples.append(("a", "b c"))
    for value in samples:
        ok, fast = fastparams.plain_value(desc, value)
        if not ok:
            continue
        real = build_runtime_param(desc)._coerce_value(value, param=param, ctx=None)
        assert fast == real and type(fast) is type(real), (param.name, value, fast, real)


def test_out_of_range_numbers_and_text_numbers_go_to_typer():
    speed = next(p for p in PARAMS if p.name == "speed")
    assert fastparams.plain_value(speed.type_descriptor, 1.0) == (True, 1.0)
    assert fastparams.plain_value(speed.type_descriptor, 9.0)[0] is False  # above max: Typer's error
    assert fastparams.plain_value(speed.type_descriptor, "1.5") == (True, 1.5)  # the plainest spelling
    for text in ("1.5e0", " 1.5", "+1.5", "1_5", "inf", "1.", ".5", "9"):  # any other, or out of range: Typer
        assert fastparams.plain_value(speed.type_descriptor, text)[0] is False, text
    assert fastparams.plain_value(speed.type_descriptor, float("nan"))[0] is False


def test_bad_numbers_keep_typers_message(tmp_path):
    r = invoke("say", "hi", "--speed", "abc", "-o", str(tmp_path / "x.wav"))
    assert r.code == 2 and "Invalid value for '--speed'" in r.err and "a valid number" in r.err
    r = invoke("say", "hi", "--speed", "9", "-o", str(tmp_path / "x.wav"))
    assert r.code == 2 and "--speed" in r.err
    assert not (tmp_path / "x.wav").exists()


def test_say_with_plain_values_imports_no_pydantic():
    code = ("import sys\nfrom ttscli.cli.app import main\n"
            "rc = main(['say', '--dry-run', 'Hello there.'])\n"
            "print('RC', rc, 'pydantic' in sys.modules)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip().endswith("RC 0 False"), proc.stdout + proc.stderr
    plain = code.replace("'--dry-run'", "'--speed', '1.5', '--seed', '7', '--dry-run'")  # text, plainly spelt
    env = {**os.environ, "TTSCLI_NO_SERVER": "1"}  # a bool from the environment, as text
    proc = subprocess.run([sys.executable, "-c", plain], capture_output=True, text=True, env=env)
    assert proc.stdout.strip().endswith("RC 0 False"), proc.stdout + proc.stderr
    code = code.replace("'--dry-run'", "'--speed', '1.5e0', '--dry-run'")  # another spelling: Typer's adapter
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip().endswith("RC 0 True"), proc.stdout + proc.stderr


def test_bool_words_and_numbers_as_text_equal_typers_own():
    """The text forms the fast path takes, checked against a bare pydantic-backed Typer option."""
    no_server = next(p for p in PARAMS if p.name == "no_server")
    for text, want in (("1", True), ("off", False), ("yes", True), ("0", False)):
        assert fastparams.plain_value(no_server.type_descriptor, text) == (True, want)
        real = build_runtime_param(no_server.type_descriptor)._coerce_value(text, param=no_server, ctx=None)
        assert real is want
    for text in ("TRUE", "Yes", " 1", "2", "y", "t"):  # Typer's adapter decides (and words its errors)
        assert fastparams.plain_value(no_server.type_descriptor, text)[0] is False, text
