"""Turn what the user typed after --model into a ModelRef on disk.

Order: a local path (file or directory), an embedded model, an installed model
from the store. Unknown ids raise NotFound (exit 4) with did-you-mean hints.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable

from ..errors import NotFound
from .ref import ModelRef


def _store_models() -> dict[str, ModelRef]:
    """Models pulled or imported with `ttscli pull` (complete and verified only)."""
    from ..store import installed_refs

    return installed_refs()


def packaged() -> dict[str, ModelRef]:
    """Models shipped inside Python packages, as each family's ``models`` hook lists them."""
    from ..backends import registry

    found: dict[str, ModelRef] = {}
    for hook in registry.hooks("models"):
        for key, ref in hook().items():
            found.setdefault(key, ref)
    return found


# Sources of installed models, each {id: ModelRef} for models that are complete on disk.
SOURCES: list[Callable[[], dict[str, ModelRef]]] = [packaged, _store_models]


def default_model_id_from_env() -> str | None:
    return os.environ.get("TTSCLI_MODEL") or None


def declared_default() -> str:
    """The default model its family declares (``FamilySpec.default_model``; the first one)."""
    from ..backends import registry

    for spec in registry.families().values():
        if spec.default_model:
            return spec.default_model
    raise NotFound("no model family names a default model", hint="pass --model or set TTSCLI_MODEL")


def default_model_id() -> str:
    return default_model_id_from_env() or declared_default()


def _shipped_by_its_family(model_id: str) -> ModelRef | None:
    """``family:name`` shipped in a package, asking only that family's ``models`` hook: the
    default model resolves without importing every family's hook or reading the store. What
    it finds is what the whole table would give (packaged models come first in it, and a
    family's hook lists its own ids)."""
    from ..backends import registry

    family = model_id.split(":", 1)[0]
    spec = registry.families().get(family) if ":" in model_id else None
    if spec is None or not spec.models:
        return None
    return registry.resolve_target(spec.models)().get(model_id)


def installed() -> dict[str, ModelRef]:
    found: dict[str, ModelRef] = {}
    for source in SOURCES:
        for key, ref in source().items():
            found.setdefault(key, ref)
    return found


def _looks_like_path(text: str) -> bool:
    if text.startswith("hf:"):  # hf:owner/repo is a hub id, not a path
        return False
    return text.startswith((".", "/", "~")) or os.sep in text or text.endswith(".onnx")


def _local(text: str) -> ModelRef:
    from ..backends import registry

    path = Path(text).expanduser()
    if not path.exists():
        raise NotFound(f"model path {text} does not exist")
    directory = path if path.is_dir() else path.parent
    files = [p.name for p in directory.iterdir()] if directory.is_dir() else []
    spec = registry.detect_family(files)
    if spec is None and path.is_file():
        raise NotFound(f"model file {text} is not a model ttscli can load (nothing beside it tells its family)",
                       hint=f"give the model's directory, or a model file with its family's files beside it "
                            f"({registry.layouts()})")
    if spec is None:
        raise NotFound(
            f"cannot tell which model family {text} holds (files: {', '.join(sorted(files)[:12]) or 'none'})",
            hint=f"ttscli recognises {registry.layouts()}",
        )
    return ModelRef(id=f"local:{path.resolve()}", family=spec.name, path=path if path.is_file() else directory,
                    source="local")


def resolve(model_id: str | None) -> ModelRef:
    model_id = (model_id or default_model_id()).strip()
    if model_id.startswith("local:/"):  # the id a local model gets (stored voices keep it)
        return _local(model_id[len("local:"):])
    if _looks_like_path(model_id):
        return _local(model_id)
    shipped = _shipped_by_its_family(model_id)
    if shipped is not None:
        return shipped
    table = installed()
    if model_id in table:
        return table[model_id]
    # A bare name ("en_US-joe-medium") matches one installed family:name.
    by_name = [ref for key, ref in table.items() if key.split(":", 1)[-1] == model_id]
    if len(by_name) == 1:
        return by_name[0]
    from ..suggest import did_you_mean

    hint = did_you_mean(model_id, table, cutoff=0.5, otherwise="see `ttscli list` for installed models")
    from ..store import pull_hint

    hint = pull_hint(model_id) or hint
    raise NotFound(f"unknown model {model_id!r}", hint=hint)
