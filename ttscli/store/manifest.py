"""The store manifest: one JSON record per installed model.

A record is written (atomically) only after every file of the model has been
downloaded and verified, so "has a record" means "complete and verified". Each
record lists its files with size and digests, the hub commit, the resolved file
roles, and the catalog facts; `list` and `say` read records only, never the
network or huggingface_hub.

Layout under the data directory::

    store/models/<key>.json     one record per model
    store/locks/<key>.lock      per-model pull/rm lock
    store/imported/<key>/       copies of directories imported with `pull ./dir`
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import paths
from ..fsio import atomic_write, sweep_parts
from ..models.ref import ModelRef

SCHEMA = 1


def store_dir() -> Path:
    return paths.data_dir() / "store"


def records_dir() -> Path:
    return store_dir() / "models"


def locks_dir() -> Path:
    return store_dir() / "locks"


def imports_dir() -> Path:
    return store_dir() / "imported"


def partial_dir() -> Path:
    """Partial downloads kept across runs so an interrupted pull resumes."""
    return paths.cache_dir() / "downloads"


def key_for(model_id: str) -> str:
    """A file-name-safe, collision-free key for any model id (ids may hold ':', '/', '@')."""
    readable = re.sub(r"[^A-Za-z0-9._-]+", "_", model_id).strip("._")[:80] or "model"
    return f"{readable}-{hashlib.sha1(model_id.encode('utf-8')).hexdigest()[:10]}"


def lock_path(model_id: str) -> Path:
    return locks_dir() / f"{key_for(model_id)}.lock"


@dataclass
class Record:
    data: dict[str, Any]

    @property
    def id(self) -> str:
        return self.data["id"]

    @property
    def family(self) -> str:
        return self.data["family"]

    @property
    def path(self) -> Path:
        return Path(self.data["path"])

    @property
    def files(self) -> list[dict[str, Any]]:
        return self.data.get("files", [])

    @property
    def aliases(self) -> list[str]:
        return list(self.data.get("aliases", []))

    @property
    def size_bytes(self) -> int:
        return sum(int(f.get("size") or 0) for f in self.files)

    def missing_files(self) -> list[str]:
        """Files whose local copy is gone or has the wrong size (cheap: stat only)."""
        missing = []
        for f in self.files:
            try:
                if os.stat(f["local"]).st_size != f["size"]:
                    missing.append(f["path"])
            except OSError:
                missing.append(f["path"])
        return missing

    def to_ref(self) -> ModelRef:
        info = dict(self.data.get("info", {}))
        info.update({
            "files": self.data.get("roles", {}),
            "file_list": [{k: f.get(k) for k in ("role", "repo", "path", "local", "size", "sha256")}
                          for f in self.files],
            "repo": self.data.get("repo"),
            "commit": self.data.get("commit"),
            "revision": self.data.get("revision"),
            "aliases": self.aliases,
            "installed_at": self.data.get("installed_at"),
            "origin": self.data.get("source", "hub"),  # "hub" (pulled) or "local" (imported directory)
        })
        return ModelRef(id=self.id, family=self.family, path=self.path, source="store",
                        revision=self.data.get("commit"), info=info)


def _record_path(model_id: str) -> Path:
    return records_dir() / f"{key_for(model_id)}.json"


def _well_formed(data: Any) -> bool:
    """The shape every reader of a record relies on; a damaged or hand-edited record that
    lacks it is ignored (the model shows as not installed, and a pull writes it again)."""
    if not isinstance(data, dict):
        return False
    if not all(isinstance(data.get(k), str) and data.get(k) for k in ("id", "family", "path")):
        return False
    files, aliases = data.get("files"), data.get("aliases", [])
    if not isinstance(files, list) or not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        return False
    for f in files:
        if not isinstance(f, dict) or not all(isinstance(f.get(k), str) for k in ("path", "local")):
            return False
        if not isinstance(f.get("size"), int) or isinstance(f.get("size"), bool) or f["size"] < 0:
            return False
    return all(isinstance(data.get(k, {}), dict) for k in ("info", "roles"))


def _load(path: Path) -> Record | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return Record(data) if _well_formed(data) else None


def read(model_id: str) -> Record | None:
    record = _load(_record_path(model_id))
    return record if record is not None and record.id == model_id else None


def write(data: dict[str, Any]) -> Record:
    data = {"schema": SCHEMA, **data}
    target = _record_path(data["id"])
    paths.ensure_dir(target.parent, "model store")
    sweep_parts(target.parent)  # what a killed run's write left
    atomic_write(target, json.dumps(data, indent=1, sort_keys=True))
    return Record(data)


def delete(model_id: str) -> None:
    try:
        _record_path(model_id).unlink()
    except FileNotFoundError:
        pass


def all_records() -> list[Record]:
    directory = records_dir()
    if not directory.is_dir():
        return []
    records = (_load(path) for path in sorted(directory.glob("*.json")))
    return [r for r in records if r is not None]


def find(model_id: str) -> Record | None:
    """A record by id or alias (``kokoro`` finds ``kokoro:int8``)."""
    record = read(model_id)
    if record is not None:
        return record
    for rec in all_records():
        if model_id in rec.aliases:
            return rec
    return None
