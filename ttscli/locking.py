"""Inter-process file locks, the one kind every writer in ttscli takes (flock on POSIX,
msvcrt on Windows).

- ``with FileLock(path, what, on_wait=note):`` waits (telling ``on_wait`` once), e.g. pulls of
  one model: four concurrent ``ttscli pull X`` download once; the first works, the others wait
  and then find the model installed. ``timeout=`` seconds turns a long wait into Busy (exit 9).
- ``with hold(path, wait=False, what=...):`` raises Busy at once when another process has it.

The OS releases the lock when the holder dies, so a ``kill -9`` never leaves a stale lock.
A lock file that cannot be created is an OutputError naming it.
"""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path
from typing import Callable, Iterator

from .errors import Busy, OutputError

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
    """An exclusive lock on ``path`` (``what`` names the resource in messages).

    ``timeout=None`` waits for ever, ``timeout=0`` does not wait; ``on_wait`` is called once
    with a message if we have to wait.
    """

    def __init__(self, path: Path, what: str, *, timeout: float | None = None,
                 on_wait: Callable[[str], None] | None = None):
        self.path = Path(path)
        self.what = what
        self.timeout = timeout
        self.on_wait = on_wait
        self._fd: int | None = None

    def _open(self) -> int:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            return os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(f"cannot create lock file {self.path}: {exc.strerror or exc}",
                              hint="check permissions or set TTSCLI_HOME") from exc

    def acquire(self) -> None:
        fd = self._open()
        started = time.monotonic()
        told = False
        while not _try_lock(fd):
            if self.timeout is not None and time.monotonic() - started >= self.timeout:
                os.close(fd)
                raise Busy(f"another ttscli process is working on {self.what}",
                           hint="wait for it to finish, then run the command again")
            if not told and self.on_wait is not None:
                self.on_wait(f"waiting for another ttscli process working on {self.what}")
                told = True
            time.sleep(0.05)
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            try:
                _unlock(self._fd)
            finally:
                os.close(self._fd)
                self._fd = None

    def __enter__(self) -> FileLock:
        self.acquire()
        return self

    def __exit__(self, *exc) -> None:
        self.release()


@contextlib.contextmanager
def hold(path: Path, *, wait: bool = True, what: str = "this resource") -> Iterator[None]:
    """Hold the lock on ``path`` for the block; ``wait=False`` raises Busy if it is taken."""
    with FileLock(path, what, timeout=None if wait else 0):
        yield
