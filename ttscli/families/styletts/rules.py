"""What differs between the StyleTTS2-style families that share one ONNX adapter.

Kokoro-82M and KittenTTS export the same kind of graph (token ids, a 256-float
style row, a speed), but each was trained with its own conventions:

=================  ===============================  ==================================
                   Kokoro                           Kitten
=================  ===============================  ==================================
vocabulary         config.json "vocab" (114 syms)   StyleTTS2's 178-symbol table
framing            ``[0, *ids, 0]``                 ``[0, *ids, 10, 0]`` (10 = "…")
style row          token count - 1 (hexgrad ref.)   character count of the text chunk
phonemes           espeak → misaki spelling, or     espeak en-us, punctuation as
                   misaki / Japanese G2P            separate space-delimited tokens
output             as is                            last 5000 samples dropped (0.8;
                                                    0.1: first 5000 and last 10000)
voices             ``af_heart``: lang + gender      ``expr-voice-2-f`` + aliases
=================  ===============================  ==================================

Sources: hexgrad/kokoro ``KPipeline``, kokoro-onnx 0.6.1, KittenML/KittenTTS
0.8.1 ``onnx_model.py`` (read side by side; the table above is what they agree on).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from typing import Any, ClassVar

from ...audio.trim import silence_bounds
from ...phonemize import espeak, japanese
from . import kokoro_style, misaki_en

CONTEXT = 512  # PL-BERT positions, framing tokens included


def _packaged(name: str) -> dict:
    return json.loads((resources.files("ttscli.families.styletts") / "data" / name).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class VoiceFacts:
    language: str | None
    gender: str | None


@dataclass
class FamilyRules:
    """Conventions of one family; one instance per loaded model (config-dependent)."""

    family: ClassVar[str] = ""
    prefix: ClassVar[tuple[int, ...]] = (0,)
    suffix: ClassVar[tuple[int, ...]] = (0,)
    default_language: ClassVar[str] = "en-us"
    config: dict[str, Any] = field(default_factory=dict)

    @property
    def max_tokens(self) -> int:
        """Phoneme tokens one call may take: the context less the framing tokens."""
        return CONTEXT - len(self.prefix) - len(self.suffix)

    def frame(self, ids: list[int]) -> list[int]:
        return [*self.prefix, *ids, *self.suffix]

    def style_row(self, rows: int, n_tokens: int, text: str) -> int:
        raise NotImplementedError

    def trim_bounds(self, audio) -> tuple[int, int]:
        """(start, end) of the samples of one call that are kept."""
        return 0, len(audio)

    def default_vocab(self) -> dict[str, int]:
        raise NotImplementedError

    def phonemize(self, text: str, lang: str) -> str:
        raise NotImplementedError

    def voice_facts(self, name: str) -> VoiceFacts:
        return VoiceFacts(self.default_language, None)

    def owns_voice_name(self, name: str) -> bool:
        """True when ``name`` follows this family's naming (for mixed-family errors)."""
        return False

    def aliases(self) -> dict[str, str]:
        return {}

    def speed(self, voice: str, speed: float) -> float:
        return speed

    def default_voice(self, names: list[str]) -> str:
        return names[0]


# --- Kokoro -----------------------------------------------------------------

# First letter of a Kokoro voice name → espeak language (hexgrad/kokoro LANG_CODES).
KOKORO_LANGUAGES = {"a": "en-us", "b": "en-gb", "j": "ja", "z": "cmn", "e": "es", "f": "fr-fr",
                    "h": "hi", "i": "it", "p": "pt-br"}
_KOKORO_NAME = re.compile(r"^([a-z])([fm])_[a-z0-9]+$")
_JAPANESE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uff66-\uff9f]")


@dataclass
class KokoroRules(FamilyRules):
    family: ClassVar[str] = "kokoro"

    def style_row(self, rows: int, n_tokens: int, text: str) -> int:
        # One row per phoneme count: n tokens use row n - 1 (hexgrad's KPipeline,
        # kokoro-onnx 0.6.1); clamped for texts longer than the table.
        return max(0, min(n_tokens, rows) - 1)

    def trim_bounds(self, audio) -> tuple[int, int]:
        # Each call comes with ~0.3 s of silence before and ~0.7 s after the
        # speech; keep a short, natural gap instead (kokoro-onnx trims too).
        return silence_bounds(audio, 24000)

    def default_vocab(self) -> dict[str, int]:
        return dict(_packaged("kokoro_vocab.json")["vocab"])

    def phonemize(self, text: str, lang: str) -> str:
        lang = lang.lower()
        if lang.startswith("ja"):
            if _JAPANESE_SCRIPT.search(text):
                return japanese.phonemize(text)
            lang = "en-us"  # a Japanese voice reading Latin-script text: read it as English
        if kokoro_style.is_english(lang):
            found = misaki_en.phonemize(text, kokoro_style.is_british(lang))
            if found is not None:
                return found
        return kokoro_style.from_espeak(espeak.phonemize(text, lang, tie=kokoro_style.TIE), lang)

    def voice_facts(self, name: str) -> VoiceFacts:
        m = _KOKORO_NAME.match(name)
        if not m:
            return VoiceFacts(None, None)
        return VoiceFacts(KOKORO_LANGUAGES.get(m.group(1)), {"f": "female", "m": "male"}[m.group(2)])

    def owns_voice_name(self, name: str) -> bool:
        m = _KOKORO_NAME.match(name)
        return bool(m) and m.group(1) in KOKORO_LANGUAGES

    def default_voice(self, names: list[str]) -> str:
        for preferred in ("af_heart", "af_bella", "jf_alpha"):
            if preferred in names:
                return preferred
        return names[0]


# --- Kitten -----------------------------------------------------------------

_KITTEN_NAME = re.compile(r"^expr-voice-\d+-([mf])$")
KITTEN_ALIASES = {"Bella": "expr-voice-2-f", "Jasper": "expr-voice-2-m", "Luna": "expr-voice-3-f",
                  "Bruno": "expr-voice-3-m", "Rosie": "expr-voice-4-f", "Hugo": "expr-voice-4-m",
                  "Kiki": "expr-voice-5-f", "Leo": "expr-voice-5-m"}
_KITTEN_WORDS = re.compile(r"\w+|[^\w\s]")
_KITTEN_END = ".!?,;:"


@dataclass
class KittenRules(FamilyRules):
    family: ClassVar[str] = "kitten"
    suffix: ClassVar[tuple[int, ...]] = (10, 0)  # "…" as end marker, then pad

    def style_row(self, rows: int, n_tokens: int, text: str) -> int:
        # KittenTTS indexes its style table by the length of the text chunk in
        # characters, not by token count.
        return max(0, min(len(text), rows - 1))

    def trim_bounds(self, audio) -> tuple[int, int]:
        head, tail = (5000, 10000) if str(self.config.get("type", "")).upper() == "ONNX1" else (0, 5000)
        if len(audio) <= head + tail:
            return 0, 0
        return head, len(audio) - tail

    def default_vocab(self) -> dict[str, int]:
        symbols = _packaged("kitten_symbols.json")["symbols"]
        return {sym: i for i, sym in enumerate(symbols)}  # later duplicates win, as in KittenTTS

    def phonemize(self, text: str, lang: str) -> str:
        text = text.strip()
        if text and text[-1] not in _KITTEN_END:
            text += ","  # KittenTTS ends every chunk on punctuation
        ipa = espeak.phonemize(text, lang)
        return " ".join(_KITTEN_WORDS.findall(ipa))

    def voice_facts(self, name: str) -> VoiceFacts:
        m = _KITTEN_NAME.match(self.aliases().get(name, name))
        return VoiceFacts("en-us", {"f": "female", "m": "male"}[m.group(1)] if m else None)

    def owns_voice_name(self, name: str) -> bool:
        return bool(_KITTEN_NAME.match(name)) or name in KITTEN_ALIASES

    def aliases(self) -> dict[str, str]:
        found = self.config.get("voice_aliases")
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else dict(KITTEN_ALIASES)

    def speed(self, voice: str, speed: float) -> float:
        priors = self.config.get("speed_priors")
        if isinstance(priors, dict) and voice in priors:
            return speed * float(priors[voice])
        return speed

    def default_voice(self, names: list[str]) -> str:
        return "expr-voice-5-m" if "expr-voice-5-m" in names else names[0]


RULES: dict[str, type[FamilyRules]] = {"kokoro": KokoroRules, "kitten": KittenRules}
