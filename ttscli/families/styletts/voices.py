"""``--voice`` for style-vector families: stock voice, blend, saved voice or preset.

Order for a single name: the model's own voice (or a Kitten alias such as
``Leo``), a stored voice from the voice cache (``ttscli voice save``,
``ttscli clone``), a built-in preset. A blend (``a:60,b:40``) resolves each
part the same way and averages the style tables. Every part must belong to the
loaded model's family: a voice of another family is bad input naming both
families (exit 3, as for stored voices in ``engine.load``), an unknown name is
NotFound (exit 4) with did-you-mean suggestions.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ...errors import BadInput, IntegrityError, NotFound, UsageError
from ...suggest import voice_not_found
from ...voices import blend, cache, presets

if TYPE_CHECKING:
    import numpy as np

    from .packs import VoiceBank
    from .rules import FamilyRules

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StyleVoice:
    name: str  # canonical: a stock name, a saved/preset name, or "a:60,b:40"
    style: "np.ndarray"  # (rows, 256) float32
    language: str | None
    parts: tuple[blend.Part, ...]  # the stock voices it is made of, weights summing to 1

    @property
    def main_voice(self) -> str:
        """The heaviest stock voice (Kitten's per-voice speed prior follows it)."""
        return max(self.parts, key=lambda p: p.weight).name


class VoiceResolver:
    def __init__(self, bank: "VoiceBank", rules: "FamilyRules", model_id: str):
        self.bank = bank
        self.rules = rules
        self.model_id = model_id

    def resolve(self, spec: str | None) -> StyleVoice:
        if not spec or not spec.strip():
            return self._stock(self.rules.default_voice(self.bank.names()))
        spec = spec.strip()
        if blend.is_blend(spec):
            return self._blend(blend.parse(spec), spec, depth=0)
        return self._single(spec, depth=0)

    # --- pieces
    def _stock(self, name: str) -> StyleVoice:
        facts = self.rules.voice_facts(name)
        return StyleVoice(name, self.bank.style(name), facts.language or self.rules.default_language,
                          (blend.Part(name, 1.0),))

    def _blend(self, parts: list[blend.Part], label: str, depth: int) -> StyleVoice:
        voices = [self._single(p.name, depth + 1) for p in parts]
        rows = {v.style.shape[0] for v in voices}
        if len(rows) != 1:
            raise UsageError(f"voices in {label!r} have style tables of different sizes ({sorted(rows)} rows)",
                             hint="blend voices made for the same model")
        style = blend.mix([v.style for v in voices], [p.weight for p in parts])
        flat: dict[str, float] = {}
        for part, voice in zip(parts, voices):
            for sub in voice.parts:
                flat[sub.name] = flat.get(sub.name, 0.0) + part.weight * sub.weight
        heaviest = max(zip(parts, voices), key=lambda pv: pv[0].weight)[1]
        languages = {v.language for v in voices}
        if len(languages) > 1:
            log.info("blend %s mixes languages %s; phonemes follow %s", label, sorted(map(str, languages)),
                     heaviest.language)
        return StyleVoice(blend.canonical(parts), style, heaviest.language,
                          tuple(blend.Part(n, w) for n, w in flat.items()))

    def _single(self, name: str, depth: int) -> StyleVoice:
        family, model = self.rules.family, self.model_id
        name = self.rules.aliases().get(name, name)
        if name in self.bank:
            return self._stock(name)
        if cache.exists(name):
            return self.stored(cache.load(name))
        preset = presets.get(name)
        if preset is not None and depth < 2:
            if preset.family != family:
                raise BadInput(f"preset {name!r} is for the {preset.family} family, but {model} is a {family} model",
                                 hint=f"pick a {preset.family} model with --model")
            try:
                voice = self._blend(preset.parts(), name, depth)
            except NotFound as exc:
                raise NotFound(f"preset {name!r} ({preset.blend}) needs voices {model} does not have: {exc.message}",
                               hint="see `ttscli voice list` for this model's voices") from exc
            return StyleVoice(name, voice.style, voice.language, voice.parts)
        self._foreign(name)
        known = self.bank.names() + [str(v.get("name")) for v in cache.list_voices() if v.get("family") == family] \
            + [p.name for p in presets.presets(family)]
        raise voice_not_found(name, model, known, otherwise="see `ttscli voice list --model MODEL`")

    def stored(self, voice: "cache.Voice") -> StyleVoice:
        """A voice from the voice cache (a saved blend or a clone; checksum already verified)."""
        from .packs import as_style

        family, model = self.rules.family, self.model_id
        if voice.family != family:
            raise BadInput(f"voice {voice.name!r} was made for {voice.family} models (model {voice.model_id}), "
                           f"not {model} ({family})",
                           hint=f"use --model {voice.model_id}, and blend only voices of one family")
        if "style" not in voice.tensors:
            raise IntegrityError(f"voice {voice.name!r} has no style table", hint="create the voice again")
        style = as_style(voice.tensors["style"], f"stored voice {voice.name}")
        rows = self.bank.style(self.bank.names()[0]).shape[0]
        if style.shape[0] != rows:
            raise UsageError(f"voice {voice.name!r} has {style.shape[0]} style rows, {model} uses {rows}",
                             hint=f"use it with the model it was made for ({voice.model_id})")
        weights = voice.meta.get("weights") or {}
        parts = tuple(blend.Part(str(k), float(w)) for k, w in weights.items() if float(w) > 0) or \
            (blend.Part(self.rules.default_voice(self.bank.names()), 1.0),)
        language = str(voice.meta.get("language") or self.rules.default_language)
        return StyleVoice(voice.name, style, language, parts)

    def _foreign(self, name: str) -> None:
        from .rules import RULES

        for other, cls in RULES.items():
            if other != self.rules.family and cls().owns_voice_name(name):
                raise BadInput(f"voice {name!r} is a {other} voice, but {self.model_id} is a "
                                 f"{self.rules.family} model",
                                 hint=f"blend only voices of one family, or pick a {other} model with --model")
