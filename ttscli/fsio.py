"""Writing files safely: the one place ttscli turns a path into a finished file.

Every file ttscli produces (audio, manifests, caches, model files, voices) is written to a
temporary file in the same directory, flushed and fsynced, then renamed over the target, so
a reader never sees half a file and a failed or killed write leaves the old file (or none)
and no temporary behind. Temporary names are ``.<name>.<random>.part``; `ttscli batch`
sweeps any a killed run left (see ``book/job.py``).

- :class:`AtomicFile` — the primitive: ``tmp`` to write into, ``commit()`` / ``discard()``;
  for writers that stream over a long time (audio sinks, ffmpeg).
- :func:`atomic_path` — a context manager giving the temporary path, for libraries that want a
  file name (soundfile, onnx.save, safetensors).
- :func:`atomic_open` — a context manager giving an open file object.
- :func:`atomic_write` — write ``str``/``bytes`` in one call.
- :func:`atomic_copy` — copy a file into place.
- :func:`atomic_dir` — build a directory beside its final name, then rename it into place.
- :func:`check_output_path` — the policy for user-chosen output paths (directories, special
  files such as devices and FIFOs, read-only files, missing parents).
- :func:`write_error` — an ``OSError`` as the one-line :class:`~ttscli.errors.OutputError`.
"""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import OutputError

PART_SUFFIX = ".part"


def write_error(exc: OSError, path: Path) -> OutputError:
    """The one-line error for a failed write of ``path``."""
    if exc.errno == errno.ENOSPC:
        return OutputError(f"no space left on the device holding {path}", hint="free some space or write elsewhere")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(f"cannot write {path}: permission denied", hint="choose a writable location")
    return OutputError(f"cannot write {path}: {exc.strerror or exc}")


def check_output_path(path: Path) -> bool:
    """Validate a user-chosen output path before any work; return True if it is a special file
    (character device, FIFO, socket) that must be streamed into directly instead of replaced."""
    try:
        st = path.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise write_error(exc, path) from exc
    if st is not None:
        if stat.S_ISDIR(st.st_mode):
            raise OutputError(f"output {path} is a directory", hint=f"give a file name, e.g. {path / 'out.wav'}")
        if not stat.S_ISREG(st.st_mode):
            if not os.access(path, os.W_OK):
                raise OutputError(f"cannot write {path}: permission denied")
            return True
        if not os.access(path, os.W_OK):
            raise OutputError(f"output {path} exists and is read-only", hint="remove it or choose another name")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"directory {parent} does not exist", hint="create it first or choose another path")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write in {parent}: permission denied", hint="choose a writable location")
    return False


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class AtomicFile:
    """A temporary file next to ``path`` that replaces it only on :meth:`commit`.

    ``commit()`` fsyncs the data, gives the file the usual mode (``0666 & ~umask``; mkstemp
    makes 0600) and renames it over ``path``; on failure the temporary is removed and the
    ``OSError`` propagates, or with ``user_output=True`` (a file the user asked for) becomes the
    one-line :class:`OutputError` of :func:`write_error` (also when the temporary cannot be made).
    As a context manager it commits on success and discards on any exception.
    """

    def __init__(self, path: Path | str, *, user_output: bool = False):
        self.path = Path(path)
        self.user_output = user_output
        parent = self.path.parent if str(self.path.parent) else Path(".")
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=PART_SUFFIX, dir=parent)
        except OSError as exc:
            raise self._error(exc)
        os.close(fd)
        self.tmp = Path(tmp)

    def _error(self, exc: OSError) -> BaseException:
        return write_error(exc, self.path) if self.user_output else exc

    def commit(self) -> None:
        try:
            _fsync(self.tmp)
            os.chmod(self.tmp, 0o666 & ~_umask())
            os.replace(self.tmp, self.path)
        except OSError as exc:
            self.discard()
            if self.user_output:
                raise write_error(exc, self.path) from exc
            raise
        except BaseException:
            self.discard()
            raise

    def discard(self) -> None:
        try:
            self.tmp.unlink()
        except FileNotFoundError:
            pass

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, exc_type, exc, _tb) -> bool:
        if exc_type is None:
            self.commit()
        else:
            self.discard()
        return False


@contextlib.contextmanager
def atomic_path(path: Path | str) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success it replaces ``path``, on error it goes."""
    with AtomicFile(path) as atomic:
        yield atomic.tmp


@contextlib.contextmanager
def atomic_open(path: Path | str, mode: str = "w", *, encoding: str | None = None) -> Iterator[IO]:
    """Open a temporary file beside ``path`` for writing; it replaces ``path`` when the block ends."""
    if "b" not in mode and encoding is None:
        encoding = "utf-8"
    with atomic_path(path) as tmp, open(tmp, mode, encoding=encoding) as fh:
        yield fh
        fh.flush()


def atomic_write(path: Path | str, data: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    if isinstance(data, str):
        with atomic_open(path, "w", encoding=encoding) as fh:
            fh.write(data)
    else:
        with atomic_open(path, "wb") as fh:
            fh.write(data)
    return Path(path)


def atomic_copy(src: Path | str, dst: Path | str) -> Path:
    """Copy ``src`` to ``dst`` atomically (contents only, like :func:`shutil.copyfile`)."""
    with atomic_path(dst) as tmp:
        shutil.copyfile(src, tmp)
    return Path(dst)


@contextlib.contextmanager
def atomic_dir(path: Path | str, *, replace: bool = True) -> Iterator[Path]:
    """Yield a new temporary directory beside ``path``; on success it becomes ``path`` (an
    existing directory there is removed first when ``replace``), on error it is removed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{path.name}.", suffix=PART_SUFFIX, dir=path.parent))
    try:
        yield work
        os.chmod(work, 0o777 & ~_umask())
        if replace and path.exists():
            shutil.rmtree(path)
        os.replace(work, path)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
