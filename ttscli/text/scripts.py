"""Letters a Latin-script voice cannot read, found and left out.

An English (or French, German…) voice reads an Arabic, Hebrew, Chinese or
Cyrillic word as "Arabic letter, Arabic letter…": seconds of noise per word.
For languages written in the Latin alphabet, runs of letters from other
writing systems are dropped with one warning per script; text with nothing
left is refused by the front end, naming the scripts. Greek letters stay
(π and α are read by name, as in maths). Voices for other languages read
their own script and Latin, so nothing is dropped for them.
"""

from __future__ import annotations

import re
from functools import lru_cache

from .languages import base_code

# Languages whose voices read only the Latin alphabet.
LATIN_LANGUAGES = frozenset(
    "en de fr es it pt nl pl cs sk sl hr ro hu fi sv da no nb nn is et lv lt tr az id ms vi ca eu gl cy ga sq "
    "sw af lb mt eo la".split())

SCRIPTS: tuple[tuple[str, str], ...] = (
    ("Cyrillic", "\u0400-\u052f\u1c80-\u1c8f\u2de0-\u2dff\ua640-\ua69f"),
    ("Armenian", "\u0531-\u058f"),
    ("Hebrew", "\u0591-\u05f4\ufb1d-\ufb4f"),
    ("Arabic", "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufefc"),
    ("Indic", "\u0900-\u0dff"),
    ("Thai", "\u0e00-\u0e7f"),
    ("Lao", "\u0e80-\u0eff"),
    ("Tibetan", "\u0f00-\u0fff"),
    ("Myanmar", "\u1000-\u109f"),
    ("Georgian", "\u10a0-\u10ff\u2d00-\u2d2f"),
    ("Hangul", "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"),
    ("Ethiopic", "\u1200-\u139f"),
    ("Khmer", "\u1780-\u17ff"),
    ("Japanese kana", "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"),
    ("Han (Chinese)", "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"),
)
_ANY = "".join(ranges for _, ranges in SCRIPTS)
_CHAR = f"(?:(?!\\d)[{_ANY}])"  # letters and marks of those scripts; their digits are numbers, read as such


@lru_cache(maxsize=1)
def _patterns() -> tuple[re.Pattern, list[tuple[str, re.Pattern]]]:
    """A run of foreign letters, and each script's letters: compiled on the first text that is not ASCII."""
    run = re.compile(f"{_CHAR}+(?:[\\s\u200c\u200d'’-]*{_CHAR}+)*")
    return run, [(name, re.compile(f"(?!\\d)[{ranges}]")) for name, ranges in SCRIPTS]


def applies(lang: str | None) -> bool:
    return base_code(lang) in LATIN_LANGUAGES


def found(text: str) -> list[str]:
    """Names of the foreign scripts in ``text``, in table order."""
    if text.isascii():
        return []
    run, each = _patterns()
    runs = [m.group() for m in run.finditer(text) if _has_letter(m.group())]
    return [name for name, pattern in each if any(pattern.search(r) for r in runs)]


def drop(text: str) -> tuple[str, list[str]]:
    """``text`` without its foreign-script runs, and the scripts that were dropped."""
    if text.isascii():
        return text, []
    run, _ = _patterns()
    names = found(text) if run.search(text) else []
    return (run.sub(lambda m: " " if _has_letter(m.group()) else m.group(), text), names) if names else (text, [])


def _has_letter(run: str) -> bool:
    return any(c.isalpha() for c in run)
