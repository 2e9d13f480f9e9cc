"""Style voicepacks on disk: raw ``.bin`` files and npz archives, never pickle.

A StyleTTS2-style voice is a table of 256-float style vectors, one row per
input length (Kokoro: 510 rows, Kitten 0.8: 400, Kitten 0.1: 1). They ship as

* one raw little-endian float32 file per voice (``voices/af_heart.bin``,
  shape (510, 1, 256), no header);
* an npz archive of many voices (``voices-v1.0.bin`` despite its name,
  ``voices.npz``, ``voices_ja.npz``), one array per voice name.

npz members are read with ``allow_pickle=False``: an archive holding pickled
objects is refused instead of executed. Names are listed from the zip
directory, so listing voices never decodes an array (nor imports numpy).
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import TYPE_CHECKING

from ...errors import IntegrityError, NotFound

if TYPE_CHECKING:
    import numpy as np

STYLE_DIM = 256
_ZIP_MAGIC = b"PK\x03\x04"


def is_npz(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == _ZIP_MAGIC
    except OSError:
        return False


def npz_names(path: Path) -> list[str]:
    """Voice names in an npz archive, in archive order."""
    try:
        with zipfile.ZipFile(path) as zf:
            return [n[:-4] for n in zf.namelist() if n.endswith(".npy")]
    except (OSError, zipfile.BadZipFile) as exc:
        raise IntegrityError(f"voice archive {path.name} is corrupt ({exc})",
                             hint="remove it and pull the model again") from exc


def as_style(array, source: str) -> "np.ndarray":
    """Validate a voicepack and return it as float32 (rows, 256)."""
    import numpy as np

    a = np.asarray(array)
    if a.dtype.kind != "f" or a.size == 0 or a.size % STYLE_DIM or a.shape[-1] != STYLE_DIM:
        raise IntegrityError(f"voice {source} is not a style table (dtype {a.dtype}, shape {a.shape})",
                             hint="a voicepack holds float32 rows of 256 values")
    a = a.astype(np.float32, copy=False).reshape(-1, STYLE_DIM)
    if not np.isfinite(a).all():
        raise IntegrityError(f"voice {source} holds NaN or infinite values", hint="remove it and pull it again")
    return a


def read_npz_member(path: Path, name: str) -> "np.ndarray":
    import numpy as np

    try:
        with np.load(path, allow_pickle=False) as archive:
            if name not in archive.files:
                raise NotFound(f"voice {name!r} is not in {path.name}")
            return as_style(archive[name], f"{path.name}:{name}")
    except ValueError as exc:  # "Object arrays cannot be loaded when allow_pickle=False"
        raise IntegrityError(f"voice {name!r} in {path.name} is not a plain array ({exc})",
                             hint="voice archives must hold float32 arrays, never pickled objects") from exc
    except (OSError, zipfile.BadZipFile, EOFError) as exc:
        raise IntegrityError(f"voice archive {path.name} is corrupt ({exc})",
                             hint="remove it and pull the model again") from exc


def read_bin(path: Path) -> "np.ndarray":
    """A raw float32 voice file (no header): 522,240 bytes for a Kokoro voice."""
    import numpy as np

    try:
        size = path.stat().st_size
        if size == 0 or size % (4 * STYLE_DIM):
            raise IntegrityError(f"voice file {path.name} has {size} bytes, not a whole number of style rows",
                                 hint="remove it and pull the model again")
        return as_style(np.fromfile(path, dtype="<f4").reshape(-1, STYLE_DIM), path.name)
    except OSError as exc:
        raise NotFound(f"cannot read voice file {path}: {exc.strerror or exc}") from exc


class VoiceBank:
    """The stock voices of one model: name → where its array lives, loaded on demand."""

    def __init__(self, sources: list[Path]):
        self._where: dict[str, tuple[Path, str | None]] = {}
        self._cache: dict[str, "np.ndarray"] = {}
        for src in sources:
            if src.is_dir():
                for f in sorted(src.glob("*.bin")):
                    self._add_file(f)
            else:
                self._add_file(src)

    def _add_file(self, path: Path) -> None:
        if is_npz(path):
            for name in npz_names(path):
                self._where.setdefault(name, (path, name))
        else:
            self._where.setdefault(path.stem, (path, None))

    def names(self) -> list[str]:
        return list(self._where)

    def __contains__(self, name: str) -> bool:
        return name in self._where

    def style(self, name: str) -> "np.ndarray":
        if name not in self._cache:
            path, member = self._where[name]
            self._cache[name] = read_npz_member(path, member) if member else read_bin(path)
        return self._cache[name]
