"""Settings of the English normalizer and small helpers its rules share."""

from __future__ import annotations

import re
from dataclasses import dataclass

_NEXT_STARTS_SENTENCE = re.compile(r"\s+[\"'(\[]*[A-Z]|\s*$")


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
    return m.group().endswith(".") and _NEXT_STARTS_SENTENCE.match(m.string, m.end()) is not None


def ends_sentence_at(text: str, end: int) -> bool:
    """Whether a sentence starts after position ``end`` (just after a full stop)."""
    return _NEXT_STARTS_SENTENCE.match(text, end) is not None


def stop(m: re.Match) -> str:
    return "." if ends_sentence(m) else ""
