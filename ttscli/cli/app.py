"""The Typer application, global options, and the error boundary.

Commands register themselves in ``COMMANDS``; each lives in its own module and
imports its heavy dependencies inside the command body, so ``ttscli --help``
stays fast and never loads a runtime.
"""

from __future__ import annotations

import copy
import importlib
import os
import sys
from typing import Optional

import typer

from .. import __version__, errors
from ..runtime import select
from . import boundary, complete, fastparams
from .boundary import COMPLETE_ENV, DEBUG_ENV  # noqa: F401 - where the completion scripts and docs look

fastparams.install()  # defaults and plain strings skip pydantic (~60 ms per run)

app = typer.Typer(
    name="ttscli",
    help="Local text-to-speech: speak text, pull models, clone voices, make audiobooks.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
    context_settings={"help_option_names": ["-h", "--help"]},
)

# (module, command name) — imported at start-up; modules must stay light.
COMMANDS: list[tuple[str, str]] = [
    ("ttscli.cli.say", "say"),
    ("ttscli.cli.doctor", "doctor"),
    ("ttscli.cli.pull", "pull"),
    ("ttscli.cli.listing", "list"),
    ("ttscli.cli.show", "show"),
    ("ttscli.cli.rm", "rm"),
    ("ttscli.cli.voice", "voice"),
    ("ttscli.cli.clone", "clone"),
    ("ttscli.cli.batch", "batch"),
    ("ttscli.cli.convert", "convert"),
    ("ttscli.cli.shell", "completion"),
    ("ttscli.cli.serve", "serve"),
    ("ttscli.cli.ps", "ps"),
    ("ttscli.cli.speechd", "speechd"),
    ("ttscli.cli.mcp", "mcp"),
]



def _version(value: bool) -> None:
    if value:
        typer.echo(f"ttscli {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    debug: bool = typer.Option(False, "--debug", help="Show debug logs and full tracebacks."),
    version: Optional[bool] = typer.Option(None, "--version", callback=_version, is_eager=True,
                                           help="Print the version and exit."),
    device: Optional[str] = typer.Option(
        None, "--device", envvar="TTSCLI_DEVICE", show_envvar=True, metavar="auto|cpu|cuda[:N]|mps", autocompletion=complete.devices,
        help="Where models run (default auto: the GPU when the runtime can use it, else the CPU with a warning). "
        "An explicit device that cannot be used is an error (exit 5).",
    ),
    threads: Optional[int] = typer.Option(None, "--threads", min=1, envvar="TTSCLI_THREADS", show_envvar=True,
                                          help="CPU threads per runtime (default: physical cores)."),
    runtime: Optional[select.Choice] = typer.Option(
        None, "--runtime", envvar=select.ENV, show_envvar=True,
        help="Runtime for the model (default auto: the fastest one installed for its family). "
        "A family that cannot run on the runtime asked for is a usage error (exit 2).",
    ),
) -> None:
    """Local text-to-speech: speak text, pull models, clone voices, make audiobooks."""
    from ..runtime.plan import DEVICE_ENV, THREADS_ENV, parse_device

    if device is not None:  # commands read the choice from the environment via plan_for()
        os.environ[DEVICE_ENV] = str(parse_device(device))
    if threads is not None:
        from ..runtime.plan import check_threads

        os.environ[THREADS_ENV] = str(check_threads(threads))
    if runtime is not None:  # read by ttscli.runtime.select.choose()
        os.environ[select.ENV] = runtime.value


for _module, _name in COMMANDS:
    importlib.import_module(_module)


def _enable_completion() -> None:
    try:
        from typer._completion_classes import completion_init
    except ImportError:  # a Typer without these internals: completion is a no-op
        return
    completion_init()


def _command_name(info) -> str:
    return info.name or typer.main.get_command_name(info.callback.__name__)


def _command_tree(argv: list[str]):
    """The click command for this run. Typer builds a click object for every registered command
    (each signature and help text: 12–15 ms of a one-shot `say`), so a run gets the root with only
    the commands its arguments name (any argument equal to a command's name counts: the one click
    takes is always among them). Help, completion and a run that names none get every command."""
    words = argv[:argv.index("--")] if "--" in argv else argv
    if os.environ.get(COMPLETE_ENV) or "-h" in words or "--help" in words:
        return typer.main.get_command(app)
    named = set(words)
    commands = [info for info in app.registered_commands if _command_name(info) in named]
    groups = [info for info in app.registered_groups if info.name in named]
    if not commands and not groups:
        return typer.main.get_command(app)
    only = copy.copy(app)
    only.registered_commands, only.registered_groups = commands, groups
    return typer.main.get_command(only)


def main(argv: list[str] | None = None) -> int:
    """Run the CLI on ``argv`` and return the exit code; every error becomes one line on stderr."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = boundary.prepare(argv)
    if os.environ.get(COMPLETE_ENV):
        _enable_completion()
    try:  # from here on a stop signal may land anywhere, building the command included
        command = _command_tree(argv)
        if not os.environ.get(COMPLETE_ENV):
            from .argv import fill_bare_values, hoist_global_options

            argv = fill_bare_values(command, hoist_global_options(command, argv))
        result = command.main(args=argv, prog_name="ttscli", standalone_mode=False)
    except BaseException as exc:  # noqa: BLE001 - the error boundary; re-raises what it does not handle
        return boundary.exit_code(exc, debug, argv, _typer_exit)
    if result == errors.INTERRUPTED:  # Typer turns KeyboardInterrupt into a silent Exit(130)
        return boundary.stopped()
    return result if isinstance(result, int) else 0


def _typer_exit(exc: BaseException, argv: list[str]) -> int | None:
    """The exit code for Typer's (click's) own exceptions, None for any other."""
    if isinstance(exc, typer.Exit):
        return exc.exit_code
    if isinstance(exc, typer.Abort):
        return boundary.stopped()
    if isinstance(exc, typer.TyperException):  # click's UsageError, BadParameter, NoSuchOption, ...
        return _usage_failure(exc, argv)
    return None


def _usage_failure(exc: typer.TyperException, argv: list[str]) -> int:
    """click's usage error as one line, with where to look; an unknown option given to a
    command that takes free text (`say -hello`) also says how to pass text starting with '-'."""
    if type(exc).__name__ == "NoArgsIsHelpError":
        exc.show()
        return errors.USAGE
    line = " ".join(exc.format_message().split())
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        takes_text = any(p.param_type_name == "argument" and p.nargs == -1 for p in ctx.command.params)
        if type(exc).__name__ == "NoSuchOption" and takes_text:  # Typer vendors click: match by name
            from .argv import dash_text_hint

            line += dash_text_hint(ctx, argv, exc.option_name)
        line += f" (see '{ctx.command_path} --help')"
    return boundary.fail(line, exc.exit_code)
