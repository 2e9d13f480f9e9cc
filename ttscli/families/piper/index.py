"""Every Piper voice, from rhasspy/piper-voices' ``voices.json``.

`ttscli pull piper` (and any `pull piper:VOICE`) downloads ``voices.json`` at the
catalog's pinned revision through the store, then keeps a copy here
(``<cache>/catalog/piper-voices.json``) so `list --available` can show all
voices without touching the network or importing huggingface_hub.

voices.json maps a voice key (``en_US-lessac-medium``) to ``name``, ``quality``,
``language{code,...}``, ``num_speakers``, ``speaker_id_map`` and ``files``
(repo path -> ``{size_bytes, md5_digest}``). The md5 digests are the only content
checksums Piper publishes; the store checks them on top of the hub's sha256.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

from ... import paths
from ...fsio import atomic_write

BASE = "piper"
# Piper's training sample rates per quality level (the .onnx.json is authoritative).
QUALITY_RATE = {"x_low": 16000, "low": 16000, "medium": 22050, "high": 22050}


def cache_path() -> Path:
    return paths.cache_dir() / "catalog" / "piper-voices.json"


def save(voices: dict[str, Any], repo: str, revision: str, commit: str) -> Path:
    """Keep a copy of voices.json (atomically) for listing without the network."""
    target = cache_path()
    paths.ensure_dir(target.parent, "cache")
    atomic_write(target, json.dumps({"repo": repo, "revision": revision, "commit": commit, "voices": voices}))
    _load.cache_clear()
    return target


@functools.lru_cache(maxsize=1)
def _load(path: str, mtime: float) -> dict[str, Any] | None:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("voices"), dict) else None


def load() -> dict[str, Any] | None:
    path = cache_path()
    try:
        mtime = path.stat().st_mtime
    except OSError:
        return None
    return _load(str(path), mtime)


def parse_voices(raw: bytes) -> dict[str, Any]:
    """Validate the shape of voices.json (it is fetched from the network)."""
    from ...errors import IntegrityError

    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise IntegrityError(f"voices.json is not valid JSON ({exc})",
                             hint="run the pull again; if it persists the hub mirror is broken") from exc
    if not isinstance(data, dict) or not all(isinstance(v, dict) and isinstance(v.get("files"), dict)
                                             for v in data.values()):
        raise IntegrityError("voices.json does not look like the Piper voice index",
                             hint="check HF_ENDPOINT; run the pull again")
    return data


def _language(voice: dict[str, Any]) -> str:
    code = str((voice.get("language") or {}).get("code", ""))
    return code.replace("_", "-")


def voice_entry(key: str, voice: dict[str, Any], repo: str, revision: str):
    """The catalog Entry for one voices.json record."""
    from ...catalog import Entry, FileSpec, families, model_table

    table = model_table(BASE)
    files: dict[str, FileSpec] = {}
    checksums: dict[str, dict[str, Any]] = {}
    for path, meta in sorted(voice["files"].items()):
        if path.endswith(".onnx"):
            role = "model"
        elif path.endswith(".onnx.json"):
            role = "config"
        elif path.rsplit("/", 1)[-1] == "MODEL_CARD":
            role = "card"
        else:
            continue  # samples and the like are not needed to speak
        files[role] = FileSpec(role, repo, revision, path)
        if isinstance(meta, dict):
            checksums[path] = {"size": meta.get("size_bytes"), "md5": meta.get("md5_digest")}
    speakers = voice.get("speaker_id_map") or {}
    lang = voice.get("language") or {}
    quality = str(voice.get("quality", ""))
    return Entry(
        id=f"{BASE}:{key}",
        base=BASE,
        tag=key,
        family="piper",
        runtime=families()["piper"].runtime,
        repo=repo,
        revision=revision,
        files=files,
        description=(f"Piper {lang.get('name_english', '')} ({lang.get('country_english', '')}) "
                     f"{voice.get('name', key)}, {quality}").replace(" ()", ""),
        revision_note=table.get("revision_note", ""),
        optional=frozenset({"card"}),
        size_bytes=sum(int(c.get("size") or 0) for c in checksums.values()) or None,
        languages=(_language(voice),) if _language(voice) else (),
        sample_rate=QUALITY_RATE.get(quality, table.get("sample_rate")),
        license=dict(table.get("license", {})),
        voices=tuple(sorted(speakers, key=speakers.get)) if speakers else (key,),
        can_clone=False,
        checksums=checksums,
        source="piper-index",
    )


def entries() -> list:
    data = load()
    if not data:
        return []
    out = []
    for key, voice in sorted(data["voices"].items()):
        try:
            out.append(voice_entry(key, voice, data.get("repo", "rhasspy/piper-voices"),
                                   data.get("revision", "v1.0.0")))
        except (KeyError, TypeError, AttributeError, ValueError):
            continue  # one malformed record must not hide the others
    return out
