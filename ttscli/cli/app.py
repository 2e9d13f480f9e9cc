"""The Typer application, global options, and the error boundary.

Commands register themselves in ``COMMANDS``; each lives in its own module and
imports its heavy dependencies inside the command body, so ``ttscli --help``
stays fast and never loads a runtime.
"""

from __future__ import annotations

import copy
import errno
import importlib
import logging
import os
import sys
from typing import Optional

import typer

from .. import __version__, errors
from ..runtime import select
from . import complete, fastparams
from .render import quiet_stdout

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

DEBUG_ENV = "TTSCLI_DEBUG"
COMPLETE_ENV = "_TTSCLI_COMPLETE"  # set by the scripts in completions/


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


def _debug_requested(argv: list[str]) -> bool:
    options = argv[:argv.index("--")] if "--" in argv else argv  # after `--` it is text
    return "--debug" in options or os.environ.get(DEBUG_ENV, "") not in ("", "0")


def _setup_logging(debug: bool) -> None:
    from .render import StderrHandler

    root_logger = logging.getLogger("ttscli")
    root_logger.handlers[:] = [StderrHandler()]
    root_logger.setLevel(logging.DEBUG if debug else logging.WARNING)
    root_logger.propagate = False


def _fail(message: str, code: int) -> int:
    from .render import error_line

    error_line(message)
    return code


def _broken_pipe(exc: BaseException) -> bool:
    cause = exc.__context__
    return isinstance(cause, BrokenPipeError) or (isinstance(cause, OSError) and cause.errno == errno.EPIPE)


_STOP_SIGNALS: list[int] = []  # SIGINT/SIGTERM received, in order


class Terminated(BaseException):
    """SIGTERM. Not a KeyboardInterrupt: the interpreter would then end the process by SIGINT
    (exit -2) whenever the interrupt had passed through C code that runs Python (pybind11)."""


def _on_stop_signal(signum, frame) -> None:
    import signal

    _STOP_SIGNALS.append(signum)
    if signum != signal.SIGINT:
        raise Terminated()  # unwinds like Ctrl-C: sinks and downloads discard their temp files
    raise KeyboardInterrupt


def _stop_signals() -> list:
    """SIGINT, and the signals that end a run the way SIGTERM does: SIGHUP (the terminal
    closed, an ssh session dropped) and SIGQUIT (Ctrl-\\)."""
    import signal

    return [getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name)]


def _install_signal_handlers() -> None:
    """SIGTERM (`kill`, `timeout`, a service manager), SIGHUP and SIGQUIT are handled like
    Ctrl-C. A signal the parent set to be ignored (a background job's SIGINT, `nohup`'s
    SIGHUP) stays ignored."""
    import signal
    import threading

    if threading.current_thread() is not threading.main_thread():
        return
    for sig in _stop_signals():
        if signal.getsignal(sig) is not signal.SIG_IGN:
            signal.signal(sig, _on_stop_signal)


def _stopped() -> int:
    import signal

    if _STOP_SIGNALS and _STOP_SIGNALS[-1] != signal.SIGINT:
        sig = _STOP_SIGNALS[-1]
        return _fail(f"terminated ({signal.Signals(sig).name})", 128 + int(sig))  # 143 for SIGTERM
    return _fail("interrupted (Ctrl-C)", errors.INTERRUPTED)


def _reopen_closed_streams() -> None:
    """Started with stdin or stderr closed (`<&-`, `2>&-`): stdin reads as empty, stderr
    goes to /dev/null, so the run and its exit code are the same as with them open."""
    if sys.stdin is None:
        try:
            sys.stdin = open(os.devnull, encoding="utf-8")  # noqa: SIM115 - lives as long as the process
        except OSError:
            pass
    if sys.stderr is None:
        try:
            sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115
        except OSError:
            pass


def _prepare(argv: list[str]) -> bool:
    """Signals, logging and environment for one run; True if --debug (or TTSCLI_DEBUG) asks for it."""
    _reopen_closed_streams()
    _install_signal_handlers()
    debug = _debug_requested(argv)
    if debug:
        os.environ[DEBUG_ENV] = "1"
    _setup_logging(debug)
    # huggingface_hub prints its retries ("Trying to resume download...") on stderr through its
    # own handler; ttscli reports the outcome itself, in one line. Read at its import.
    os.environ.setdefault("HF_HUB_VERBOSITY", "info" if debug else "critical")
    if os.environ.get(COMPLETE_ENV):
        _enable_completion()
    return debug


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
    debug = _prepare(argv)
    try:  # from here on a stop signal may land anywhere, building the command included
        command = _command_tree(argv)
        if not os.environ.get(COMPLETE_ENV):
            from .argv import fill_bare_values, hoist_global_options

            argv = fill_bare_values(command, hoist_global_options(command, argv))
        result = command.main(args=argv, prog_name="ttscli", standalone_mode=False)
    except BaseException as exc:  # noqa: BLE001 - the error boundary; re-raises what it does not handle
        return _exit_code(exc, debug, argv)
    if result == errors.INTERRUPTED:  # Typer turns KeyboardInterrupt into a silent Exit(130)
        return _stopped()
    return result if isinstance(result, int) else 0


def _exit_code(exc: BaseException, debug: bool, argv: list[str]) -> int:
    """The error boundary: the exit code (and one line on stderr) for what a command raised."""
    if isinstance(exc, (errors.PipeClosed, BrokenPipeError)) or (isinstance(exc, SystemExit) and _broken_pipe(exc)):
        quiet_stdout()  # SystemExit: Typer turns a broken stdout pipe into sys.exit(1)
        return errors.PIPE_CLOSED
    if isinstance(exc, errors.TtsError):
        if debug:
            import traceback

            traceback.print_exception(exc)
        return _fail(exc.one_line(), exc.exit_code)
    if isinstance(exc, typer.Exit):
        return exc.exit_code
    if isinstance(exc, (typer.Abort, KeyboardInterrupt, Terminated)):
        return _stopped()
    if isinstance(exc, typer.TyperException):  # click's UsageError, BadParameter, NoSuchOption, ...
        return _usage_failure(exc, argv)
    full = _write_failure(exc)
    if full is not None:  # a full disk under any writer (chunks, manifests, caches, voices): exit 8
        if debug:
            import traceback

            traceback.print_exception(exc)
        return _fail(full.one_line(), full.exit_code)
    if isinstance(exc, Exception) and not debug:  # the last line of defence
        return _fail(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)",
                     errors.INTERNAL)
    raise exc


_WRITE_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS)


def _write_failure(exc: BaseException) -> errors.OutputError | None:
    """A full (or read-only) disk met by a writer that did not say so itself, as exit 8."""
    from pathlib import Path

    from ..fsio import write_error

    for err in (exc, exc.__cause__, exc.__context__):
        if isinstance(err, OSError) and err.errno in _WRITE_ERRNOS:
            return write_error(err, Path(err.filename or "the output"))
        if isinstance(err, Exception) and "No space left on device" in str(err):
            return write_error(OSError(errno.ENOSPC, "No space left on device"), Path("the output"))
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
    return _fail(line, exc.exit_code)
