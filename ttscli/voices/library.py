"""The voices a user can pick and save, for `ttscli voice` (and any other front end).

- :func:`voice_rows` — stock style voices of installed Kokoro/Kitten models, built-in presets
  and saved voices, one dict per voice.
- :func:`save_blend` — resolve a blend such as ``af_sarah:60,am_adam:40`` and store it as a
  named voice.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..models.ref import ModelRef


def style_models(model: str | None) -> list[ModelRef]:
    """The models whose style voices are listed: the one asked for, else every installed
    Kokoro/Kitten model (each once, whatever its aliases)."""
    from ..families.styletts.rules import RULES
    from ..models import resolve as model_resolve

    if model:
        ref = model_resolve.resolve(model)
        if ref.family not in RULES:
            from ..errors import UsageError

            raise UsageError(f"{ref.id} is a {ref.family} model: it has speakers, not style voices to blend",
                             hint="pick a kokoro or kitten model with --model")
        return [ref]
    found = {ref.id: ref for ref in model_resolve.installed().values() if ref.family in RULES}
    return list(found.values())


def _stock_rows(ref: ModelRef) -> list[dict]:
    from ..families.styletts.backend import open_voices

    resolver = open_voices(ref)
    aliases = {v: k for k, v in resolver.rules.aliases().items()}
    rows = []
    for name in resolver.bank.names():
        facts = resolver.rules.voice_facts(name)
        rows.append({"name": name, "kind": "stock", "family": ref.family, "model": ref.id,
                     "language": facts.language, "gender": facts.gender,
                     "details": f"alias {aliases[name]}" if name in aliases else ""})
    return rows


def _preset_rows(only: set[str] | None, stock: set[tuple[str, str]]) -> list[dict]:
    """Presets; one whose voices are not all installed has ``available`` false and the ``pull``
    that brings them."""
    from ..families.styletts.rules import RULES
    from . import presets

    rows = []
    for p in presets.presets():
        if only is None or p.family in only:
            main = max(p.parts(), key=lambda part: part.weight).name
            language = RULES[p.family]().voice_facts(main).language if p.family in RULES else None
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
    rows = [row for ref in refs for row in _stock_rows(ref)]
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
    from ..families.styletts.backend import open_voices
    from ..errors import BadInput, NotFound
    from . import blend, cache, presets
    from .locate import model_for_voice

    paths.check_name(name, "voice name")
    if model is None:
        model = model_for_voice(voice)
        if model is None:
            raise NotFound(f"no installed Kokoro or Kitten model has all the voices in {voice!r}",
                           hint="pass --model, and see `ttscli voice list`")
    ref = style_models(model)[0]
    resolver = open_voices(ref)
    if name in resolver.bank or name in resolver.rules.aliases() or presets.get(name) is not None:
        raise BadInput(f"{name!r} is already a voice of {ref.id} or a built-in preset",
                       hint="pick another name for the saved voice")
    style_voice = resolver.resolve(voice)
    recipe = blend.canonical(style_voice.parts)  # stock voice names: aliases and stored voices expanded
    path = cache.save(cache.Voice(
        name=name, family=ref.family, model_id=ref.id, tensors={"style": style_voice.style},
        meta={"kind": "blend", "blend": recipe, "language": style_voice.language, "revision": ref.revision,
              "weights": {p.name: round(p.weight, 6) for p in style_voice.parts}},
    ), force=force)
    return SavedBlend(path, ref.id, ref.family, recipe)
