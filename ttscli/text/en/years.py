"""Years in their written shapes: decades ("the '80s", "1960s–70s", "mid-90s"), quarters ("Q3 2024",
"3Q24"), eras ("44 BC", "A.D. 800") and year ranges ("1990-1995", "1970-85").

Runs before the range and number rules, which would read these as plain numbers.
"""

from __future__ import annotations

import re

from ..lazy_re import lazy
from . import words
from .context import article, stop

DECADE_FULL = lazy(r"(?=\d)(?<![\w.,])(\d{2,3}0)(?:'?s)(?![A-Za-z])")
DECADE_SHORT = lazy(r"(?=['’1-9])(?:(?<=\s)|^|(?<=\())['’]?([1-9]0)'?s(?![A-Za-z])")
DECADE_RANGE = lazy(r"(?=\d)(?<![\w.,])(\d{2,3}0)'?s\s?[–—-]\s?['’]?(\d{1,3}0)'?s(?![A-Za-z])")
# "mid-90s", "late-1980s", "pre-2000": the prefix is a word of its own.
PREFIX = lazy(r"\b(mid|early|late|pre|post)-(?=['’]?\d)", re.IGNORECASE)
YEAR_RANGE = lazy(r"(?=\d)(?<![\w.,/$€£¥-])(1\d{3}|20\d\d)\s?[–—-]\s?(\d{4}|\d\d)(?![\w-]|[.,:/]\d)")
QUARTER = lazy(r"(?=[Q1-4])(?<![\w-])(?:Q([1-4])(?:\s+|\s?['’])?(\d{4}|\d\d)?|([1-4])Q\s?['’]?(\d{4}|\d\d))(?![\w-])")
FISCAL = lazy(r"\b(FY|CY)\s?['’]?(\d{4}|\d\d)(?![\w])")
_QUARTER_CUE = lazy(r"\b(?:in|for|during|of|by|from|since|until|through|to|and)\s+$", re.IGNORECASE)
_ERA_WORDS = {"ad": "AD", "a.d.": "AD", "a.d": "AD", "bc": "BC", "b.c.": "BC", "b.c": "BC", "bce": "BCE",
              "b.c.e.": "BCE", "ce": "CE", "c.e.": "CE"}
_ERA = r"(?P<era>AD|BC|BCE|CE|A\.D\.?|B\.C\.?|B\.C\.E\.|C\.E\.)"
YEAR_ERA = lazy(rf"(?=\d)(?<![\w.,])(?P<n>\d{{1,4}})\s?{_ERA}(?![\w])")
ERA_YEAR = lazy(r"(?<![\w.])(?P<era>AD|A\.D\.)\s(?P<n>\d{1,4})(?![\w,.]\d|\w)")
_ERA_HINT = lazy(r"(?=[ABC])(?:AD|BC|CE|A\.D|B\.C|C\.E)")


def decade(n: int, british: bool = False) -> str:
    return words.plural(words.year(n, british) if n >= 1000 else words.cardinal(n, british))


def era_year(n: int, british: bool = False) -> str:
    """Years before 1000 with an era are read in pairs too: 450 → four fifty, 300 → three hundred."""
    if 100 <= n < 1000 and n % 100:
        rest = n % 100
        return f"{words.cardinal(n // 100, british)} {'oh ' if rest < 10 else ''}{words.cardinal(rest, british)}"
    return words.year(n, british)


def _two_digit_year(text: str, british: bool) -> str:
    return words.year(2000 + int(text), british) if len(text) == 2 else words.year(int(text), british)


def _quarter(m: re.Match, british: bool) -> str:
    q = int(m.group(1) or m.group(3))
    year = m.group(2) or m.group(4)
    name = words.ordinal(q, british) + " quarter"
    if year is None:  # "Q3" alone: "the Q3 results", "in Q3"
        if article(m) == "":
            return name
        if _QUARTER_CUE.search(m.string, max(0, m.start() - 12), m.start()):
            return "the " + name
        return m.group()
    return f"{article(m)}{name} of {_two_digit_year(year, british)}"


def _era(m: re.Match, british: bool) -> str:
    era = m.group("era")
    return f"{era_year(int(m.group('n')), british)} {_ERA_WORDS[era.lower()]}" + (stop(m) if era.endswith(".") else "")


def _year_range(m: re.Match, british: bool) -> str:
    a, b = m.group(1), m.group(2)
    first = int(a)
    if len(b) == 2:
        if int(b) <= first % 100:
            return m.group()
        return f"{words.year(first, british)} to {words.cardinal(int(b), british)}"
    if not (1000 <= int(b) <= 2099) or int(b) <= first:
        return m.group()
    return f"{words.year(first, british)} to {words.year(int(b), british)}"


def expand(text: str, british: bool = False) -> str:
    if "-" in text:
        text = PREFIX.sub(lambda m: m.group(1) + " ", text)
    if "Y" in text:
        text = FISCAL.sub(lambda m: f"{m.group(1)} {_two_digit_year(m.group(2), british)}", text)
    if "Q" in text:
        text = QUARTER.sub(lambda m: _quarter(m, british), text)
    if _ERA_HINT.search(text):
        text = YEAR_ERA.sub(lambda m: _era(m, british), text)
        text = ERA_YEAR.sub(lambda m: f"{_ERA_WORDS[m.group('era').lower()]} {era_year(int(m.group('n')), british)}",
                            text)
    if "0s" in text or "0's" in text:
        text = DECADE_RANGE.sub(lambda m: f"{decade(int(m.group(1)), british)} to "
                                          f"{decade(int(m.group(2)), british)}", text)
        text = DECADE_FULL.sub(lambda m: decade(int(m.group(1)), british), text)
        text = DECADE_SHORT.sub(lambda m: decade(int(m.group(1)), british), text)
    if "-" in text or "–" in text or "—" in text:
        text = YEAR_RANGE.sub(lambda m: _year_range(m, british), text)
    return text
