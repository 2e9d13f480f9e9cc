"""Log records as ttscli's stderr lines (the handler the CLI installs on the "ttscli" logger)."""

from __future__ import annotations

import logging

from .render import error_line, note_line, warn_line


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
            note_line(f"debug: {record.name}: {msg}")
