"""The language hook: one normalizer per language, looked up by code.

A normalizer turns written text into spoken form for one language and reads
SSML <say-as>. English (text.en), Spanish (text.es) and Italian (text.it) have the
full class set; German (text.de) and French (text.fr) nearly all of it; Portuguese
gets numbers through num2words (text.intl); every other language passes through
unchanged (espeak-ng reads its own numbers). Plugins add or replace a language
with :func:`register`::

    from ttscli.text import languages
    languages.register("nl", lambda lang, date_order: MyDutchNormalizer())
"""

from __future__ import annotations

import logging
import re
from typing import Callable, Protocol

from ..errors import BadInput, TtsError
from .cleanup import tidy

log = logging.getLogger(__name__)


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
    from .en.normalizer import EnglishNormalizer

    return EnglishNormalizer(lang, date_order)


def _numbers(lang: str, date_order: str | None) -> Normalizer:
    from .intl import NumberNormalizer

    return NumberNormalizer(lang)


def _german(lang: str, date_order: str | None) -> Normalizer:
    from .de.normalizer import GermanNormalizer

    return GermanNormalizer(lang)


def _spanish(lang: str, date_order: str | None) -> Normalizer:
    from .es.normalizer import SpanishNormalizer

    return SpanishNormalizer(lang)


def _italian(lang: str, date_order: str | None) -> Normalizer:
    from .it.normalizer import ItalianNormalizer

    return ItalianNormalizer(lang)


def _french(lang: str, date_order: str | None) -> Normalizer:
    from .fr.normalizer import FrenchNormalizer

    return FrenchNormalizer(lang)


_REGISTRY: dict[str, Factory] = {"en": _english, "de": _german, "fr": _french, "es": _spanish, "it": _italian,
                                 "pt": _numbers}


def register(code: str, factory: Factory) -> None:
    """Use ``factory(lang, date_order)`` for ``code`` (the part before '-': "nl" covers "nl-be")."""
    _REGISTRY[code.lower()] = factory


def base_code(lang: str | None) -> str:
    """'en-US' → 'en', 'pt_BR' → 'pt', 'cmn' → 'cmn'."""
    return (lang or "en").strip().lower().replace("_", "-").split("-")[0]


def normalizer_for(lang: str | None, date_order: str | None = None) -> Normalizer:
    lang = (lang or "en-us").strip().lower().replace("_", "-")
    factory = _REGISTRY.get(base_code(lang))
    return Guarded(factory(lang, date_order) if factory else PassThrough(lang))


# A number-like token: digits with the separators languages group them with.
_NUMBER_TOKEN = re.compile(r"\d(?:[\d,.'\u00a0\u202f_]*\d)?")
LONG_NUMBER_DIGITS = 15  # longer numbers are read digit by digit (ids, card numbers, runaway digit strings)
RUNAWAY_DIGITS = 100  # numbers longer than this are read digit by digit before any rule sees them


def _has_runaway(text: str) -> bool:
    return any(len(m.group()) > RUNAWAY_DIGITS and sum(c.isdigit() for c in m.group()) > RUNAWAY_DIGITS
               for m in _NUMBER_TOKEN.finditer(text))


def _digit_by_digit(text: str, longer_than: int, words: dict[str, str]) -> str:
    """Every number of more than ``longer_than`` digits written out digit by digit, in ``words``
    (the language's own word for each digit), so no rule sees those digits again."""
    def spelled(m: re.Match) -> str:
        digits = [c for c in m.group() if c.isdigit()]
        return " " + " ".join(words.get(d, d) for d in digits) + " " if len(digits) > longer_than else m.group()

    return _NUMBER_TOKEN.sub(spelled, text)


class Guarded:
    """The one guard around every language's rules: the front end never raises an internal error.

    A rule that fails on some input (a number beyond Python's int/str conversion limit, an
    amount num2words cannot say) gets the text again with its long numbers read digit by
    digit, then with every number read digit by digit; if that fails too the input is
    refused (exit 3) rather than crashing.
    """

    def __init__(self, inner: Normalizer):
        self.inner = inner
        self.code = inner.code
        self._words: dict[str, str] | None = None

    def digit_words(self) -> dict[str, str]:
        """The language's word for each digit, from its own rules ("7" → "seven", "siete")."""
        if self._words is None:
            words = {}
            for d in "0123456789":
                try:
                    spoken = " ".join(self.inner.normalize(d).split())
                except Exception:  # noqa: BLE001 - a broken rule set still gets its digits read
                    spoken = ""
                words[d] = spoken if spoken and not any(c.isdigit() for c in spoken) else d
            self._words = words
        return self._words

    def __getattr__(self, name: str):  # language-specific helpers (options, spell, ...)
        return getattr(self.inner, name)

    def _retry(self, call, text: str, exc: Exception):
        log.debug("normalizer %s failed on %d characters (%s: %s); reading numbers digit by digit",
                  self.code, len(text), type(exc).__name__, str(exc)[:200])
        for longer_than in (LONG_NUMBER_DIGITS, 1):
            try:
                return call(_digit_by_digit(text, longer_than, self.digit_words()))
            except TtsError:
                raise
            except Exception as again:  # noqa: BLE001 - any rule failure: try the plainer reading
                exc = again
        preview = " ".join(text.split())[:40]
        raise BadInput(f"cannot read the text {preview!r}... in {self.code}: its numbers could not be put into "
                       f"words ({type(exc).__name__})",
                       hint="write the numbers in words, or pass --lang for another language") from exc

    def normalize(self, text: str, heading: bool = False) -> str:
        if _has_runaway(text):  # no rule says such a number better, and some take quadratic time on it
            text = _digit_by_digit(text, RUNAWAY_DIGITS, self.digit_words())
        try:
            return self.inner.normalize(text, heading)
        except TtsError:
            raise
        except Exception as exc:  # noqa: BLE001 - the guard's purpose
            return self._retry(lambda t: self.inner.normalize(t, heading), text, exc)

    def say_as(self, kind: str, text: str, fmt: str | None = None) -> str | None:
        try:
            return self.inner.say_as(kind, text, fmt)
        except TtsError:
            raise
        except Exception as exc:  # noqa: BLE001 - read as plain text instead (the caller warns)
            log.debug("<say-as %s> failed in %s: %s: %s", kind, self.code, type(exc).__name__, str(exc)[:200])
            return None

