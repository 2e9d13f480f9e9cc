"""`say` without Typer (ttscli.cli.say_direct): the options it takes reach say_core.speak exactly
as the Typer command passes them; anything else is left to the full CLI; a real run imports no
Typer and writes the same bytes and messages as the full CLI."""

from __future__ import annotations

import inspect
import os
import subprocess
import sys

import pytest
import typer

from support.cli import invoke, report_at_exit

from ttscli.cli import say_core, say_direct
from ttscli.cli.app import app

ENV_FREE = {k: v for k, v in os.environ.items() if not k.startswith("TTSCLI_")}


def test_speak_defaults_are_the_commands():
    command = typer.main.get_command(app).commands["say"]
    params = inspect.signature(say_core.speak).parameters
    declared = {p.name: p.default for p in command.params if p.name != "debug"}
    assert set(declared) == set(params)
    for name, default in declared.items():
        expected = None if name == "text" else default  # an empty argument list arrives as None
        assert params[name].default == expected, name


def _typer_kwargs(monkeypatch, args: list[str], env: dict) -> dict:
    """What the Typer command hands to say_core.speak for ``say ARGS``."""
    seen: dict = {}

    def record(text=None, **kwargs):
        seen.update(kwargs, text=text)

    monkeypatch.setattr(say_core, "speak", record)
    result = invoke("say", *args, env=env)
    assert result.code == 0, result.stderr
    if seen.get("date_order") is not None:
        seen["date_order"] = seen["date_order"].value
    seen["text"] = seen["text"] or None
    return seen


TAKEN = [
    ["Hello there.", "-o", "x.wav"],
    ["Hello", "there.", "--output=x.flac", "--speed", "1.25", "--volume", "0.5", "--seed", "7"],
    ["-f", "in.txt", "--raw", "--lang", "en-gb", "--date-order", "DMY", "--sentence-silence", "0.2"],
    ["--paragraph-silence", "1", "-m", "piper:en_US-joe-medium", "-v", "somebody", "--", "-5 degrees"],
    ["-o", "-", "--format", "wav", "Text"],
    ["-", "-o", "y.wav", "--speed", "2.", "--seed", "0007"],
    ["Hello there.", "--no-server", "-o", "x.wav"],
    ["--raw", "--no-server", "--no-server", "Text"],
]


@pytest.mark.parametrize("args", TAKEN, ids=lambda a: " ".join(a))
@pytest.mark.parametrize("env", [{}, {"TTSCLI_MODEL": "piper:en_US-joe-medium", "TTSCLI_NO_SERVER": "yes"},
                                 {"TTSCLI_NO_SERVER": "0"}], ids=["plain", "env", "env-off"])
def test_taken_options_reach_speak_as_typer_passes_them(monkeypatch, args, env):
    for name in [k for k in os.environ if k.startswith("TTSCLI_") and k not in ("TTSCLI_HOME",)]:
        monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    direct = say_direct.options(args)
    assert direct is not None, args
    called = {name: p.default for name, p in inspect.signature(say_core.speak).parameters.items()}
    called.update(direct)  # speak's own defaults for the rest
    assert called == _typer_kwargs(monkeypatch, args, env)


@pytest.mark.parametrize("args,env", [
    (["Hi", "--speed", "1e0"], {}),  # a spelling Typer converts
    (["Hi", "--speed", "9"], {}),  # out of range: Typer's message
    (["Hi", "--seed", "-1"], {}),
    (["Hi", "--date-order", "xyz"], {}),
    (["Hi", "--lang", "not a tag"], {}),
    (["Hi", "--lexicon", "x.toml"], {}),  # an option it does not take
    (["Hi", "--subtitles", "x.srt", "-o", "x.wav"], {}),
    (["Hi", "--dry-run"], {}),
    (["Hi", "--debug"], {}),
    (["Hi", "-ox.wav"], {}),
    (["Hi", "--no-server=1"], {}),
    (["-hello"], {}),
    (["Hi", "-m", ""], {}),
    (["Hi", "-m", "./some/dir"], {}),
    (["Hi"], {"TTSCLI_THREADS": "2"}),  # a global option by the environment: the Typer root checks it
    (["Hi"], {"TTSCLI_DEVICE": "cpu"}),
    (["Hi"], {"TTSCLI_NO_SERVER": "perhaps"}),
    (["Hi"], {"TTSCLI_DEBUG": "1"}),
])
def test_anything_else_is_left_to_the_full_cli(monkeypatch, args, env):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert say_direct.options(args) is None


def _run(args: list[str], tmp_path, direct: bool, **kw):
    """``ttscli say ARGS`` in a new process, through the entry point (direct) or app.main (Typer)."""
    loaded = "sys.stderr.write('LOADED %r' % [m for m in ('typer', 'click', 'ttscli.cli.app') if m in sys.modules])"
    code = report_at_exit(loaded)  # the entry point ends a `say` it finishes with os._exit
    code += ("from ttscli.__main__ import run\nsys.argv = ['ttscli', 'say', *sys.argv[1:]]\nrc = run()\n" if direct
             else "from ttscli.cli.app import main\nrc = main(['say', *sys.argv[1:]])\n")
    code += f"{loaded}\nraise SystemExit(rc)\n"
    env = {**ENV_FREE, "TTSCLI_HOME": str(tmp_path / "home"), "TTSCLI_HOST": "127.0.0.1:9"}  # no server there
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, env=env, timeout=180, **kw)


def test_a_real_run_imports_no_typer_and_writes_the_full_clis_bytes(tmp_path):
    text = "The meeting is at 3 pm on May 5, 2024. It costs $12.50."
    direct = _run([text, "-o", str(tmp_path / "direct.wav"), "--seed", "3"], tmp_path, True)
    typer_run = _run([text, "-o", str(tmp_path / "typer.wav"), "--seed", "3"], tmp_path, False)
    assert direct.returncode == typer_run.returncode == 0, direct.stderr + typer_run.stderr
    assert direct.stderr.decode().endswith("LOADED []")
    assert "'typer'" in typer_run.stderr.decode()
    assert (tmp_path / "direct.wav").read_bytes() == (tmp_path / "typer.wav").read_bytes()
    raw = _run(["Raw audio.", "--raw"], tmp_path, True)
    assert raw.returncode == 0 and len(raw.stdout) > 20_000
    assert raw.stderr.decode().startswith("ttscli: raw PCM: s16le, 22050 Hz, 1 channel\n")


@pytest.mark.parametrize("args,code,needle", [
    (["Hi", "-o", "{tmp}/missing/x.wav"], 8, "does not exist"),
    (["Hi", "-o", "{tmp}/x.xyz"], 2, "format"),
    (["   ", "-o", "{tmp}/x.wav"], 3, "no text"),
    (["Hi", "-v", "nobody", "-o", "{tmp}/x.wav"], 4, "nobody"),
    (["-f", "{tmp}/nothing.txt", "-o", "{tmp}/x.wav"], 3, "nothing.txt"),
    (["Hi", "-f", "{tmp}/nothing.txt", "-o", "{tmp}/x.wav"], 2, "not both"),
    (["Hi", "--raw", "-o", "{tmp}/x.wav"], 2, "--raw"),
    (["Hi", "--no-server", "-v", "nobody", "-o", "{tmp}/x.wav"], 4, "nobody"),
])
def test_errors_are_the_full_clis_line_and_code(tmp_path, args, code, needle):
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    direct, full = _run(args, tmp_path, True), _run(args, tmp_path, False)
    lines = [direct.stderr.decode().rsplit("LOADED", 1)[0], full.stderr.decode().rsplit("LOADED", 1)[0]]
    assert direct.returncode == full.returncode == code, lines
    assert lines[0] == lines[1] and lines[0].startswith("ttscli: error: ") and lines[0].count("\n") == 1, lines
    assert needle.lower() in lines[0].lower() and "Traceback" not in lines[0]
    assert not list(tmp_path.glob("*.wav")) and not list(tmp_path.glob("*.part"))


@pytest.mark.parametrize("given,expected", [(None, "4"), ("28", "28")])
def test_the_entry_point_puts_idle_openblas_helpers_to_sleep_unless_the_user_chose(tmp_path, given, expected):
    """`ttscli` sets OPENBLAS_THREAD_TIMEOUT before numpy loads (a user's own value is kept); its
    effect is the next test's."""
    code = (report_at_exit("print(_os.environ['OPENBLAS_THREAD_TIMEOUT'])")
            + "sys.argv = ['ttscli', 'say', 'Hi', '-o', sys.argv[1]]\n"
            "from ttscli.__main__ import run\nrun()\nprint('the entry point returned')\n")
    env = {**ENV_FREE, "TTSCLI_HOME": str(tmp_path / "home"), "TTSCLI_HOST": "127.0.0.1:9"}
    if given is not None:
        env["OPENBLAS_THREAD_TIMEOUT"] = given
    else:
        env.pop("OPENBLAS_THREAD_TIMEOUT", None)
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "x.wav")], capture_output=True, text=True,
                         env=env, timeout=180)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == expected
    assert (tmp_path / "x.wav").stat().st_size > 10_000


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="OpenBLAS starts no helper thread on one core")
def test_openblas_helpers_spend_no_cpu_while_idle_after_numpy_loads():
    """With the entry point's setting, numpy's idle OpenBLAS helpers sleep: a process that only
    imported numpy spends (almost) no CPU while it sleeps 0.3 s. (With OpenBLAS's default they
    spin: 0.05-0.06 CPU s here on 2 cores.)"""
    code = ("import os, time\n"
            "from ttscli.__main__ import OPENBLAS_TIMEOUT\n"
            "os.environ.setdefault(*OPENBLAS_TIMEOUT)\n"
            "import numpy\n"
            "if 'openblas' not in str(numpy.show_config(mode='dicts')).lower():\n"
            "    print('no-openblas'); raise SystemExit\n"
            "started = time.process_time(); time.sleep(0.3); print(time.process_time() - started)\n")
    env = {k: v for k, v in ENV_FREE.items() if not k.startswith("OPENBLAS")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=60)
    assert out.returncode == 0, out.stderr
    if out.stdout.strip() == "no-openblas":
        pytest.skip("numpy is not built with OpenBLAS here")
    assert float(out.stdout) < 0.02
