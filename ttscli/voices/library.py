"""The voices a user can pick and save, for `ttscli voice` (and any other front end).

- :func:`voice_rows` — stock style voices of installed models whose family lists them
  (``FamilySpec.voices``), built-in presets and saved voices, one dict per voice.
- :func:`save_blend` — resolve a blend such as ``af_sarah:60,am_adam:40`` and store it as a
  named voice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ..models.ref import ModelRef


def _style_families() -> dict[str, Any]:
    """{family: its voices hook} for every family with style voices to list and blend."""
    from ..backends import registry

    return {name: spec.hook("voices") for name, spec in registry.families().items() if spec.voices}


def style_models(model: str | None) -> list[ModelRef]:
    """The models whose style voices are listed: the one asked for, else every installed
    model of a style family (each once, whatever its aliases)."""
    from ..models import resolve as model_resolve

    families = _style_families()
    if model:
        ref = model_resolve.resolve(model)
        if ref.family not in families:
            from ..errors import UsageError

            raise UsageError(f"{ref.id} is a {ref.family} model: it has speakers, not style voices to blend",
                             hint=f"pick a {' or '.join(families) or 'style voice'} model with --model")
        return [ref]
    found = {ref.id: ref for ref in model_resolve.installed().values() if ref.family in families}
    return list(found.values())


def _preset_rows(only: set[str] | None, stock: set[tuple[str, str]]) -> list[dict]:
    """Presets; one whose voices are not all installed has ``available`` false and the ``pull``
    that brings them."""
    from . import presets

    families = _style_families()
    rows = []
    for p in presets.presets():
        if only is None or p.family in only:
            main = max(p.parts(), key=lambda part: part.weight).name
            language = families[p.family].language(main) if p.family in families else None
            missing = [part.name for part in p.parts() if (p.family, part.name) not in stock]
            rows.append({"name": p.name, "kind": "preset", "family": p.family, "model": None, "language": language,
                         "gender": None, "details": f"{p.blend}  {p.description}".strip(),
                         "available": not missing, "pull": f"ttscli pull {p.family}" if missing else None})
    return rows


def _saved_rows(only: set[str] | None) -> list[dict]:
    from . import cache

    return [{"name": meta.get("name"), "kind": str(meta.get("kind", "clone")), "family": meta.get("family"),
             "model": meta.get("model_id"), "language": meta.get("language"), "gender": None,
             "details": str(meta.get("error") or meta.get("blend") or "")}
            for meta in cache.list_voices() if only is None or meta.get("family") in only]


def voice_rows(model: str | None = None) -> list[dict]:
    """Stock voices (of ``model``, else of every installed style model), then presets and saved
    voices (of that model's family when ``model`` is given)."""
    refs = style_models(model)
    families = _style_families()
    rows = [row for ref in refs for row in families[ref.family].stock_rows(ref)]
    only = {ref.family for ref in refs} if model else None
    stock = {(row["family"], row["name"]) for row in rows}
    return rows + _preset_rows(only, stock) + _saved_rows(only)


@dataclass(frozen=True)
class SavedBlend:
    path: Path
    model_id: str
    family: str
    recipe: str  # canonical blend of stock voice names


def save_blend(name: str, voice: str, model: str | None = None, *, force: bool = False) -> SavedBlend:
    """Store the blend ``voice`` (of ``model``, else of the installed model that has all its
    voices) as the voice ``name``."""
    from .. import paths
    from ..errors import NotFound
    from . import cache
    from .locate import model_for_voice

    paths.check_name(name, "voice name")
    if model is None:
        model = model_for_voice(voice)
        if model is None:
            raise NotFound(f"no installed {' or '.join(_style_families()) or 'style'} model has all the voices "
                           f"in {voice!r}", hint="pass --model, and see `ttscli voice list`")
    ref = style_models(model)[0]
    saved = _style_families()[ref.family].blend(ref, name, voice)
    path = cache.save(saved, force=force)
    return SavedBlend(path, ref.id, ref.family, str(saved.meta["blend"]))
