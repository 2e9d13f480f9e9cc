"""`ttscli speechd`: a speech-dispatcher output module on the warm engine (screen readers, spd-say)."""

from __future__ import annotations

from typing import Optional

import typer

from . import options as opt
from .app import app

speechd_app = typer.Typer(
    help="speech-dispatcher output module: Orca and spd-say speak with ttscli voices.",
    no_args_is_help=True,
)
app.add_typer(speechd_app, name="speechd")

ConfDir = typer.Option(None, "--config-dir", metavar="DIR",
                       help="speech-dispatcher's configuration directory (default: the user's, "
                       "~/.config/speech-dispatcher, or /etc/speech-dispatcher with --system).")
System = typer.Option(False, "--system", help="For every user: /etc/speech-dispatcher (needs root).")


@speechd_app.command("install")
def install(
    model: Optional[str] = opt.Model,
    voice: Optional[str] = opt.Voice,
    default: bool = typer.Option(False, "--default", help="Also make ttscli speech-dispatcher's default module."),
    system: bool = System,
    config_dir: Optional[str] = ConfDir,
    debug: bool = opt.Debug,
) -> None:
    """Register the module with speech-dispatcher (module config, launcher, AddModule line)."""
    from ..errors import OutputError
    from ..speechd import install as setup
    from .render import note_line

    where = setup.places(system, config_dir)
    if model or voice:
        from ..selection import select

        select(model, voice)  # an unknown model or voice fails here, not in speech-dispatcher
    try:
        written = setup.install(where, model, voice, default)
    except OSError as exc:
        raise OutputError(f"cannot write {exc.filename or where.conf_dir}: {exc.strerror or exc}",
                          hint="use --system as root, or --config-dir DIR") from None
    for path in written:
        typer.echo(str(path))
    note_line("speech-dispatcher reads its configuration when it starts: run `spd-say -o ttscli Hello` after "
              "it exits (it quits when idle, or stop it), and pick \"ttscli\" as the synthesizer in Orca")


@speechd_app.command("uninstall")
def uninstall(system: bool = System, config_dir: Optional[str] = ConfDir, debug: bool = opt.Debug) -> None:
    """Remove what `ttscli speechd install` wrote."""
    from ..errors import OutputError
    from ..speechd import install as setup
    from .render import note_line

    try:
        removed = setup.uninstall(setup.places(system, config_dir))
    except OSError as exc:
        raise OutputError(f"cannot change {exc.filename}: {exc.strerror or exc}", hint="use --system as root") from None
    for path in removed:
        typer.echo(str(path))
    if not removed:
        note_line("nothing to remove: the module is not installed there")


@speechd_app.command("module", hidden=False)
def module(
    config: Optional[str] = typer.Argument(None, help="The module configuration file speech-dispatcher passes."),
) -> None:
    """Speak speech-dispatcher's module protocol on stdin/stdout (speech-dispatcher runs this)."""
    from ..speechd.protocol import main

    code = main(config, _claim_stdout())
    if code:
        raise typer.Exit(code)


def _claim_stdout() -> int:
    """speech-dispatcher reads nothing but the protocol on stdout, so a line a library prints
    (Python or C) would corrupt it: the protocol gets a private descriptor on the real stdout,
    and descriptor 1 (and ``sys.stdout``) now go to stderr, which speech-dispatcher logs."""
    import os
    import sys

    sys.stdout.flush()
    private = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return private
