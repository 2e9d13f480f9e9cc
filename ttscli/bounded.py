"""Reading a file the user names, with a size limit, in bounded memory and time.

Every input ttscli reads whole (lexicons, covers, books, model configs,
reference recordings) goes through :func:`read_bounded`: an endless source
(``/dev/zero``, ``/dev/urandom``, a FIFO whose writer never stops) or a wrong,
huge file ends with one line and exit 3 after at most ``limit + 1`` bytes.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from .errors import BadInput

MB = 1024 * 1024
LIMITS = {  # bytes: far above any real file of the kind
    "lexicon": 16 * MB,
    "config": 16 * MB,
    "cover": 20 * MB,
    "book": 256 * MB,
    "reference": 512 * MB,
}


def _size_text(limit: int) -> str:
    return f"{limit // MB} MB" if limit >= MB else f"{limit} bytes"


def read_bounded(path: Path | str, kind: str, *, limit: int | None = None, what: str | None = None) -> bytes:
    """The bytes of ``path`` (at most LIMITS[kind]); BadInput (exit 3) beyond that, and for a
    missing, unreadable or directory path."""
    path = Path(path)
    limit = limit or LIMITS[kind]
    what = what or f"the {kind} {path}"
    try:
        with open(path, "rb") as fh:
            if stat.S_ISDIR(os.fstat(fh.fileno()).st_mode):
                raise IsADirectoryError(21, "Is a directory")
            data = fh.read(limit + 1)
    except FileNotFoundError as exc:
        raise BadInput(f"{what} does not exist", hint="check the path") from exc
    except IsADirectoryError as exc:
        raise BadInput(f"{what} is a directory", hint="give a file") from exc
    except OSError as exc:
        raise BadInput(f"cannot read {what}: {exc.strerror or exc}", hint="check the file and its permissions") from exc
    if len(data) > limit:
        raise BadInput(f"{what} is larger than {_size_text(limit)} (an endless or wrong file?)",
                       hint=f"give a {kind} file under {_size_text(limit)}")
    return data
