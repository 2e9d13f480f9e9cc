"""`ttscli pull ./dir`: import a local model directory into the store.

The files are copied (the source may be a USB stick or a build directory that
goes away), each one hashed and checked for its type on the way, into a temporary
directory that is renamed into place at the end; then a record is written like
for a hub pull. The family is detected from the file names, like for `hf:` repos.
"""

from __future__ import annotations

import json
import shutil
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import paths
from ..catalog import detect_roles
from ..errors import BadInput, IntegrityError, NotFound
from ..fsio import atomic_dir
from ..locking import FileLock
from . import manifest, space, verify
from .progress import PullProgress


def _files(root: Path) -> list[str]:
    out = []
    for p in root.rglob("*"):
        rel = p.relative_to(root)
        if any(part.startswith(".") for part in rel.parts):
            continue  # .git, .cache, editor droppings
        if p.is_file():
            out.append(rel.as_posix())
    return sorted(out)


def _load_check(path: Path, rel: str) -> None:
    """Parse what can be parsed without running it (ONNX graphs, JSON configs): a truncated
    or damaged file is refused at import (exit 7), not reported as verified."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".onnx":
            import onnx

            onnx.load(str(path), load_external_data=False)
        elif suffix == ".json":
            json.loads(path.read_bytes().decode("utf-8"))
        elif suffix == ".gguf":
            with open(path, "rb") as fh:
                if fh.read(4) != b"GGUF":
                    raise ValueError("no GGUF header")
    except Exception as exc:  # noqa: BLE001 - protobuf's DecodeError, JSON and Unicode errors alike
        reason = " ".join(str(exc).split())[:120] or "unreadable"
        raise IntegrityError(f"{rel} in the directory is corrupt or truncated ({reason}); nothing was imported",
                             hint="copy the model files again and re-run the import") from exc


def import_dir(source: str, name: str | None = None, progress: PullProgress | None = None) -> manifest.Record:
    from ..backends import registry

    progress = progress or PullProgress()
    root = Path(source).expanduser()
    if not root.is_dir():
        raise NotFound(f"{source} is not a directory", hint="pass a directory holding the model files")
    root = root.resolve()
    files = _files(root)
    spec = registry.detect_family(files)
    if spec is None:
        raise NotFound(f"cannot tell which model family {source} holds (files: {', '.join(files[:12]) or 'none'})",
                       hint=f"ttscli recognises {registry.layouts()}")
    model_name = paths.check_name(name or root.name, "model name")
    model_id = f"{spec.name}:{model_name}"
    roles = detect_roles(spec.name, files)
    total = sum((root / f).stat().st_size for f in files)
    try:
        with FileLock(manifest.lock_path(model_id), model_id, on_wait=progress.note):
            dest = manifest.imports_dir() / manifest.key_for(model_id)
            paths.ensure_dir(dest.parent, "model store")
            space.check({dest.parent: total})
            progress.begin(model_id, [(f, (root / f).stat().st_size) for f in files], total)
            with atomic_dir(dest) as tmp:
                records = []
                for rel in files:
                    target = tmp / rel
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copyfile(root / rel, target)
                    digests = verify.check_file(target, rel, size=(root / rel).stat().st_size)
                    _load_check(target, rel)
                    digests.update(verify.file_digests(target))
                    records.append({"role": _role_of(rel, roles), "repo": None, "commit": None, "path": rel,
                                    "local": str(dest / rel), "size": target.stat().st_size,
                                    "sha256": digests["sha256"], "git_sha1": None, "md5": None})
                    progress.file_end(rel, target.stat().st_size, "copied")
            info: dict[str, Any] = {
                "id": model_id, "family": spec.name, "runtime": spec.runtime,
                "description": f"{spec.description or spec.name} imported from {root}",
                "license": {"code": spec.code_license,
                            "weights": "unknown (imported directory)"},
                "languages": [], "voices": [], "can_clone": spec.clone is not None, "size_bytes": total,
            }
            info.update(spec.imported_facts(dest, {role: hits[0] for role, hits in roles.items()}))
            return manifest.write({
                "id": model_id, "aliases": [], "family": spec.name, "runtime": spec.runtime, "source": "local",
                "origin": str(root), "repo": None, "revision": None, "commit": None, "commits": {},
                "path": str(dest), "files": records,
                "roles": {role: str(dest / hits[0]) for role, hits in roles.items()},
                "info": info,
                "installed_at": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            })
    except OSError as exc:
        raise BadInput(f"cannot import {source}: {exc.strerror or exc}") from exc
    finally:
        progress.end()


def _role_of(rel: str, roles: dict[str, list[str]]) -> str:
    for role, hits in roles.items():
        if rel == hits[0]:
            return role
    return f"file:{rel}"
