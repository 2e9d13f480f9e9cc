"""A cached copy of an ONNX graph with onnxruntime's graph optimizations already applied.

Creating a session runs the graph optimizer every time (constant folding, node
fusions): about a third of a second for a Piper voice on two cores, paid by every
`ttscli say`. The first CPU session for a model saves its optimized graph here;
later sessions load that copy with the optimizer off. Both paths run the same fused
graph, so the audio is the same bit for bit (see tests/test_piper_backend.py).

The copy is keyed by the source file (path, size, mtime), the onnxruntime version and
the CPU, because fused kernels may be specific to both. An unwritable cache only
costs speed. ``TTSCLI_ORT_CACHE=0`` turns it off.
"""

from __future__ import annotations

import hashlib
import logging
import platform
from functools import lru_cache
from pathlib import Path

from .. import paths
from ..fsio import AtomicFile
from .plan import cpu_only, switched_off

log = logging.getLogger(__name__)

VERSION = 1
_MAX_BYTES = 1 << 30  # protobuf's 2 GB limit; big graphs keep their external data as they are


@lru_cache(maxsize=1)
def _cpu_signature() -> str:
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
    return f"{platform.machine()}|{platform.processor()}|{flags}"


def enabled(source: Path, providers: list) -> bool:
    if switched_off("TTSCLI_ORT_CACHE") or not cpu_only(providers):
        return False  # GPU providers partition the graph themselves
    try:
        return source.stat().st_size < _MAX_BYTES and not any(source.parent.glob(source.name + ".data"))
    except OSError:
        return False


def cache_path(source: Path, ort_version: str) -> Path:
    st = source.stat()
    key = hashlib.sha256(
        f"{VERSION}|{source.resolve()}|{st.st_size}|{st.st_mtime_ns}|{ort_version}|{_cpu_signature()}".encode()
    ).hexdigest()[:24]
    return paths.cache_dir() / "ort-optimized" / f"{source.stem}-{key}.onnx"


def writable_tmp(target: Path) -> AtomicFile | None:
    """A temporary file beside ``target`` for onnxruntime to save into (``.tmp``), or None."""
    try:
        paths.ensure_dir(target.parent, "cache")
        return AtomicFile(target)
    except Exception as exc:  # noqa: BLE001 - OutputError/OSError; the cache is optional
        log.debug("no optimized-graph cache: %s", exc)
        return None


def publish(atomic: AtomicFile) -> None:
    """Keep what onnxruntime saved (if it saved anything); drop the temporary otherwise."""
    try:
        if atomic.tmp.stat().st_size > 0:
            atomic.commit()
            return
    except OSError as exc:
        log.debug("cannot keep the optimized graph %s: %s", atomic.path, exc)
    atomic.discard()


def discard(target: Path) -> None:
    try:
        target.unlink(missing_ok=True)
    except OSError:
        pass
