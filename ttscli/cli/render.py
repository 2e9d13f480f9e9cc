"""Everything the CLI prints on stderr: errors, warnings, notes, progress."""

from __future__ import annotations

import logging
import sys


def _write(line: str) -> None:
    try:
        sys.stderr.write(line + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def error_line(message: str) -> None:
    _write(f"ttscli: error: {message}")


def warn_line(message: str) -> None:
    _write(f"ttscli: warning: {message}")


def note_line(message: str) -> None:
    _write(f"ttscli: {message}")


class StderrHandler(logging.Handler):
    """Log records as single lines on stderr (``ttscli: warning: ...``)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            msg = " ".join(record.getMessage().split())
        except Exception:  # noqa: BLE001
            msg = str(record.msg)
        if record.levelno >= logging.ERROR:
            error_line(msg)
        elif record.levelno >= logging.WARNING:
            warn_line(msg)
        else:
            _write(f"ttscli: debug: {record.name}: {msg}")
