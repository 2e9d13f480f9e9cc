"""`ttscli completion` and `ttscli man`: shell integration installed by the user.

The scripts and the page are generated from the app (the same text as the shipped
completions/ and man/ files, which a test keeps current); `install` writes them where
each shell, or man, looks in the user's home.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import typer

from . import complete
from .app import app

completion_app = typer.Typer(help="Tab completion for bash, zsh and fish: print or install the script.",
                             no_args_is_help=True)
app.add_typer(completion_app, name="completion")

ShellArg = typer.Argument(None, help="bash, zsh or fish (default: from $SHELL).", autocompletion=complete.shells)


def _shell(name: str | None) -> str:
    from ..errors import UsageError

    shell = (name or Path(os.environ.get("SHELL", "")).name).lower()
    if shell not in complete.SHELLS:
        raise UsageError(f"cannot tell which shell to complete for ({shell or 'SHELL is not set'})",
                         hint="name it: ttscli completion install bash|zsh|fish")
    return shell


def _xdg(var: str, default: str) -> Path:
    return Path(os.environ.get(var) or Path.home() / default)


def completion_target(shell: str) -> Path:
    """Where each shell finds a user's completion script without editing its rc file
    (zsh: a directory that has to be on fpath)."""
    if shell == "bash":  # bash-completion 2 loads it on first use
        return _xdg("XDG_DATA_HOME", ".local/share") / "bash-completion" / "completions" / "ttscli"
    if shell == "fish":
        return _xdg("XDG_CONFIG_HOME", ".config") / "fish" / "completions" / "ttscli.fish"
    return Path(os.environ.get("ZDOTDIR") or Path.home()) / ".zfunc" / "_ttscli"


def _write(path: Path, text: str) -> None:
    from ..fsio import atomic_write, write_error

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, text)
    except OSError as exc:
        raise write_error(exc, path) from exc


@completion_app.command("show")
def show(shell: str | None = ShellArg) -> None:
    """Print the completion script (e.g. `eval "$(ttscli completion show bash)"`)."""
    from .docgen import completion_script

    typer.echo(completion_script(_shell(shell)), nl=False)


@completion_app.command("install")
def install(shell: str | None = ShellArg) -> None:
    """Write the completion script where the shell finds it."""
    from .docgen import completion_script
    from .render import note_line

    name = _shell(shell)
    path = completion_target(name)
    _write(path, completion_script(name))
    note_line(f"{name} completion installed in {path}; it works in new shells")
    if name == "zsh":
        note_line(f"if {path.parent} is not on fpath yet, add to ~/.zshrc: "
                  f"fpath=({path.parent} $fpath); autoload -Uz compinit; compinit")


def man_target() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share") / "man" / "man1" / "ttscli.1"


@app.command("man")
def man(install_page: bool = typer.Option(False, "--install", help="Write the page to ~/.local/share/man/man1 "
                                          "(then `man ttscli` finds it).")) -> None:
    """Show the manual page (roff on stdout when it is not a terminal)."""
    from .docgen import man_page
    from .render import note_line

    page = man_page()
    if install_page:
        path = man_target()
        _write(path, page)
        note_line(f"man page installed in {path}")
        return
    viewer = shutil.which("man")
    if not sys.stdout.isatty() or viewer is None:
        typer.echo(page, nl=False)
        return
    with tempfile.NamedTemporaryFile("w", suffix=".1") as tmp:
        tmp.write(page)
        tmp.flush()
        subprocess.run([viewer, "-l", tmp.name], check=False)
