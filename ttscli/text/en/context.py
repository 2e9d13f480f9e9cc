"""Settings of the English normalizer and small helpers its rules share."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..lazy_re import lazy

_NEXT_STARTS_SENTENCE = lazy(r"\s+[\"'(\[]*[A-Z]")
_TEXT_END = lazy(r"\s*$")
# A text that reads as a sentence: a capital first, and at least five words.
_SENTENCE = lazy(r"\s*[\"'(\[]*[A-Z]\S*(?:\s+\S+){4}")
_THE_BEFORE = lazy(r"\b[Tt]he\s+$")


@dataclass(frozen=True)
class EnglishOptions:
    """date_order: how to read 12/05/2024 (mdy: December 5; dmy: 12 May). british: "one hundred and five"."""

    date_order: str = "mdy"
    british: bool = False

    @classmethod
    def for_language(cls, lang: str, date_order: str | None = None) -> "EnglishOptions":
        """en-us (and plain en) read dates month first; other English locales day first."""
        lang = (lang or "en-us").lower().replace("_", "-")
        american = lang in ("en", "en-us") or lang.startswith("en-us")
        return cls(date_order=date_order or ("mdy" if american else "dmy"), british=not american)


def ends_sentence(m: re.Match) -> bool:
    """Whether the text after a match that ended in '.' starts a new sentence.

    Abbreviations such as "etc." or "a.m." swallow the sentence's full stop; the
    replacement puts it back when the next word is capitalised or the text ends.
    """
    return m.group().endswith(".") and ends_sentence_at(m.string, m.end())


def ends_sentence_at(text: str, end: int) -> bool:
    """Whether a sentence starts after position ``end`` (just after a full stop).

    At the end of the text the stop is kept only when the text is a sentence
    (capitalised, five words or more): "We left at 9 a.m." keeps it, the
    fragment "1:00 a.m." does not."""
    if _NEXT_STARTS_SENTENCE.match(text, end):
        return True
    return _TEXT_END.fullmatch(text, end) is not None and _SENTENCE.match(text) is not None


def the_before(text: str, start: int) -> bool:
    """Whether "the" stands just before ``start`` (so a rule does not say "the the")."""
    return _THE_BEFORE.search(text, max(0, start - 8), start) is not None


def article(m: re.Match) -> str:
    """"the " unless the text already has it just before the match."""
    return "" if the_before(m.string, m.start()) else "the "


def stop(m: re.Match) -> str:
    return "." if ends_sentence(m) else ""
