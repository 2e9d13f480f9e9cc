"""Finding the model, voices and config of a Kokoro or Kitten model on disk.

Two ways in:

* a model from the store or an embedded model: ``ModelRef.info["files"]`` maps
  roles ("model", "voices", optional "config"/"tokenizer") to absolute paths
  (a list for a glob role such as ``voices/*.bin``; this is what the store
  records) or to paths/globs relative to ``ModelRef.path``;
* a plain directory (``--model ./dir``) or an ``.onnx`` file: known layouts
  are globbed (kokoro-onnx releases, onnx-community's Transformers.js layout,
  KittenTTS's Hugging Face repos).

Relative patterns may not climb out of the model directory (no absolute
pattern, no ``..``). Symlinks are followed: a Hugging Face snapshot is made of
links into the cache's blob store.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...errors import BadInput, IntegrityError, NotFound
from ...models.ref import ModelRef

MODEL_GLOBS = {
    "kokoro": ("kokoro*.onnx", "model.onnx", "onnx/model.onnx", "onnx/model_quantized.onnx", "model*.onnx",
               "onnx/model*.onnx"),
    "kitten": ("kitten*.onnx", "model.onnx", "*.onnx"),
}
VOICE_GLOBS = {
    "kokoro": ("voices-*.bin", "voices*.npz", "voices.bin", "voices/*.bin"),
    "kitten": ("voices*.npz", "voices/*.bin"),
}


@dataclass(frozen=True)
class ModelFiles:
    model: Path
    voices: list[Path]
    config: Path | None = None
    tokenizer: Path | None = None


def detect_kokoro(files: list[str]) -> bool:
    names = set(files)
    if any(f.startswith("kokoro") and f.endswith(".onnx") for f in names):
        return True
    if any(f.startswith("voices-v") and f.endswith(".bin") for f in names):
        return True
    return {"onnx", "voices", "tokenizer.json"} <= names  # onnx-community Transformers.js layout


def detect_kitten(files: list[str]) -> bool:
    names = set(files)
    if any(f.startswith("kitten") and f.endswith(".onnx") for f in names):
        return True
    return "voices.npz" in names and "config.json" in names and any(f.endswith(".onnx") for f in names)


def _inside(base: Path, pattern: str) -> list[Path]:
    """Matches of the relative ``pattern`` under ``base``."""
    if Path(pattern).is_absolute() or ".." in Path(pattern).parts:
        raise BadInput(f"model file pattern {pattern!r} leaves the model directory")
    return sorted(base.glob(pattern))


def _one(base: Path, patterns: tuple[str, ...], what: str) -> Path | None:
    for pattern in patterns:
        matches = [m for m in _inside(base, pattern) if m.is_file()]
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            names = ", ".join(str(m.relative_to(base)) for m in matches[:6])
            raise NotFound(f"several {what} files in {base}: {names}",
                           hint=f"pass the one you want, e.g. --model {matches[0]}")
    return None


def read_json(path: Path | None) -> dict[str, Any]:
    if path is None:
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        from ttscli.filetypes import looks_like_html

        raw = path.read_bytes()[:512] if path.exists() else b""
        what = "an HTML page, not JSON" if looks_like_html(raw) else f"not valid JSON ({exc})"
        raise IntegrityError(f"{path.name} is {what}", hint="remove it and pull the model again") from exc
    if not isinstance(data, dict):
        raise IntegrityError(f"{path.name} is not a JSON object", hint="remove it and pull the model again")
    return data


def _from_roles(base: Path, roles: dict[str, Any]) -> ModelFiles:
    def matches(role: str) -> list[Path]:
        value = roles.get(role)
        entries = [value] if isinstance(value, str) else list(value or [])
        found: list[Path] = []
        for entry in map(str, entries):
            found += [Path(entry)] if Path(entry).is_absolute() else _inside(base, entry)
        return [f for f in found if f.exists()]

    models = [m for m in matches("model") if m.is_file()]
    if len(models) != 1:
        raise NotFound(f"model file {roles.get('model')!r} {'is missing' if not models else 'is ambiguous'} "
                       f"for {base}", hint="pull the model again")
    voices = matches("voices")
    if not voices:
        raise NotFound(f"voices {roles.get('voices')!r} are missing for {base}", hint="pull the model again")
    config = next(iter(matches("config")), None)
    tokenizer = next(iter(matches("tokenizer")), None)
    return ModelFiles(models[0], voices, config, tokenizer)


def _globbed(path: Path, family: str) -> ModelFiles:
    base = path if path.is_dir() else path.parent
    config = _one(base, ("config.json",), "config")
    tokenizer = _one(base, ("tokenizer.json",), "tokenizer")
    cfg = read_json(config) if family == "kitten" else {}
    model = path if path.is_file() else None
    if model is None and isinstance(cfg.get("model_file"), str):
        model = next(iter(_inside(base, cfg["model_file"])), None)
    if model is None:
        model = _one(base, MODEL_GLOBS[family], "model")
    if model is None:
        raise NotFound(f"no {family} model (.onnx) in {base}")
    voices: list[Path] = []
    if isinstance(cfg.get("voices"), str):
        voices = [v for v in _inside(base, cfg["voices"]) if v.exists()]
    for pattern in () if voices else VOICE_GLOBS[family]:
        voices = [v for v in _inside(base, pattern) if v.is_file()]
        if voices:
            break
    if not voices:
        raise NotFound(f"no voices for the {family} model in {base}",
                       hint="expected " + " or ".join(VOICE_GLOBS[family]))
    return ModelFiles(model, voices, config, tokenizer)


def find(ref: ModelRef, family: str) -> ModelFiles:
    roles = ref.info.get("files")
    if isinstance(roles, dict) and roles:
        return _from_roles(ref.path if ref.path.is_dir() else ref.path.parent, roles)
    if not ref.path.exists():
        raise NotFound(f"model path {ref.path} does not exist")
    return _globbed(ref.path, family)
