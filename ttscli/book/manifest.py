"""The job manifest: ``<out>/.ttscli/<book>/manifest.json``, rewritten atomically.

It records the settings, each chapter's chunk keys and the outputs written, so
a person (or a script) can see what a job is and how far it got. Finished
chunks themselves are files named by their key (``chunks/<key>.wav``, written
atomically); the manifest is never needed to trust them, so a kill -9 between a
chunk and the next manifest write only costs that chunk being found again.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from ..fsio import atomic_open

MANIFEST = "manifest.json"
VERSION = 1


def write_json(path: Path, data: dict) -> None:
    """Atomic: a temp file beside ``path``, fsynced, then renamed over it."""
    with atomic_open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1, sort_keys=True)
        fh.write("\n")


def read(workdir: Path) -> dict:
    try:
        data = json.loads((workdir / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) and data.get("version") == VERSION else {}


class Manifest:
    """The manifest of one book's job; :meth:`save` at most every ``interval`` seconds unless forced."""

    def __init__(self, workdir: Path, data: dict, interval: float = 2.0):
        self.path = workdir / MANIFEST
        self.data = {"version": VERSION, **data}
        self.data.setdefault("done", [])
        self.data.setdefault("outputs", {})
        self._done = set(self.data["done"])
        self.interval = interval
        self._saved = 0.0

    def chunk_done(self, key: str) -> None:
        if key not in self._done:
            self._done.add(key)
            self.data["done"].append(key)
        self.save()

    def output_done(self, name: str, key: str) -> None:
        self.data["outputs"][name] = key
        self.save(force=True)

    def output_key(self, name: str) -> str | None:
        return self.data["outputs"].get(name)

    def save(self, force: bool = False) -> None:
        now = time.monotonic()
        if force or now - self._saved >= self.interval:
            write_json(self.path, self.data)
            self._saved = now
