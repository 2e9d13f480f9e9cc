"""Named voices saved under the data directory (``ttscli voice save``, clones).

Each voice is two files in ``paths.voices_dir()``:

* ``NAME.npz`` — the style table as a plain float32 array named ``style``
  (written with ``np.savez``, read with ``allow_pickle=False``);
* ``NAME.json`` — metadata: format and version, family, model id, kind
  ("blend", "clone"...), the recipe, creation time, shape, and the sha256 of
  the npz. The JSON is written last, so a voice exists only once complete,
  and a modified or truncated array is detected before it is ever used.

Names go through :func:`paths.check_name`, so they cannot leave the directory.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import paths
from ..errors import BadInput, IntegrityError, NotFound, OutputError

if TYPE_CHECKING:
    import numpy as np

FORMAT = "ttscli-voice"
VERSION = 1


@dataclass
class SavedVoice:
    name: str
    family: str
    model: str
    meta: dict[str, Any] = field(default_factory=dict)
    npz: Path | None = None

    def style(self) -> "np.ndarray":
        """The verified style table (sha256 checked against the metadata)."""
        from .packs import as_style, read_npz_member

        assert self.npz is not None
        try:
            data = self.npz.read_bytes()
        except OSError as exc:
            raise IntegrityError(f"saved voice {self.name!r} has no data file ({exc.strerror or exc})",
                                 hint=f"remove it with `ttscli voice rm {self.name}` and save it again") from exc
        if hashlib.sha256(data).hexdigest() != self.meta.get("sha256"):
            raise IntegrityError(f"saved voice {self.name!r} is corrupt or was modified (checksum mismatch)",
                                 hint=f"remove it with `ttscli voice rm {self.name}` and save it again")
        return as_style(read_npz_member(self.npz, "style"), f"saved voice {self.name}")


def _files(name: str) -> tuple[Path, Path]:
    paths.check_name(name, "voice name")
    base = paths.voices_dir()
    return paths.safe_join(base, f"{name}.npz"), paths.safe_join(base, f"{name}.json")


def load(name: str) -> SavedVoice | None:
    """The saved voice called ``name``, or None when there is none."""
    try:
        npz, meta_path = _files(name)
    except BadInput:
        return None
    if not meta_path.is_file():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if not isinstance(meta, dict) or meta.get("format") != FORMAT:
            raise ValueError("not a ttscli voice file")
        if int(meta.get("version", 0)) > VERSION:
            raise IntegrityError(f"saved voice {name!r} was written by a newer ttscli (format {meta['version']})",
                                 hint="upgrade ttscli")
        return SavedVoice(name, str(meta["family"]), str(meta.get("model", "")), meta, npz)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise IntegrityError(f"saved voice {name!r} has unreadable metadata ({exc})",
                             hint=f"remove it with `ttscli voice rm {name}` and save it again") from exc


def save(name: str, style: "np.ndarray", *, family: str, model: str, kind: str,
         extra: dict[str, Any] | None = None, force: bool = False) -> Path:
    """Write ``style`` and its metadata atomically; refuse to overwrite unless ``force``."""
    import numpy as np

    npz, meta_path = _files(name)
    if meta_path.exists() and not force:
        raise OutputError(f"a voice named {name!r} already exists", hint="pick another name or pass --force")
    paths.ensure_dir(npz.parent, "voices")
    tmp_npz = npz.with_name(f".{name}.{os.getpid()}.npz")
    tmp_meta = meta_path.with_name(f".{name}.{os.getpid()}.json")
    try:
        with open(tmp_npz, "wb") as fh:
            np.savez(fh, style=np.ascontiguousarray(style, dtype=np.float32))
        digest = hashlib.sha256(tmp_npz.read_bytes()).hexdigest()
        meta = {
            "format": FORMAT,
            "version": VERSION,
            "name": name,
            "family": family,
            "model": model,
            "kind": kind,
            "shape": list(style.shape),
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "sha256": digest,
            **(extra or {}),
        }
        tmp_meta.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        os.replace(tmp_npz, npz)
        os.replace(tmp_meta, meta_path)
    except OSError as exc:
        raise OutputError(f"cannot save voice {name!r}: {exc.strerror or exc}",
                          hint="check free space and permissions of the data directory") from exc
    finally:
        for tmp in (tmp_npz, tmp_meta):
            tmp.unlink(missing_ok=True)
    return meta_path


def all_saved() -> list[SavedVoice]:
    """Every saved voice whose metadata reads (broken ones are skipped here, reported on use)."""
    base = paths.voices_dir()
    if not base.is_dir():
        return []
    found = []
    for meta_path in sorted(base.glob("*.json")):
        try:
            voice = load(meta_path.stem)
        except IntegrityError:
            continue
        if voice is not None:
            found.append(voice)
    return found


def remove(name: str) -> None:
    npz, meta_path = _files(name)
    if not meta_path.exists() and not npz.exists():
        raise NotFound(f"no saved voice named {name!r}", hint="see `ttscli voice list`")
    for p in (meta_path, npz):  # metadata first: a half-removed voice is never listed
        try:
            p.unlink(missing_ok=True)
        except OSError as exc:
            raise OutputError(f"cannot remove {p}: {exc.strerror or exc}") from exc
