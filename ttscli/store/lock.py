"""Inter-process file locks (flock on POSIX, msvcrt on Windows).

Pulls of one model take the model's lock for the whole pull, so four concurrent
`ttscli pull X` download once: the first works, the others wait and then find
the model installed. The lock is released by the OS if the holder dies, so a
killed pull never leaves a stale lock behind.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

from ..errors import Busy

if os.name == "nt":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            return True
        except OSError:
            return False

    def _unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return True
        except BlockingIOError:
            return False

    def _unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)


class FileLock:
    """An exclusive lock on ``path``; ``on_wait`` is called once if we have to wait."""

    def __init__(self, path: Path, what: str, *, timeout: float | None = None,
                 on_wait: Callable[[str], None] | None = None):
        self.path = Path(path)
        self.what = what
        self.timeout = timeout
        self.on_wait = on_wait
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        started = time.monotonic()
        told = False
        while not _try_lock(fd):
            if not told and self.on_wait is not None:
                self.on_wait(f"waiting for another ttscli process working on {self.what}")
                told = True
            if self.timeout is not None and time.monotonic() - started > self.timeout:
                os.close(fd)
                raise Busy(f"another ttscli process is working on {self.what}",
                           hint="wait for it to finish, then run the command again")
            time.sleep(0.05)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            try:
                _unlock(self._fd)
            finally:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> "FileLock":
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()
