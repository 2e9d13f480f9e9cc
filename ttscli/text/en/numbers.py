"""Plain numbers: ordinals, years, negatives, decimals, digits in words.

These run after the rules that need a number's context (money, units, dates,
times, ranges, phone numbers), so whatever digits remain are read here.
"""

from __future__ import annotations

import re

from ..lazy_re import lazy
from . import words

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
ORDINAL = lazy(r"(?=\d)(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(st|nd|rd|th|ST|ND|RD|TH)(?![A-Za-z])")
# "in '85", "the class of ’09": a two-digit year.
YEAR_SHORT = lazy(r"(?:(?<=\s)|^|(?<=\())['’](\d\d)(?![\w'’])")
_YEAR_CUES = (
    "in|since|by|from|until|till|to|and|or|of|year|years|circa|c\\.|ca\\.|around|before|after|during|early|late|mid|"
    "spring|summer|autumn|fall|winter|between|through|born|died|January|February|March|April|May|June|July|"
    "August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_CUE_BEFORE = lazy(rf"\b(?:{_YEAR_CUES})[ ,-]+$", re.IGNORECASE)
# Cues that also join counts ("500 cars and 1066 votes", "by 1500 votes"): a year only without a
# plural noun after.
_THE_BEFORE = lazy(r"\bthe\s+$", re.IGNORECASE)
_WEAK_CUE_BEFORE = lazy(r"\b(?:and|or|to|of|by|around|between|through)[ ,-]+$", re.IGNORECASE)
# "2012 was a good year", "2019 saw ...": a verb after the number makes it a year.
_CUE_AFTER = lazy(r"\s+(?:was|is|will|were|saw|had|has|brought|began|ended|marked|became|proved)\b")
# "1234 people", "1850 troops": a count before a plural noun is a cardinal, not a year (without a
# cue before). A plural: a lower-case word ending in -s (not -ss, -us, -is, nor a verb of the list)
# or an irregular plural.
_PLURAL_AFTER = lazy(
    r"\s+(?!(?:was|has|does|goes|sees|marks|remains|seems|begins|ends|brings|makes|gets|keeps|comes|"
    r"becomes|proves|shows|looks)\b)(?:[a-z]+[a-rt-z]s|people|men|women|children|feet|teeth|mice|geese|police|"
    r"cattle|staff|sheep)\b")
YEAR4 = lazy(r"(?=\d)(?<![\w.,$€£¥])(\d{4})(?![\d,.]\d|\w)")
LETTER_DASH_DIGIT = lazy(r"-(?<=[^\W\d_]-)(?=\d)")
# "a 5-star hotel", "a 10-year-old": the number joins the word with its hyphen.
NUMBER_DASH_WORD = lazy(r"(?=\d)(?<![\w.,-])(\d+)-(?=[A-Za-z])")
# "1-2=5", "2*8": arithmetic.
MINUS_BEFORE_EQUALS = lazy(r"(?<=\d)\s?-\s?(?=\d[\d.]*\s?=)")
TIMES_SIGN = lazy(r"(?<=\d)\s?[*∗∙⋅]\s?(?=\d)")
SIGNED = lazy(r"(?=[-−])(?:(?<=^)|(?<=[\s(\[/=<>~]))[-−](?=\d)")
NUMBER = lazy(rf"(?:{NUM}|\.\d+)")
_ORDINAL_HINT = lazy(r"\d(?:st|nd|rd|th|ST|ND|RD|TH)")
_FOUR_DIGITS = lazy(r"\d{4}")


def _short_year(digits: str, british: bool) -> str:
    n = int(digits)
    return words.cardinal(n, british) if n >= 10 else "oh " + words.cardinal(n, british)


def _year(m: re.Match, british: bool) -> str:
    """A bare four-digit number before a plural noun is a count ("1234 people": a cardinal) unless
    a year cue other than and/or/to/of/by... comes before ("in 1850 troops") or, for 1100-1999,
    "the" ("the 1999 elections"). Otherwise it is a year
    ("twelve thirty-four"): 1100-1999 always, 1000-2099 after a cue ("in 2024", "since 2010"),
    before a verb ("2012 was") or alone."""
    n = int(m.group(1))
    text = m.string
    before = max(0, m.start() - 16)
    if _PLURAL_AFTER.match(text, m.end()):
        strong = _CUE_BEFORE.search(text, before, m.start()) and not _WEAK_CUE_BEFORE.search(text, before, m.start())
        attributive = 1100 <= n <= 1999 and _THE_BEFORE.search(text, before, m.start())  # "the 1999 elections"
        return words.year(n, british) if (strong and 1000 <= n <= 2099) or attributive else m.group()
    if 1100 <= n <= 1999 or (1000 <= n <= 2099 and (
            _CUE_BEFORE.search(text, before, m.start()) or _CUE_AFTER.match(text, m.end())
            or text.strip(" .,;:!?()") == m.group())):
        return words.year(n, british)
    return m.group()


def expand(text: str, british: bool = False) -> str:
    """Every remaining digit becomes words; call after the contextual rules.

    Number words are padded with spaces, so digits inside words come apart
    ("MP3" → "MP three"); the caller tidies the spacing."""
    if _ORDINAL_HINT.search(text):
        text = ORDINAL.sub(lambda m: " " + words.ordinal(int(m.group(1).replace(",", "")), british) + " ", text)
    if "'" in text or "’" in text:
        text = YEAR_SHORT.sub(lambda m: _short_year(m.group(1), british), text)
    if _FOUR_DIGITS.search(text):
        text = YEAR4.sub(lambda m: _year(m, british), text)
    if "=" in text and "-" in text:
        text = MINUS_BEFORE_EQUALS.sub(" minus ", text)
    if "*" in text or "∗" in text or "∙" in text or "⋅" in text:
        text = TIMES_SIGN.sub(" times ", text)
    if "-" in text or "−" in text:
        text = NUMBER_DASH_WORD.sub(lambda m: " " + words.number(m.group(1), british) + "-", text)
        text = SIGNED.sub("minus ", text)
        text = LETTER_DASH_DIGIT.sub(" ", text)  # COVID-19, F-16
    return NUMBER.sub(lambda m: " " + words.number(m.group(), british) + " ", text)
