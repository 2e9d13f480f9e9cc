"""Server logs on stderr: one line per event, text or JSON (``--json``).

Access records (logger ``ttscli.server.access``) carry a dict: client, method, path,
status, seconds and, for speech, model, voice, format, chars, bytes, segments,
time to first byte and the outcome (ok, cancelled, error).
"""

from __future__ import annotations

import asyncio
import json
import logging
import sys
import time


class _Format(logging.Formatter):
    def __init__(self, as_json: bool):
        super().__init__()
        self.as_json = as_json

    def format(self, record: logging.LogRecord) -> str:
        access = getattr(record, "record", None)
        if self.as_json:
            body = dict(access) if access else {"time": round(record.created, 3), "message": record.getMessage()}
            body = {"level": record.levelname.lower(), "logger": record.name, **body}
            return json.dumps(body, separators=(",", ":"), default=str)
        stamp = time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(record.created))
        if access:
            extra = " ".join(f"{k}={v}" for k, v in access.items()
                             if k not in ("time", "client", "method", "path", "status") and v is not None)
            message = (f'{access["client"]} "{access["method"]} {access["path"]}" {access["status"]} {extra}')
        else:
            message = " ".join(record.getMessage().split())
        return f"{stamp} {record.levelname.lower()} {message}"


class _OneLine(logging.Filter):
    """A record with a traceback becomes one line naming the exception; a task cancelled while
    the server stops is expected (its request is logged as cancelled) and is dropped."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:
            exc = record.exc_info[1]
            if isinstance(exc, asyncio.CancelledError):
                return False
            text = " ".join(str(exc).split())
            record.msg = f"{record.getMessage().strip()}: {type(exc).__name__}{': ' + text if text else ''}"
            record.args = None
            record.exc_info = None
            record.exc_text = None
        record.stack_info = None
        return True


def handler(as_json: bool) -> logging.Handler:
    out = logging.StreamHandler(sys.stderr)
    out.setFormatter(_Format(as_json))
    out.addFilter(_OneLine())
    return out
