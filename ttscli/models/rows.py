"""What `list` and `show` print about models: JSON objects and plain-text tables.

Only light modules are imported here (catalog TOML, store JSON records, the
embedded-model locators), so `ttscli list` answers fast and never loads a runtime
or huggingface_hub.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterable

from .ref import ModelRef

RUNTIME_ALIASES = {"onnx": "onnxruntime", "ort": "onnxruntime", "gguf": "llama.cpp", "llama": "llama.cpp",
                   "llama-cpp": "llama.cpp", "sherpa": "sherpa-onnx", "pytorch": "torch"}


def _runtime_of(family: str) -> str:
    from ..catalog import families

    fam = families().get(family)
    return fam.runtime if fam else "unknown"


def _tag_is_voice(family: str) -> bool:
    from ..catalog import families

    fam = families().get(family)
    return bool(fam and fam.tag_is_voice)


def _dir_size(path: Path) -> int:
    total = 0
    try:
        for entry in os.scandir(path):
            if entry.is_file():
                total += entry.stat().st_size
    except OSError:
        pass
    return total


def ref_row(ref: ModelRef) -> dict[str, Any]:
    """A JSON object for an installed model (store or embedded)."""
    info = ref.info
    family_fam = _runtime_of(ref.family)
    return {
        "type": "model",
        "id": ref.id,
        "aliases": list(info.get("aliases", [])),
        "family": ref.family,
        "runtime": info.get("runtime") or family_fam,
        "installed": True,
        "source": ref.source,
        "size_bytes": info.get("size_bytes") if ref.source != "embedded" else _dir_size(ref.path),
        "languages": list(info.get("languages", [])),
        "license": info.get("license") if isinstance(info.get("license"), dict) else {"weights": info.get("license")},
        "voices": list(info.get("voices") or ([ref.id.split(":", 1)[-1]] if _tag_is_voice(ref.family) else [])),
        "can_clone": bool(info.get("can_clone", False)),
        "description": info.get("description", ""),
        "sample_rate": info.get("sample_rate"),
        "path": str(ref.path),
        "revision": ref.revision,
    }


def installed_refs() -> list[ModelRef]:
    """Embedded models first, then complete store models (aliases folded)."""
    from .resolve import packaged
    from ..store import installed_refs as store_refs

    refs: dict[str, ModelRef] = dict(packaged())
    for ref in store_refs().values():
        refs.setdefault(ref.id, ref)
    return list(refs.values())


def cloned_voices() -> list[dict[str, Any]]:
    """Voices in the voice cache (`ttscli clone`, `ttscli voice save`), damaged ones with an
    ``error``. Only file headers are read."""
    from ..voices import cache

    out = []
    for meta in cache.list_voices():
        row = {"type": "voice", "id": meta.get("name"), "family": meta.get("family"), "model": meta.get("model_id"),
               "kind": meta.get("kind", "clone"), "created": meta.get("created"), "installed": True}
        if "error" in meta:
            row["error"] = meta["error"]
        out.append(row)
    return out


def norm_lang(code: str) -> str:
    return code.strip().replace("_", "-").lower()


def speaks(languages: Iterable[str], wanted: str) -> bool:
    q = norm_lang(wanted)
    for lang in languages:
        lang = norm_lang(lang)
        if lang == q or lang.startswith(q + "-") or q.startswith(lang + "-"):
            return True
    return False


def human_size(n: int | None) -> str:
    from ..store.space import human

    return "?" if not n else human(n)


def short_list(items: list[str], limit: int = 4) -> str:
    if not items:
        return "-"
    shown = ", ".join(items[:limit])
    return shown + (f" (+{len(items) - limit})" if len(items) > limit else "")


def table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    lines = ["  ".join(str(c).ljust(w) for c, w in zip(header, widths)).rstrip()]
    for row in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip())
    return "\n".join(lines)
