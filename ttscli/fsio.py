"""Writing files safely: the one place ttscli turns a path into a finished file.

Every file ttscli produces (audio, manifests, caches, model files, voices) is written to a
temporary file in the same directory, flushed and fsynced, then renamed over the target, so
a reader never sees half a file and a failed or killed write leaves the old file (or none)
and no temporary behind. Temporary names are ``.<name>.<random>.part``; the writing process
holds an exclusive ``flock`` on each until it is renamed or removed, so :func:`sweep_parts`
(`ttscli batch` on its folders) removes only what a dead writer left, never another
process's write in flight.

- :class:`AtomicFile` — the primitive: ``tmp`` to write into, ``commit()`` / ``discard()``;
  for writers that stream over a long time (audio sinks, ffmpeg).
- :func:`atomic_path` — a context manager giving the temporary path, for libraries that want a
  file name (soundfile, onnx.save, safetensors).
- :func:`atomic_open` — a context manager giving an open file object.
- :func:`atomic_write` — write ``str``/``bytes`` in one call.
- :func:`atomic_copy` — copy a file into place.
- :func:`atomic_dir` — build a directory beside its final name, then rename it into place.
- :func:`output_target` — the policy for user-chosen output paths
  (directories, symlinks, special files such as devices and FIFOs, read-only files, missing
  parents, an output that is an input). ``AtomicFile(user_output=True)`` applies the same rule
  at write time: a symlink's target is replaced, a non-regular file never is.
- :func:`write_error` — an ``OSError`` as the one-line :class:`~ttscli.errors.OutputError`.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import re
import shutil
import stat
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from .errors import OutputError

PART_SUFFIX = ".part"
_PART_NAME = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.part$")
SWEEP_AGE = 1.0  # seconds: a younger temporary may be between its creation and its lock
_STARTED = time.time()  # a temporary last written before this process (this module) started is past that


def write_error(exc: OSError, path: Path) -> OutputError:
    """The one-line error for a failed write of ``path``."""
    if exc.errno == errno.ENOSPC:
        return OutputError(f"no space left on the device holding {path}", hint="free some space or write elsewhere")
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError(f"cannot write {path}: permission denied", hint="choose a writable location")
    return OutputError(f"cannot write {path}: {exc.strerror or exc}")


FULL_BELOW = 64 * 1024  # free bytes under which a failed write is taken to be a full disk


def is_full(path: Path) -> bool:
    """True when the file system holding ``path`` has (almost) no space left."""
    try:
        st = os.statvfs(path.parent if str(path.parent) else Path("."))
    except OSError:
        return False
    return st.f_bavail * st.f_frsize < FULL_BELOW


def write_failure(exc: BaseException, path: Path) -> BaseException:
    """What to raise for a write of ``path`` that failed with ``exc``: the one-line OutputError
    for an OSError, and for a library's own error (libsndfile says only "System error") on a
    full disk; ``exc`` itself otherwise (a bug or an interrupt stays what it is)."""
    if isinstance(exc, OutputError):
        return exc
    if isinstance(exc, OSError):
        return write_error(exc, path)
    if isinstance(exc, Exception) and ("No space left" in str(exc) or is_full(path)):
        return write_error(OSError(errno.ENOSPC, "No space left on device"), path)
    return exc


NAME_BYTES = 255  # the longest file name most file systems take, in bytes


def name_within(name: str, max_bytes: int) -> str:
    """``name`` cut to at most ``max_bytes`` bytes of UTF-8 (never inside a character): file
    names are limited in bytes, not characters (70 four-byte characters are 280 bytes)."""
    data = name.encode("utf-8", "surrogateescape")
    if len(data) <= max_bytes:
        return name
    return data[:max_bytes].decode("utf-8", "ignore").rstrip()


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket"), (stat.S_ISDIR, "a directory")):
        if test(mode):
            return name
    return "a special file"


def output_target(path: Path | str, *, inputs: tuple = ()) -> tuple[Path, bool]:
    """The output policy for a file the user names, checked before any work.

    Returns ``(file to write, streamed)``:

    - a regular file (or a new name) is replaced atomically; the directory it goes in must
      exist (exit 8 otherwise, for every command);
    - a symlink is followed: its target is replaced atomically and the link stays a link;
    - a character device or FIFO (``/dev/null``, ``mkfifo``) is written into directly,
      as a stream (``streamed`` is True); it is never replaced by a regular file;
    - a directory, a path ending in ``/``, a block device or a socket is refused (exit 8);
    - a path that is one of ``inputs`` (the same file, through any link) is refused (exit 2).
    """
    shown = Path(path)
    if str(path).endswith(os.sep) or str(path).endswith("/"):
        raise OutputError(f"output {shown} names a directory (it ends in '/')",
                          hint=f"give a file name, e.g. {shown / 'out.wav'}")
    target = Path(os.path.realpath(shown)) if shown.is_symlink() else shown
    try:
        st = target.stat()
    except FileNotFoundError:
        st = None
    except OSError as exc:
        raise write_error(exc, shown) from exc
    if st is not None:
        not_an_input(shown, inputs)
    if st is not None:
        if stat.S_ISCHR(st.st_mode) or stat.S_ISFIFO(st.st_mode):
            if not os.access(target, os.W_OK):
                raise OutputError(f"cannot write {shown}: permission denied", hint="choose a writable location")
            return target, True
        if not stat.S_ISREG(st.st_mode):
            hint = f"give a file name, e.g. {shown / 'out.wav'}" if stat.S_ISDIR(st.st_mode) else \
                "ttscli writes regular files, character devices and FIFOs only"
            raise OutputError(f"output {shown} is {_kind(st.st_mode)}", hint=hint)
        if not os.access(target, os.W_OK):
            raise OutputError(f"output {shown} exists and is read-only", hint="remove it or choose another name")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.is_dir():
        raise OutputError(f"directory {parent} does not exist", hint=f"create it first (mkdir -p {parent})")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write in {parent}: permission denied", hint="choose a writable location")
    return target, False


def not_an_input(path: Path | str, inputs: tuple = ()) -> None:
    """UsageError (exit 2) when ``path`` is one of ``inputs``: the same file, also through a symlink
    or a hard link. Every file a command writes is checked, not only ``-o``."""
    from .errors import UsageError

    for source in inputs:
        if source in (None, "-"):
            continue
        try:
            same = os.path.samefile(source, path)
        except OSError:
            continue
        if same:
            raise UsageError(f"output {path} is the input itself ({source}); writing it would destroy the input",
                             hint="write to another name")


def distinct_outputs(paths: list) -> None:
    """UsageError when two outputs of one command are the same file (one would overwrite the other)."""
    from .errors import UsageError

    seen: dict[str, Path] = {}
    for path in paths:
        if path in (None, "-"):
            continue
        real = os.path.realpath(path)
        if real in seen:
            raise UsageError(f"{seen[real]} and {path} are the same file; each output needs its own name",
                             hint="give different file names")
        seen[real] = Path(path)


def _replaceable(path: Path) -> Path:
    """The regular file an atomic write of a user's output replaces: a symlink's target;
    a non-regular file is never replaced."""
    target = Path(os.path.realpath(path)) if path.is_symlink() else path
    try:
        st = target.stat()
    except OSError:
        return target
    if not stat.S_ISREG(st.st_mode):
        raise OutputError(f"output {path} is {_kind(st.st_mode)}, not a regular file; ttscli does not replace it",
                          hint="write to a regular file name")
    return target


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def fsync_file(path: Path) -> None:
    """Flush ``path``'s data to the disk."""
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
        self.path = _replaceable(Path(path)) if user_output else Path(path)
        self.user_output = user_output
        parent = self.path.parent if str(self.path.parent) else Path(".")
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{name_within(self.path.name, NAME_BYTES - 16)}.",
                                       suffix=PART_SUFFIX, dir=parent)
        except OSError as exc:
            raise self._error(exc)
        self._lock = _locked(fd)  # held until the rename or removal: the write is in flight
        self.tmp = Path(tmp)

    def _error(self, exc: OSError) -> BaseException:
        return write_error(exc, self.path) if self.user_output else exc

    def commit(self) -> None:
        try:
            fsync_file(self.tmp)
            os.chmod(self.tmp, 0o666 & ~_umask())
            os.replace(self.tmp, self.path)
            self._release()
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
        self._release()

    def _release(self) -> None:
        if self._lock is not None:
            os.close(self._lock)
            self._lock = None

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, exc_type, exc, _tb) -> bool:
        if exc_type is None:
            self.commit()
            return False
        self.discard()
        if not isinstance(exc, OSError):  # a library's error on a full disk: say so (exit 8)
            failure = write_failure(exc, self.path)
            if failure is not exc:
                raise failure from exc
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
    work = Path(tempfile.mkdtemp(prefix=f".{name_within(path.name, NAME_BYTES - 16)}.", suffix=PART_SUFFIX,
                                 dir=path.parent))
    lock = _locked(os.open(work, os.O_RDONLY))
    try:
        yield work
        os.chmod(work, 0o777 & ~_umask())
        if replace and path.exists():
            shutil.rmtree(path)
        os.replace(work, path)
    finally:
        if work.exists():
            shutil.rmtree(work, ignore_errors=True)
        os.close(lock)


def _locked(fd: int) -> int:
    """``fd`` with an exclusive flock on it (released when it is closed or the process dies)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        pass  # a file system without flock: the temporary is then only swept when old
    return fd


def sweep_parts(folder: Path) -> list[Path]:
    """Remove the temporaries (``.NAME.XXXXXXXX.part``) in ``folder`` whose writer is gone: no
    process holds their lock, and they are older than a second or were last written before this
    process started (a run resumed right after a kill). Another process's write in flight is
    left alone. Returns what was removed."""
    removed = []
    try:
        names = [p for p in folder.iterdir() if _PART_NAME.match(p.name)]
    except OSError:
        return removed
    for path in names:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW)
        except OSError:
            continue
        try:
            written = os.fstat(fd).st_mtime
            if time.time() - written < SWEEP_AGE and written >= _STARTED:
                continue
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:  # locked: its writer is alive
            continue
        finally:
            os.close(fd)
        with contextlib.suppress(OSError):
            shutil.rmtree(path) if path.is_dir() and not path.is_symlink() else path.unlink()
            removed.append(path)
    return removed
