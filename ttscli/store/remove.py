"""`ttscli rm`: forget a model and free the disk space only it used.

Hub files are shared: two Kokoro variants use the same voice files, and other
tools may use the same hub cache. So a file is deleted only when no other
installed model lists it, and its blob only when no snapshot link in the hub
cache still points at it. An emptied snapshot takes its refs with it, so the
cache stays valid for `hf cache scan`.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

from . import manifest
from ..locking import FileLock


@dataclass
class Removal:
    record: manifest.Record
    freed: int
    kept_shared: int  # files left because another model uses them


def _links_to(repo_dir: Path, blob: Path) -> bool:
    snapshots = repo_dir / "snapshots"
    if not snapshots.is_dir():
        return False
    for dirpath, _dirs, names in os.walk(snapshots):
        for name in names:
            p = os.path.join(dirpath, name)
            if os.path.islink(p) and os.path.realpath(p) == str(blob):
                return True
    return False


def _prune(start: Path, stop: Path) -> None:
    """Remove empty directories from ``start`` up to (not including) ``stop``."""
    current = start
    while current != stop and stop in current.parents:
        try:
            current.rmdir()
        except OSError:
            return
        current = current.parent


def _drop_hub_file(local: Path) -> int:
    """Unlink one snapshot file; delete its blob if nothing links to it any more."""
    freed = 0
    snapshot_root = next((p for p in local.parents if p.parent.name == "snapshots"), None)
    repo_dir = snapshot_root.parent.parent if snapshot_root else None
    blob = Path(os.path.realpath(local)) if local.is_symlink() else None
    try:
        size = local.stat().st_size
    except OSError:
        size = 0
    try:
        local.unlink()
    except FileNotFoundError:
        return 0
    if blob is None:
        freed += size  # a plain copy (no symlinks on this system)
    elif repo_dir is not None and not _links_to(repo_dir, blob):
        try:
            blob.unlink()
            freed += size
        except FileNotFoundError:
            pass
    if snapshot_root is not None:
        _prune(local.parent, snapshot_root.parent)
        if not snapshot_root.exists():
            _drop_refs(repo_dir, snapshot_root.name)
    return freed


def _drop_refs(repo_dir: Path, commit: str) -> None:
    refs = repo_dir / "refs"
    for ref in refs.rglob("*") if refs.is_dir() else []:
        try:
            if ref.is_file() and ref.read_text().strip() == commit:
                ref.unlink()
        except OSError:
            pass
    snapshots = repo_dir / "snapshots"
    if not snapshots.is_dir() or not any(snapshots.iterdir()):
        shutil.rmtree(repo_dir, ignore_errors=True)  # nothing left but orphan blobs and metadata


def remove(record: manifest.Record) -> Removal:
    with FileLock(manifest.lock_path(record.id), record.id):
        current = manifest.read(record.id) or record
        others = {f["local"] for r in manifest.all_records() if r.id != current.id for f in r.files}
        freed = kept = 0
        if current.data.get("source") == "local":
            freed = current.size_bytes
            manifest.delete(current.id)
            shutil.rmtree(current.path, ignore_errors=True)
            return Removal(current, freed, 0)
        manifest.delete(current.id)  # first: a half-removed model must not look installed
        for f in current.files:
            if f["local"] in others:
                kept += 1
                continue
            freed += _drop_hub_file(Path(f["local"]))
        return Removal(current, freed, kept)
