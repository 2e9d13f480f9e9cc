"""A cached copy of an ONNX graph with onnxruntime's graph optimizations already applied.

Creating a session runs the graph optimizer every time (constant folding, node
fusions): about a third of a second for a Piper voice on two cores, paid by every
`ttscli say`. The first CPU session for a model saves its optimized graph here;
later sessions load that copy with the optimizer off. Both paths run the same fused
graph, so the audio is the same bit for bit (see tests/test_piper_backend.py).

The copy keeps its weights in a file of their own beside it (``STEM.TOKEN.weights``, named in
the graph), which onnxruntime maps instead of parsing them out of the graph's protobuf: creating
the joe voice's session from the copy took 0.16 s with the weights inside and 0.075 s with them
beside it (docs/performance.md, round 8). A save names its weights after its own temporary graph
(``.NAME.TOKEN.part`` writes ``STEM.TOKEN.weights``), so a graph never points at weights another
process is still writing, and a weights file whose temporary graph still exists is in flight. A
copy is published only once its weights are on disk; publishing (or discarding a broken copy)
removes every other weights file of that graph that is not in flight: the replaced copy's and any
a killed save left behind. Publishing and discarding hold the model's lock (``STEM.lock``), so
two processes that publish at once cannot each remove the other's weights.

The copy is keyed by the source file (path, size, mtime; a seeded copy in ttscli's own cache
by its name and size), the onnxruntime version and the CPU, because fused kernels may be
specific to both. An unwritable cache only
costs speed. ``TTSCLI_ORT_CACHE=0`` turns it off. Every load from a copy marks it used (its
modification time); publishing a copy removes the other copies of the same model that no load
has used for ``STALE_DAYS`` (made by an earlier ttscli or onnxruntime), so upgrades do not pile up
copies of a model's size. A copy another installation still uses stays.
"""

from __future__ import annotations

import hashlib
import logging
import os
import platform
import re
import time
from functools import lru_cache
from pathlib import Path

from .. import paths
from ..errors import TtsError
from ..fsio import AtomicFile, fsync_file, sweep_parts
from ..locking import FileLock
from .plan import cpu_only, switched_off

log = logging.getLogger(__name__)

VERSION = 2  # 2: the weights in a file beside the graph
_MAX_BYTES = 1 << 30  # protobuf's 2 GB limit; big graphs keep their external data as they are
WEIGHTS = ".weights"
_LOCK_WAIT = 30.0  # seconds; a publish that waits longer keeps no copy (the cache is optional)
STALE_DAYS = 30  # a copy of the same model not loaded for this long goes when a new one is published
_MIN_EXTERNAL = 1024  # initializers from this size go to the weights file; shapes and scalars stay inline


@lru_cache(maxsize=1)
def _cpu_signature() -> str:
    """The CPU an optimized copy was made for: its model and feature flags from /proc/cpuinfo
    where there is one, else platform.processor() (which runs `uname -p`, 3–5 ms, so not on Linux)."""
    flags = ""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as fh:
            for line in fh:
                if line.startswith(("flags", "Features", "model name")):
                    flags += line
                if line.strip() == "":
                    break
    except OSError:
        pass
    return f"{platform.machine()}|{flags or platform.processor()}"


def enabled(source: Path, providers: list) -> bool:
    if switched_off("TTSCLI_ORT_CACHE") or not cpu_only(providers):
        return False  # GPU providers partition the graph themselves
    try:
        return source.stat().st_size < _MAX_BYTES and not any(source.parent.glob(source.name + ".data"))
    except OSError:
        return False


def cache_path(source: Path, ort_version: str) -> Path:
    """Where the optimized copy of ``source`` goes. A source that is itself one of ttscli's cached
    copies (a seeded rewrite) is known by its name, which already keys what it was made from: its
    modification time differs between processes that made it at once, and the optimized copy
    need not."""
    st = source.stat()
    origin = source.resolve()
    derived = paths.cache_dir().resolve() in origin.parents
    identity = f"{origin.name}|{st.st_size}" if derived else f"{origin}|{st.st_size}|{st.st_mtime_ns}"
    key = hashlib.sha256(f"{VERSION}|{identity}|{ort_version}|{_cpu_signature()}".encode()).hexdigest()[:24]
    return paths.cache_dir() / "ort-optimized" / f"{source.stem}-{key}.onnx"


class Saving:
    """Where one load saves its optimized copy: a temporary graph (``atomic.tmp``) that becomes
    ``atomic.path`` on :meth:`publish`, and its own weights file beside it."""

    def __init__(self, target: Path):
        self.atomic = AtomicFile(target)
        self.weights = target.with_name(f"{target.stem}.{_token(self.atomic.tmp)}{WEIGHTS}")

    def session_config(self) -> dict[str, str]:
        """onnxruntime's settings that put the saved graph's weights in :attr:`weights`."""
        return {"session.optimized_model_external_initializers_file_name": self.weights.name,
                "session.optimized_model_external_initializers_min_size_in_bytes": str(_MIN_EXTERNAL)}

    def publish(self) -> None:
        """Keep what onnxruntime saved (if it saved anything): the weights reach the disk before
        the graph that names them takes its place; then the weights of the copy it replaced go.
        The swap and the clean-up hold the model's lock, so two processes that publish at once
        cannot each remove the weights of the other's graph."""
        try:
            if self.atomic.tmp.stat().st_size > 0:
                if self.weights.exists():
                    fsync_file(self.weights)
                with _lock(self.atomic.path):
                    self.atomic.commit()
                    _remove_weights(self.atomic.path, keep=self.weights.name)
                    _remove_stale(self.atomic.path)
                return
        except (OSError, TtsError) as exc:  # TtsError: the lock (Busy, or no lock file)
            log.debug("cannot keep the optimized graph %s: %s", self.atomic.path, exc)
        self.discard()

    def discard(self) -> None:
        self.atomic.discard()
        self.weights.unlink(missing_ok=True)


def saving(target: Path) -> Saving | None:
    """Somewhere beside ``target`` for onnxruntime to save the optimized copy into, or None."""
    try:
        paths.ensure_dir(target.parent, "cache")
        return Saving(target)
    except Exception as exc:  # noqa: BLE001 - OutputError/OSError; the cache is optional
        log.debug("no optimized-graph cache: %s", exc)
        return None


def _token(tmp: Path) -> str:
    """The random part of a temporary graph's name (``.NAME.TOKEN.part``)."""
    return tmp.name.rsplit(".", 2)[-2]


def _remove_weights(target: Path, keep: str = "") -> None:
    """Remove the weights files of ``target``'s copies, except ``keep`` and those still being written
    (their temporary graph exists and its writer is alive: a dead writer's temporary is swept first). A
    process that already runs a removed one keeps its mapping (POSIX); elsewhere the removal may
    fail, and that file waits for the next."""
    prefix = f"{target.stem}."
    sweep_parts(target.parent)
    try:
        names = [p.name for p in target.parent.iterdir()]
    except OSError:
        return
    writing = {_token(Path(name)) for name in names if name.startswith(f".{target.name}.") and name.endswith(".part")}
    for name in names:
        if name.startswith(prefix) and name.endswith(WEIGHTS) and name != keep:
            if name[len(prefix):-len(WEIGHTS)] in writing:
                continue
            try:
                (target.parent / name).unlink()
            except OSError:
                pass


def used(target: Path) -> None:
    """Mark a copy as loaded now (see ``STALE_DAYS``); a read-only cache keeps its times."""
    try:
        os.utime(target)
    except OSError:
        pass


def _remove_stale(target: Path) -> None:
    """The other copies of ``target``'s model (``STEM-KEY.onnx`` with another key) that no load
    has used for ``STALE_DAYS``."""
    stem, _, _key = target.stem.rpartition("-")
    same_model = re.compile(re.escape(stem) + r"-[0-9a-f]{24}\.onnx")
    oldest = time.time() - STALE_DAYS * 86400
    try:
        copies = [p for p in target.parent.iterdir() if p != target and same_model.fullmatch(p.name)]
    except OSError:
        return
    for copy in copies:
        try:
            stale = copy.stat().st_mtime < oldest
        except OSError:
            continue
        if stale:  # the caller holds the model's lock
            log.debug("removing %s: not loaded for %d days", copy.name, STALE_DAYS)
            _discard(copy)


def _lock(target: Path) -> FileLock:
    """One lock per model (every key's copies): held while a copy is swapped in or removed."""
    stem = target.stem.rpartition("-")[0]
    return FileLock(target.with_name(f"{stem}.lock"), "the optimized-graph cache", timeout=_LOCK_WAIT)


def _discard(target: Path) -> None:
    try:
        target.unlink(missing_ok=True)
    except OSError:
        pass
    _remove_weights(target)


def discard(target: Path) -> None:
    """Remove an unusable copy and its weights (under the model's lock; without it, if it cannot be
    had: the next load finds the copy unusable again)."""
    try:
        with _lock(target):
            _discard(target)
    except TtsError as exc:
        log.debug("cannot remove the optimized graph %s: %s", target.name, exc)
