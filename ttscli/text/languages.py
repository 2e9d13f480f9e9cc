"""The language hook: one normalizer per language, looked up by code.

A normalizer turns written text into spoken form for one language and reads
SSML <say-as>. English has the full rule set; Spanish, French, German, Italian
and Portuguese get numbers through num2words; every other language passes
through unchanged (espeak-ng reads its own numbers). Plugins add or replace a
language with :func:`register`::

    from ttscli.text import languages
    languages.register("nl", lambda lang, date_order: MyDutchNormalizer())
"""

from __future__ import annotations

from typing import Callable, Protocol

from .cleanup import tidy


class Normalizer(Protocol):
    code: str

    def normalize(self, text: str, heading: bool = False) -> str:
        """Spoken form of one paragraph (no [[phonemes]] inside; the caller protects them)."""

    def say_as(self, kind: str, text: str, fmt: str | None = None) -> str | None:
        """SSML <say-as interpret-as=kind format=fmt>; None when this language cannot read it."""


class PassThrough:
    """Languages without rules: whitespace tidied, letters spelled for <say-as characters>."""

    def __init__(self, lang: str):
        self.code = lang

    def normalize(self, text: str, heading: bool = False) -> str:
        return tidy(text)

    def say_as(self, kind: str, text: str, fmt: str | None = None) -> str | None:
        if kind in ("characters", "spell-out", "verbatim"):
            return " ".join(c for c in text if not c.isspace())
        return None


Factory = Callable[[str, "str | None"], Normalizer]


def _english(lang: str, date_order: str | None) -> Normalizer:
    from .en import EnglishNormalizer

    return EnglishNormalizer(lang, date_order)


def _numbers(lang: str, date_order: str | None) -> Normalizer:
    from .intl import NumberNormalizer

    return NumberNormalizer(lang)


_REGISTRY: dict[str, Factory] = {"en": _english, **{code: _numbers for code in ("es", "fr", "de", "it", "pt")}}


def base_code(lang: str | None) -> str:
    """'en-US' → 'en', 'pt_BR' → 'pt', 'cmn' → 'cmn'."""
    return (lang or "en").strip().lower().replace("_", "-").split("-")[0]


def normalizer_for(lang: str | None, date_order: str | None = None) -> Normalizer:
    lang = (lang or "en-us").strip().lower().replace("_", "-")
    factory = _REGISTRY.get(base_code(lang))
    return factory(lang, date_order) if factory else PassThrough(lang)

