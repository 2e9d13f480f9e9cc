"""The voice cache: one safetensors file per named voice.

``<data>/voices/<name>.voice.safetensors`` holds the voice's tensors (a style
vector, reference codes, a processed reference waveform…) and, in the file's
text header, JSON metadata: format version, name, family, model id and
revision, creation time, source-audio sha256, sample rate, transcript, encoder
version and a sha256 over the tensors. safetensors cannot carry code, and the
checksum is verified before anything is returned, so a corrupted or tampered
file is reported (exit 7) and never loaded partly.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import paths
from ..errors import BadInput, IntegrityError, NotFound
from ..fsio import atomic_path
from ..locking import hold

if TYPE_CHECKING:  # numpy is imported where tensors are handled: `ttscli list` reads headers only
    import numpy as np

FORMAT = "ttscli-voice"
VERSION = 1
SUFFIX = ".voice.safetensors"


@dataclass
class Voice:
    name: str
    family: str
    model_id: str
    tensors: dict[str, "np.ndarray"]
    meta: dict[str, Any] = field(default_factory=dict)  # everything else (see module docstring)

    @property
    def kind(self) -> str:
        return str(self.meta.get("kind", "clone"))


def _payload_sha256(tensors: dict[str, "np.ndarray"]) -> str:
    import numpy as np

    h = hashlib.sha256()
    for key in sorted(tensors):
        arr = np.ascontiguousarray(tensors[key])
        h.update(f"{key}|{arr.dtype.str}|{arr.shape}|".encode())
        h.update(arr.tobytes())
    return h.hexdigest()


def _meta_sha256(meta: dict[str, Any]) -> str:
    body = {k: v for k, v in meta.items() if k != "meta_sha256"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()


_REQUIRED = ("name", "family", "model_id", "payload_sha256")


def path_for(name: str) -> Path:
    paths.check_name(name, "voice name")
    return paths.safe_join(paths.voices_dir(), name + SUFFIX)


def exists(name: str) -> bool:
    """Whether a voice of that name is stored (False for names that are not voice names at all;
    a name whose file is a symlink leading out of the voices directory is an error)."""
    try:
        paths.check_name(name, "voice name")
    except BadInput:
        return False
    return path_for(name).is_file()


def stored_meta(name: str) -> dict[str, Any] | None:
    """The metadata of the stored voice ``name`` (header only), or None when there is none (or
    ``name`` is no voice name at all)."""
    try:
        path = path_for(name)
    except BadInput:
        return None
    return read_meta(path) if path.is_file() else None


def save(voice: Voice, *, force: bool = False) -> Path:
    """Write atomically; refuse to replace an existing voice unless ``force``."""
    target = path_for(voice.name)
    directory = paths.ensure_dir(paths.voices_dir(), "voices")
    meta = {
        **voice.meta,
        "format": FORMAT,
        "version": VERSION,
        "name": voice.name,
        "family": voice.family,
        "model_id": voice.model_id,
        "created": voice.meta.get("created") or _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "payload_sha256": _payload_sha256(voice.tensors),
    }
    meta["meta_sha256"] = _meta_sha256(meta)  # the metadata is verified too (family, model id...)
    import numpy as np
    from safetensors.numpy import save_file

    with hold(directory / f".{voice.name}.lock", what=f"voice {voice.name!r}"):
        if target.exists() and not force:
            raise BadInput(f"voice {voice.name!r} already exists", hint="use --force to replace it")
        with atomic_path(target) as tmp:
            save_file({k: np.ascontiguousarray(v) for k, v in voice.tensors.items()}, str(tmp),
                      metadata={"ttscli": json.dumps(meta, sort_keys=True)})
    return target


def read_meta(path: Path) -> dict[str, Any]:
    """Metadata from the header only (cheap: no tensor data is read)."""
    try:
        with open(path, "rb") as fh:
            size_bytes = fh.read(8)
            if len(size_bytes) != 8:
                raise ValueError("file too short")
            size = int.from_bytes(size_bytes, "little")
            if size <= 0 or size > 16 * 1024 * 1024:
                raise ValueError("bad header size")
            header = json.loads(fh.read(size).decode("utf-8"))
        meta = json.loads(header["__metadata__"]["ttscli"])
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise ValueError("not a ttscli voice file")
        if not all(isinstance(meta.get(k), str) for k in _REQUIRED):
            raise ValueError(f"metadata lacks one of {', '.join(_REQUIRED)}")
        if "meta_sha256" in meta and meta["meta_sha256"] != _meta_sha256(meta):  # older voice files lack it
            raise ValueError("metadata checksum mismatch")
        return meta
    except (OSError, ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise IntegrityError(f"voice file {path.name} is unreadable or corrupt ({exc})",
                             hint="delete it and create the voice again") from exc


def load(name: str) -> Voice:
    path = path_for(name)
    if not path.is_file():
        raise NotFound(f"no voice named {name!r}", hint="see `ttscli list` for voices")
    meta = read_meta(path)
    if int(meta.get("version", 0)) > VERSION:
        raise IntegrityError(f"voice {name!r} was written by a newer ttscli (format {meta.get('version')})",
                             hint="upgrade ttscli")
    from safetensors import SafetensorError
    from safetensors.numpy import load_file

    try:
        tensors = load_file(str(path))
    except (SafetensorError, OSError, ValueError) as exc:
        raise IntegrityError(f"voice file {path.name} is corrupt ({exc})",
                             hint="delete it and create the voice again") from exc
    if _payload_sha256(tensors) != meta.get("payload_sha256"):
        raise IntegrityError(f"voice {name!r} failed its checksum (the file was modified or damaged)",
                             hint="delete it and create the voice again")
    return Voice(name=name, family=str(meta["family"]), model_id=str(meta["model_id"]), tensors=tensors, meta=meta)


def list_voices() -> list[dict[str, Any]]:
    """Metadata of every stored voice; damaged files are listed with an error field."""
    directory = paths.voices_dir()
    out: list[dict[str, Any]] = []
    if not directory.is_dir():
        return out
    for path in sorted(directory.glob("*" + SUFFIX)):
        try:
            out.append(read_meta(path))
        except IntegrityError as exc:
            out.append({"name": path.name[: -len(SUFFIX)], "error": exc.message})
    return out


def remove(name: str) -> None:
    path = path_for(name)
    if not path.is_file():
        raise NotFound(f"no voice named {name!r}")
    path.unlink()
