"""Advisory file locks (fcntl) shared by every writer in ttscli.

``hold(path)`` waits for the lock; ``hold(path, wait=False)`` raises Busy (exit 9)
when another process has it. The lock is released when the process dies, so
a kill -9 never leaves a stale lock behind.
"""

from __future__ import annotations

import contextlib
import errno
import os
from pathlib import Path
from typing import Iterator

from .errors import Busy, OutputError


@contextlib.contextmanager
def hold(path: Path, *, wait: bool = True, what: str = "this resource") -> Iterator[None]:
    import fcntl

    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        raise OutputError(f"cannot create lock file {path}: {exc.strerror or exc}",
                          hint="check permissions or set TTSCLI_HOME") from exc
    try:
        flags = fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB)
        try:
            fcntl.flock(fd, flags)
        except OSError as exc:
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES):
                raise Busy(f"another ttscli process is using {what}",
                           hint="wait for it to finish, or stop it") from exc
            raise
        yield
    finally:
        os.close(fd)  # closing releases the lock
