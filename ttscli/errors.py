"""Error types and the exit codes they map to.

Every failure a user can cause or meet ends as one of these exceptions. The CLI
prints ``ttscli: error: <message>`` on one line and exits with ``exit_code``.
``EXIT_CODES`` is rendered into docs/reference.md and the man page by the docs
generator (``python -m ttscli.cli.docgen .``; a test keeps them current).
"""

from __future__ import annotations

OK = 0
INTERNAL = 1  # a bug: unexpected exception (rerun with --debug for the traceback)
USAGE = 2  # bad command line (unknown option, value out of range)
BAD_INPUT = 3  # text, audio, markup or file content that cannot be used
NOT_FOUND = 4  # unknown model, voice or family
RUNTIME = 5  # runtime/device failure, missing player, model that fails to run
NETWORK = 6  # download failed, hub unreachable, gated or unauthorised repo
INTEGRITY = 7  # checksum/size mismatch, corrupted or tampered cache file
OUTPUT = 8  # output cannot be written (directory, read-only, disk full)
BUSY = 9  # another ttscli process holds the lock on the same job
INTERRUPTED = 130  # Ctrl-C / SIGINT
TERMINATED = 143  # SIGTERM (kill, timeout, service stop); cleaned up like Ctrl-C
PIPE_CLOSED = 141  # the reader of stdout went away (like SIGPIPE); nothing printed
HANGUP = 129  # SIGHUP (terminal closed, ssh dropped); cleaned up like SIGTERM
QUIT = 131  # SIGQUIT (Ctrl-\); cleaned up like SIGTERM

EXIT_CODES: dict[int, str] = {
    OK: "success",
    INTERNAL: "internal error (a bug; rerun with --debug and report it)",
    USAGE: "usage error: unknown option or invalid option value",
    BAD_INPUT: "bad input: empty or unusable text, markup, audio or file",
    NOT_FOUND: "model, voice or family not found",
    RUNTIME: "runtime failure: device unavailable, model failed to run, no audio player",
    NETWORK: "download or hub failure (network, authentication, gated repo)",
    INTEGRITY: "verification failed: checksum, size or tampered cache file",
    OUTPUT: "output cannot be written (directory, permissions, disk full)",
    BUSY: "another ttscli process is working on the same output or model",
    INTERRUPTED: "interrupted (Ctrl-C)",
    TERMINATED: "terminated (SIGTERM); temporary files are removed as for Ctrl-C",
    PIPE_CLOSED: "stdout was closed by the reader (e.g. `| head`)",
    HANGUP: "hung up (SIGHUP); temporary files are removed as for Ctrl-C",
    QUIT: "quit (SIGQUIT, Ctrl-\\); temporary files are removed as for Ctrl-C",
}


class TtsError(Exception):
    """Base class: a message for the user plus an exit code."""

    exit_code = INTERNAL

    def __init__(self, message: str, *, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.hint = hint

    def one_line(self) -> str:
        text = self.message if not self.hint else f"{self.message}; {self.hint}"
        return " ".join(text.split())


class UsageError(TtsError):
    exit_code = USAGE


class BadInput(TtsError):
    exit_code = BAD_INPUT


class NotFound(TtsError):
    exit_code = NOT_FOUND


class RuntimeFailure(TtsError):
    exit_code = RUNTIME


class NetworkError(TtsError):
    exit_code = NETWORK


class IntegrityError(TtsError):
    exit_code = INTEGRITY


class OutputError(TtsError):
    exit_code = OUTPUT


class Busy(TtsError):
    exit_code = BUSY


class Interrupted(TtsError):
    """Ctrl-C that a command stopped cleanly (the message says how to resume)."""

    exit_code = INTERRUPTED


class PipeClosed(Exception):
    """Raised by stdout sinks when the reader has gone away."""


class RunStopped(Exception):
    """A model run cut short on purpose (``Backend.interrupt()``: the listener left, a screen
    reader said STOP). Whoever cut it expects this, so it is never reported as a failure."""


def import_uninterrupted(module: str):
    """Import ``module`` with SIGINT/SIGTERM held back until it is done (main thread only).
    A signal that lands while a C extension initializes (onnxruntime's pybind11 module)
    can leave it half-built; held, it arrives right after, where Python handles it."""
    import importlib
    import signal
    import threading

    held = {signal.SIGINT, signal.SIGTERM}
    if threading.current_thread() is not threading.main_thread():
        return importlib.import_module(module)
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        return importlib.import_module(module)
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def raise_interrupt_cause(exc: BaseException) -> None:
    """Raise the interrupt behind ``exc``, if any. Ctrl-C or SIGTERM arriving while a C
    extension module initializes (onnxruntime's pybind11 module) comes back as
    ImportError("initialization failed") caused by the KeyboardInterrupt; code that tolerates
    a failed import calls this first, so the signal still stops the run."""
    cause = exc.__cause__
    if cause is not None and not isinstance(cause, Exception):
        raise cause
