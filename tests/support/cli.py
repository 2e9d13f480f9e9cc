"""Running the CLI from tests: in a real subprocess (:func:`run_cli`) or in this process
(:func:`invoke`, the ``cli_inproc`` fixture), and checking its error lines."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# Real human speech for clone and ASR tests (never copied into the repo): the directory named
# by TTSCLI_TEST_SHARED, else ``shared`` beside the checkout (../shared).
SHARED = Path(os.environ.get("TTSCLI_TEST_SHARED") or REPO.parent / "shared")


def run_cli(*args: str, input: bytes | None = None, env: dict | None = None, timeout: float = 300,
            cwd: str | None = None) -> subprocess.CompletedProcess:
    """Run the real CLI in a subprocess (stdin is never a TTY here). Use it when the process is
    what is tested: exit codes seen by a parent, signals, pipes, import-time behaviour."""
    full_env = dict(os.environ)
    if env:
        full_env.update(env)
    return subprocess.run(
        [sys.executable, "-m", "ttscli", *args],
        input=input if input is not None else b"",
        capture_output=True,
        env=full_env,
        timeout=timeout,
        cwd=cwd,
    )


def report_at_exit(report: str) -> str:
    """Python source that makes ``os._exit`` first run ``report`` (source using ``sys``; the
    modules loaded so far are what it usually reads): a `say` that ttscli's entry point finishes
    ends through ``os._exit``, past every ``finally`` and atexit hook of the caller."""
    return ("import os as _os, sys\n_real_exit = _os._exit\n"
            "def _report_then_exit(code):\n"
            f"    {report}\n"
            "    sys.stdout.flush(); sys.stderr.flush()\n"
            "    _real_exit(code)\n"
            "_os._exit = _report_then_exit\n")


@dataclass
class Result:
    """What :func:`invoke` saw; the fields of :class:`subprocess.CompletedProcess` that tests read."""

    args: tuple[str, ...]
    returncode: int
    stdout: bytes
    stderr: bytes

    @property
    def code(self) -> int:
        return self.returncode

    @property
    def out(self) -> str:
        return self.stdout.decode("utf-8", "replace")

    @property
    def err(self) -> str:
        return self.stderr.decode("utf-8", "replace")


class _Stream(io.TextIOWrapper):
    """A text stream over bytes with ``.buffer`` (audio on stdout) and no file descriptor."""

    def __init__(self, data: bytes = b""):
        super().__init__(io.BytesIO(data), encoding="utf-8", errors="replace", write_through=True)

    def isatty(self) -> bool:
        return False

    def value(self) -> bytes:
        self.flush()
        return self.buffer.getvalue()


def _reset_process_caches() -> None:
    """Forget what one run cached for its process (TTSCLI_HOME and the hub differ per test)."""
    from ttscli.families.piper import index as piper_index
    from ttscli.runtime import hardware
    from ttscli.store import hub
    from ttscli.voices import presets

    piper_index._load.cache_clear()
    hub.resolve_commit.cache_clear()
    presets._all.cache_clear()
    hardware._THIS_MACHINE = None


def invoke(*args: str, input: bytes | None = None, env: dict | None = None) -> Result:
    """Run ``ttscli ARGS`` in this process through the same entry point and error boundary as
    ``python -m ttscli`` (:func:`ttscli.cli.app.main`): stdin, stdout and stderr are byte buffers,
    ``env`` applies for the call only, signal handlers and logging are put back afterwards.

    Not for tests of process behaviour (signals, exit status seen by a shell, broken pipes,
    what is imported at start-up): use :func:`run_cli` for those."""
    import logging

    from ttscli.cli.app import main

    saved_env = dict(os.environ)
    saved_streams = sys.stdin, sys.stdout, sys.stderr
    saved_signals = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT)}
    logger = logging.getLogger("ttscli")
    saved_logger = logger.handlers[:], logger.level, logger.propagate
    out, err = _Stream(), _Stream()
    try:
        os.environ.update(env or {})
        _reset_process_caches()
        sys.stdin, sys.stdout, sys.stderr = _Stream(input or b""), out, err
        code = main(list(args))
    except SystemExit as exc:  # what main() re-raises (e.g. --help exits through click)
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved_streams
        os.environ.clear()
        os.environ.update(saved_env)
        for sig, handler in saved_signals.items():
            signal.signal(sig, handler)
        logger.handlers[:], logger.level, logger.propagate = saved_logger
    return Result(tuple(args), code, out.value(), err.value())


def assert_clean_error(proc, code: int, *needles: str) -> str:
    """A documented exit code, one line on stderr naming the problem, no traceback."""
    err = proc.stderr.decode("utf-8", "replace")
    assert proc.returncode == code, (proc.returncode, err)
    assert "Traceback" not in err, err
    lines = [ln for ln in err.splitlines() if ln.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("ttscli: error: "), err
    for needle in needles:
        assert needle.lower() in lines[0].lower(), (needle, err)
    return lines[0]
