"""The language hook: one normalizer per language, looked up by code.

A normalizer turns written text into spoken form for one language and reads
SSML <say-as>. English has the full rule set; German has dates, ordinals, times,
money, units and fractions (text.de), French and Spanish dates, times, money,
units and fractions (text.romance); Italian and Portuguese get numbers through
num2words; every other language passes through unchanged (espeak-ng reads its own numbers). Plugins add or replace a
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


def _german(lang: str, date_order: str | None) -> Normalizer:
    from .de import GermanNormalizer

    return GermanNormalizer(lang)


def _romance(lang: str, date_order: str | None) -> Normalizer:
    from .romance import RomanceNormalizer

    return RomanceNormalizer(lang)


_REGISTRY: dict[str, Factory] = {"en": _english, "de": _german, "fr": _romance, "es": _romance,
                                 **{code: _numbers for code in ("it", "pt")}}


def register(code: str, factory: Factory) -> None:
    """Use ``factory(lang, date_order)`` for ``code`` (the part before '-': "nl" covers "nl-be")."""
    _REGISTRY[code.lower()] = factory


def base_code(lang: str | None) -> str:
    """'en-US' → 'en', 'pt_BR' → 'pt', 'cmn' → 'cmn'."""
    return (lang or "en").strip().lower().replace("_", "-").split("-")[0]


def normalizer_for(lang: str | None, date_order: str | None = None) -> Normalizer:
    lang = (lang or "en-us").strip().lower().replace("_", "-")
    factory = _REGISTRY.get(base_code(lang))
    return factory(lang, date_order) if factory else PassThrough(lang)

