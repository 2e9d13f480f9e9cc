"""Built-in voice presets: named blends kept as data files in ``voices/*.toml``.

Each file describes one family::

    family = "kokoro"

    [presets.storyteller]
    blend = "af_heart:60,af_bella:40"
    description = "Warm American female narrator"

A preset is used like any voice (``--voice storyteller``); it is resolved
against the loaded model, so a preset whose voices the model lacks gets a
NotFound naming the missing voice. The files live in the repository's
top-level ``voices/`` directory, installed as ``share/ttscli/voices``.
"""

from __future__ import annotations

import sys
import sysconfig
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import paths
from ..errors import BadInput, IntegrityError
from . import blend


@dataclass(frozen=True)
class Preset:
    name: str
    family: str
    blend: str
    description: str
    source: Path

    def parts(self) -> list[blend.Part]:
        return blend.parse(self.blend)


def preset_dirs() -> list[Path]:
    """Where preset files are looked for: the source tree, then the installed data files."""
    here = Path(__file__).resolve().parents[2] / "voices"
    installed = Path(sysconfig.get_path("data")) / "share" / "ttscli" / "voices"
    return [d for d in dict.fromkeys([here, installed]) if d.is_dir()]


def _toml(path: Path) -> dict:
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise IntegrityError(f"preset file {path} is unreadable ({exc})", hint="reinstall ttscli") from exc


@lru_cache(maxsize=1)
def _all() -> tuple[Preset, ...]:
    found: dict[str, Preset] = {}
    for directory in preset_dirs():
        for path in sorted(directory.glob("*.toml")):
            data = _toml(path)
            family = str(data.get("family", path.stem))
            for name, entry in (data.get("presets") or {}).items():
                if name in found:
                    continue
                try:
                    paths.check_name(name, "preset name")
                    preset = Preset(name, family, str(entry["blend"]), str(entry.get("description", "")), path)
                    preset.parts()
                except (BadInput, KeyError, TypeError) as exc:
                    raise IntegrityError(f"preset {name!r} in {path.name} is invalid ({exc})",
                                         hint="fix the preset file") from exc
                found[name] = preset
    return tuple(found.values())


def presets(family: str | None = None) -> list[Preset]:
    return [p for p in _all() if family is None or p.family == family]


def get(name: str) -> Preset | None:
    return next((p for p in _all() if p.name == name), None)
