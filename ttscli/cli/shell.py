"""`ttscli completion` and `ttscli man`: shell integration installed by the user.

The scripts and the page are generated from the app (the same text as the shipped
completions/ and man/ files, which a test keeps current); `install` writes them where
each shell, or man, looks in the user's home.
"""

from __future__ import annotations

import os
import shlex
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
    """Where the completion script goes (fish loads it from there by itself; bash-completion, when
    installed, does too; the rc line of :func:`rc_line` loads it on a plain system)."""
    if shell == "bash":
        return _xdg("XDG_DATA_HOME", ".local/share") / "bash-completion" / "completions" / "ttscli"
    if shell == "fish":
        return _xdg("XDG_CONFIG_HOME", ".config") / "fish" / "completions" / "ttscli.fish"
    return _zdotdir() / ".zfunc" / "_ttscli"


def _zdotdir() -> Path:
    return Path(os.environ.get("ZDOTDIR") or Path.home())


def rc_line(shell: str, script: Path) -> tuple[Path, str] | None:
    """(start-up file, the line that loads ``script`` in every new interactive shell), or None
    when the shell needs none (fish)."""
    quoted = shlex.quote(str(script))
    if shell == "bash":
        return Path.home() / ".bashrc", f"[ -r {quoted} ] && . {quoted}"
    if shell == "zsh":  # compdef comes from compinit; start it unless the user's setup already did
        return (_zdotdir() / ".zshrc",
                f"(( $+functions[compdef] )) || {{ autoload -Uz compinit && compinit -i; }}; "
                f"[ -r {quoted} ] && . {quoted}")
    return None


COMPLETION_TAG = "completion install|completion uninstall"
MAN_TAG = "man --install|man --uninstall"


@completion_app.command("show")
def show(shell: str | None = ShellArg) -> None:
    """Print the completion script (e.g. `eval "$(ttscli completion show bash)"`)."""
    from .docgen import completion_script

    typer.echo(completion_script(_shell(shell)), nl=False)


@completion_app.command("install")
def install(shell: str | None = ShellArg) -> None:
    """Write the completion script and, for bash and zsh, a marked line in ~/.bashrc or ~/.zshrc
    that loads it (fish needs none); print every file changed."""
    from . import rcfile
    from .docgen import completion_script
    from .render import note_line

    name = _shell(shell)
    path = completion_target(name)
    rcfile.write_text(path, completion_script(name))
    note_line(f"wrote {path}")
    loader = rc_line(name, path)
    if loader is not None:
        rc, line = loader
        if rcfile.add(rc, COMPLETION_TAG, line):
            note_line(f"added to {rc}: {line}")
        else:
            note_line(f"{rc} loads it already")
    note_line(f"{name} completion works in new shells" + (f" (this one: . {shlex.quote(str(loader[0]))})"
                                                          if loader else ""))


@completion_app.command("uninstall")
def uninstall(shell: str | None = ShellArg) -> None:
    """Remove what `install` added: the script and the marked line in the shell's rc file."""
    name = _shell(shell)
    path = completion_target(name)
    loader = rc_line(name, path)
    _undo(path, loader[0] if loader else None, COMPLETION_TAG)


def _undo(path: Path, config: Path | None, tag: str) -> None:
    from . import rcfile
    from .render import note_line

    changed = False
    if path.is_file():
        path.unlink()
        note_line(f"removed {path}")
        changed = True
    for line in rcfile.remove(config, tag) if config is not None else []:
        note_line(f"removed from {config}: {line}")
        changed = True
    if not changed:
        note_line("nothing to remove: not installed")


def man_target() -> Path:
    return _xdg("XDG_DATA_HOME", ".local/share") / "man" / "man1" / "ttscli.1"


def _manpath_file() -> Path:
    return Path.home() / ".manpath"  # man-db's per-user configuration, read by every shell


def _install_page(page: str) -> None:
    from . import rcfile
    from .render import note_line

    path = man_target()
    rcfile.write_text(path, page)
    note_line(f"wrote {path}")
    root = path.parent.parent
    line = f"MANDATORY_MANPATH {root}"
    config = _manpath_file()
    if rcfile.add(config, MAN_TAG, line):
        note_line(f"added to {config}: {line}")
    else:
        note_line(f"{config} has it already")
    manpath = os.environ.get("MANPATH")
    if manpath is not None and str(root) not in manpath.split(":") and "" not in manpath.split(":"):
        note_line(f"MANPATH is set, so man ignores {config}: add {root} to it, e.g. "
                  f"export MANPATH={shlex.quote(str(root))}:\"$MANPATH\"")
    else:
        note_line("man-db reads it: `man ttscli` finds the page")


@app.command("man")
def man(install_page: bool = typer.Option(False, "--install", help="Write the page to ~/.local/share/man/man1 "
                                          "and that directory to ~/.manpath (then `man ttscli` finds it)."),
        uninstall_page: bool = typer.Option(False, "--uninstall", help="Remove what --install added.")) -> None:
    """Show the manual page (roff on stdout when it is not a terminal)."""
    from .docgen import man_page

    if uninstall_page:
        _undo(man_target(), _manpath_file(), MAN_TAG)
        return
    page = man_page()
    if install_page:
        _install_page(page)
        return
    viewer = shutil.which("man")
    if not sys.stdout.isatty() or viewer is None:
        typer.echo(page, nl=False)
        return
    with tempfile.NamedTemporaryFile("w", suffix=".1") as tmp:
        tmp.write(page)
        tmp.flush()
        subprocess.run([viewer, "-l", tmp.name], check=False)
