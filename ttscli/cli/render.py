"""Everything the CLI prints on stderr: errors, warnings, notes, progress (standard library only,
without logging: `say`'s fast client prints its notes with it; log records reach these lines
through :mod:`.log_lines`)."""

from __future__ import annotations

import re
import sys

# C0/C1 controls, DEL, and the bidi overrides that reorder what a terminal shows.
_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """``text`` with control characters and escape sequences shown escaped (\\x1b, \\n,
    \\u202e), so a file name cannot move the cursor, recolour or rewrite the terminal."""
    return _UNSAFE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


def _write(line: str) -> None:
    try:
        sys.stderr.write(printable(line) + "\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


def quiet_stdout() -> None:
    """After the reader of stdout went away, point stdout at /dev/null so the
    interpreter's final flush does not raise again."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def error_line(message: str) -> None:
    _write(f"ttscli: error: {message}")


def warn_line(message: str) -> None:
    _write(f"ttscli: warning: {message}")


def note_line(message: str) -> None:
    _write(f"ttscli: {message}")
