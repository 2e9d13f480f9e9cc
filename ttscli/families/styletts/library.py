"""The ``voices`` hook of Kokoro and Kitten (FamilySpec.voices): stock style voices for
`ttscli voice list`, the language of a preset's voices, and blends saved as named voices."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ...models.ref import ModelRef
    from ...voices.cache import Voice


class StyleVoices:
    def __init__(self, family: str):
        self.family = family

    def stock_rows(self, ref: "ModelRef") -> list[dict]:
        from .backend import open_voices

        resolver = open_voices(ref)
        aliases = {v: k for k, v in resolver.rules.aliases().items()}
        rows = []
        for name in resolver.bank.names():
            facts = resolver.rules.voice_facts(name)
            rows.append({"name": name, "kind": "stock", "family": ref.family, "model": ref.id,
                         "language": facts.language, "gender": facts.gender,
                         "details": f"alias {aliases[name]}" if name in aliases else ""})
        return rows

    def language(self, voice: str) -> str | None:
        from .rules import RULES

        return RULES[self.family]().voice_facts(voice).language

    def blend(self, ref: "ModelRef", name: str, voice: str) -> "Voice":
        from ...errors import BadInput
        from ...voices import blend, cache, presets
        from .backend import open_voices

        resolver = open_voices(ref)
        if name in resolver.bank or name in resolver.rules.aliases() or presets.get(name) is not None:
            raise BadInput(f"{name!r} is already a voice of {ref.id} or a built-in preset",
                           hint="pick another name for the saved voice")
        style_voice = resolver.resolve(voice)
        recipe = blend.canonical(style_voice.parts)  # stock voice names: aliases and stored voices expanded
        return cache.Voice(
            name=name, family=ref.family, model_id=ref.id, tensors={"style": style_voice.style},
            meta={"kind": "blend", "blend": recipe, "language": style_voice.language, "revision": ref.revision,
                  "weights": {p.name: round(p.weight, 6) for p in style_voice.parts}})


KOKORO_VOICES = StyleVoices("kokoro")
KITTEN_VOICES = StyleVoices("kitten")


def kokoro_show_lines(info: dict) -> dict[str, str]:
    """Kokoro has no zero-shot cloning, but voice matching (clone_match)."""
    if info.get("can_clone"):
        return {}
    return {"can clone": f"by voice matching (a blend of stock voices): ttscli clone NAME REF --model {info.get('id')}"}
