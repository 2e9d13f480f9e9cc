"""Which installed model a voice belongs to, so ``--voice`` alone can pick the model.

``ttscli say --voice jf_alpha "…"`` should not need ``--model``: a saved voice
records its model, a preset its family, and installed models list their stock
voices in ``ModelRef.info["voices"]``. Nothing here loads a model.
"""

from __future__ import annotations

from ..errors import TtsError
from ..models import resolve as model_resolve
from ..models.ref import ModelRef
from . import blend, presets, saved


def _names(spec: str) -> list[str]:
    try:
        return [p.name for p in blend.parse(spec)] if blend.is_blend(spec) else [spec.strip()]
    except TtsError:
        return []


def _models() -> list[ModelRef]:
    from ..backends.styletts_rules import RULES

    return [ref for ref in model_resolve.installed().values() if ref.family in RULES]


def _stock(ref: ModelRef) -> set[str]:
    return {str(v) for v in ref.info.get("voices") or []}


def model_for_voice(spec: str) -> str | None:
    """The id of an installed model that has every voice of ``spec``, or None."""
    names = _names(spec)
    if not names:
        return None
    families: set[str] = set()
    stock: list[str] = []
    for name in names:
        try:
            kept = saved.load(name)
        except TtsError:  # a broken saved voice is reported when it is used
            kept = None
        if kept is not None:
            if len(names) == 1 and kept.model in model_resolve.installed():
                return kept.model
            families.add(kept.family)
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
