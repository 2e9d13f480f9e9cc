"""The boundary every run passes (standard library only: `say`'s direct path runs without Typer).

:func:`prepare` sets up one run: stop signals handled like Ctrl-C, closed standard streams
reopened on /dev/null, logging as one-line messages, ``--debug``. :func:`exit_code` turns
whatever a command raised into one line on stderr and the documented exit code; :func:`run`
does both around a plain function. The Typer application (app.py) passes its own exceptions
through the ``framework`` hook.
"""

from __future__ import annotations

import errno
import logging
import os
import sys

from .. import errors
from .render import quiet_stdout

DEBUG_ENV = "TTSCLI_DEBUG"
COMPLETE_ENV = "_TTSCLI_COMPLETE"  # set by the scripts in completions/


def debug_requested(argv: list[str]) -> bool:
    options = argv[:argv.index("--")] if "--" in argv else argv  # after `--` it is text
    return "--debug" in options or os.environ.get(DEBUG_ENV, "") not in ("", "0")


def setup_logging(debug: bool) -> None:
    from .log_lines import StderrHandler

    root_logger = logging.getLogger("ttscli")
    root_logger.handlers[:] = [StderrHandler()]
    root_logger.setLevel(logging.DEBUG if debug else logging.WARNING)
    root_logger.propagate = False


def fail(message: str, code: int) -> int:
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


def stopped() -> int:
    import signal

    if _STOP_SIGNALS and _STOP_SIGNALS[-1] != signal.SIGINT:
        sig = _STOP_SIGNALS[-1]
        return fail(f"terminated ({signal.Signals(sig).name})", 128 + int(sig))  # 143 for SIGTERM
    return fail("interrupted (Ctrl-C)", errors.INTERRUPTED)


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


def prepare(argv: list[str]) -> bool:
    """Signals, logging and environment for one run; True if --debug (or TTSCLI_DEBUG) asks for it."""
    _reopen_closed_streams()
    _install_signal_handlers()
    debug = debug_requested(argv)
    if debug:
        os.environ[DEBUG_ENV] = "1"
    setup_logging(debug)
    # huggingface_hub prints its retries ("Trying to resume download...") on stderr through its
    # own handler; ttscli reports the outcome itself, in one line. Read at its import.
    os.environ.setdefault("HF_HUB_VERBOSITY", "info" if debug else "critical")
    return debug


def exit_code(exc: BaseException, debug: bool, argv: list[str], framework=None) -> int:
    """The error boundary: the exit code (and one line on stderr) for what a command raised.
    ``framework(exc, argv)`` gives the code for the CLI framework's own exceptions (Typer's exit,
    abort and usage errors, see app.py), None for any other."""
    if isinstance(exc, (errors.PipeClosed, BrokenPipeError)) or (isinstance(exc, SystemExit) and _broken_pipe(exc)):
        quiet_stdout()  # SystemExit: Typer turns a broken stdout pipe into sys.exit(1)
        return errors.PIPE_CLOSED
    if isinstance(exc, errors.TtsError):
        if debug:
            import traceback

            traceback.print_exception(exc)
        return fail(exc.one_line(), exc.exit_code)
    code = framework(exc, argv) if framework is not None else None
    if code is not None:
        return code
    if isinstance(exc, (KeyboardInterrupt, Terminated)):
        return stopped()
    full = _write_failure(exc)
    if full is not None:  # a full disk under any writer (chunks, manifests, caches, voices): exit 8
        if debug:
            import traceback

            traceback.print_exception(exc)
        return fail(full.one_line(), full.exit_code)
    if isinstance(exc, Exception) and not debug:  # the last line of defence
        return fail(f"internal error: {type(exc).__name__}: {exc} (rerun with --debug for the traceback)",
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


def run(command, argv: list[str]) -> int:
    """``command()`` inside the boundary: its exit code (0 for None)."""
    debug = prepare(argv)
    try:
        result = command()
    except BaseException as exc:  # noqa: BLE001 - the error boundary; re-raises what it does not handle
        return exit_code(exc, debug, argv)
    return result if isinstance(result, int) else 0
