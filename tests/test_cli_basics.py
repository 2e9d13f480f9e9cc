"""CLI surface: docs generated from the app, lazy imports, plugins, version."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

from support.cli import REPO, invoke, run_cli

HEAVY = ("onnxruntime", "torch", "llama_cpp", "numpy", "sherpa_onnx", "onnx", "soundfile")


def test_help_imports_no_runtime():
    code = textwrap.dedent(
        """
        import sys
        from ttscli.cli.app import main
        rc = main(["--help"])
        heavy = sorted({m.split('.')[0] for m in sys.modules} & set(%r))
        print("HEAVY=" + ",".join(heavy))
        """ % (HEAVY,)
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY=\n" in proc.stdout or proc.stdout.strip().endswith("HEAVY="), proc.stdout


def test_subcommand_help_imports_no_runtime():
    code = "import sys\nfrom ttscli.cli.app import main\nmain(['say', '--help'])\n" \
           "print('HEAVY=' + ','.join(sorted({m.split('.')[0] for m in sys.modules} & set(%r))))" % (HEAVY,)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.stdout.strip().endswith("HEAVY="), proc.stdout


def test_version():
    proc = run_cli("--version")
    assert proc.returncode == 0 and proc.stdout.decode().startswith("ttscli ")


def test_no_arguments_shows_help_and_usage_code():
    proc = run_cli()
    assert proc.returncode == 2 and b"say" in proc.stderr + proc.stdout


def test_generated_docs_are_current(tmp_path):
    from ttscli.cli import docgen

    docgen.generate(tmp_path)
    for rel in ["completions/ttscli.bash", "completions/ttscli.zsh", "completions/ttscli.fish", "man/ttscli.1"]:
        shipped = (REPO / rel).read_text()
        fresh = (tmp_path / rel).read_text()
        assert shipped == fresh, f"{rel} is stale: run `python -m ttscli.cli.docgen .`"


def test_man_page_documents_every_command_and_exit_code():
    from ttscli import errors
    from ttscli.cli import docgen

    page = docgen.man_page()
    for code in errors.EXIT_CODES:
        assert f"\\fB{code}\\fR" in page
    assert ".SS ttscli say" in page


def test_bash_completion_round_trip():
    env = {"COMP_WORDS": "ttscli say --sp", "COMP_CWORD": "2", "_TTSCLI_COMPLETE": "complete_bash"}
    proc = run_cli(env=env)
    assert "--speed" in proc.stdout.decode()


def test_unknown_family_suggests():
    import pytest

    from ttscli.backends import registry
    from ttscli.errors import NotFound

    with pytest.raises(NotFound) as info:
        registry.get("pipr")
    assert "did you mean piper" in info.value.one_line()


def test_in_process_runner_matches_the_real_process(tmp_path):
    """support.cli.invoke (the cli_inproc fixture) gives what `python -m ttscli` gives: exit code,
    stdout bytes, the one error line; and it leaves the environment as it found it."""
    from support.cli import invoke

    env_before = dict(os.environ)
    for args in (("--version",), ("say", "Hi", "-o", str(tmp_path / "missing" / "x.wav")),
                 ("say", "--dry-run", "It costs $5."), ("nosuchcommand",)):
        real, here = run_cli(*args), invoke(*args)
        assert (here.returncode, here.stdout, here.stderr) == (real.returncode, real.stdout, real.stderr), args
    assert dict(os.environ) == env_before


def test_a_run_builds_only_the_commands_it_names():
    """Typer builds a click object per command; a run that names a command gets only the ones
    its arguments name, and help, a misspelt command or no command get the whole tree."""
    from ttscli.cli.app import COMMANDS, _command_tree

    every = set(_command_tree(["--help"]).commands)
    assert {name for _, name in COMMANDS} <= every | {"list"}
    assert set(_command_tree(["say", "Hello", "-o", "x.wav"]).commands) == {"say"}
    assert set(_command_tree(["--debug", "--device", "cpu", "voice", "list"]).commands) == {"voice", "list"}
    assert set(_command_tree(["say", "--", "list", "serve"]).commands) == {"say"}  # text after --
    for argv in (["say", "--help"], ["say", "-h"], ["sya", "hi"], []):
        assert set(_command_tree(argv).commands) == every


def test_one_command_tree_parses_like_the_whole(tmp_path):
    """The same usage error, global options after the command, and a group's subcommand."""
    bad = invoke("say", "hi", "--speeed", "2", "-o", str(tmp_path / "x.wav"))
    assert bad.returncode == 2 and b"Possible options: --seed, --speed" in bad.stderr
    assert invoke("say", "--dry-run", "Hi there.", "--device", "cpu", "--debug").returncode == 0
    listing = invoke("voice", "list", "--json")
    assert listing.returncode == 0 and listing.stdout.lstrip().startswith(b"[")
