"""Plain numbers: ordinals, decades, years, fractions, negatives, decimals, digits in words.

These run after the rules that need a number's context (money, units, dates,
times, ranges, phone numbers), so whatever digits remain are read here.
"""

from __future__ import annotations

import re

from . import words

NUM = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
ORDINAL = re.compile(r"(?=\d)(?<![\w.])(\d{1,3}(?:,\d{3})+|\d+)(st|nd|rd|th|ST|ND|RD|TH)(?![A-Za-z])")
DECADE_FULL = re.compile(r"(?=\d)(?<![\w.,])(\d{2,3}0)(?:'?s)(?![A-Za-z])")
DECADE_SHORT = re.compile(r"(?=['’1-9])(?:(?<=\s)|^|(?<=\())['’]?([1-9]0)'?s(?![A-Za-z])")
# "in '85", "the class of ’09": a two-digit year.
YEAR_SHORT = re.compile(r"(?:(?<=\s)|^|(?<=\())['’](\d\d)(?![\w'’])")
_YEAR_CUES = (
    "in|since|by|from|until|till|to|and|or|of|year|years|circa|c\\.|ca\\.|around|before|after|during|early|late|mid|"
    "spring|summer|autumn|fall|winter|between|through|born|died|January|February|March|April|May|June|July|"
    "August|September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec"
)
_CUE_BEFORE = re.compile(rf"\b(?:{_YEAR_CUES})[ ,-]+$", re.I)
YEAR4 = re.compile(r"(?=\d)(?<![\w.,$€£¥])(\d{4})(?![\d,.]\d|\w)")
YEAR_ERA = re.compile(r"(?=\d)(?<![\w.,])(\d{1,4})\s?(AD|BC|BCE|CE|A\.D\.|B\.C\.|B\.C\.E\.|C\.E\.)(?![\w])")
FRACTION = re.compile(r"(?=\d)(?<![\w./])(\d{1,2})/(\d{1,2})(?![\w/]|\.\d)")
VULGAR = {"½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5), "⅖": (2, 5),
          "⅗": (3, 5), "⅘": (4, 5), "⅙": (1, 6), "⅚": (5, 6), "⅛": (1, 8), "⅜": (3, 8), "⅝": (5, 8), "⅞": (7, 8)}
VULGAR_RE = re.compile(r"(?:(\d+)\s?)?([" + "".join(VULGAR) + "])")
_VULGAR_CHAR = re.compile("[" + "".join(VULGAR) + "]")
LETTER_DASH_DIGIT = re.compile(r"-(?<=[^\W\d_]-)(?=\d)")
SIGNED = re.compile(r"(?=[-−])(?:(?<=^)|(?<=[\s(\[/=<>~]))[-−](?=\d)")
NUMBER = re.compile(rf"(?:{NUM}|\.\d+)")
_ORDINAL_HINT = re.compile(r"\d(?:st|nd|rd|th|ST|ND|RD|TH)")
_DECADE_HINT = re.compile(r"0'?s")
_ERA_HINT = re.compile(r"(?=[ABC])(?:AD|BC|CE|A\.D|B\.C|C\.E)")
_FOUR_DIGITS = re.compile(r"\d{4}")
_ERA = {"ad": "A D", "a.d.": "A D", "bc": "B C", "b.c.": "B C", "bce": "B C E", "b.c.e.": "B C E",
        "ce": "C E", "c.e.": "C E"}
_DENOMINATORS = {2: ("half", "halves"), 4: ("quarter", "quarters")}


def fraction_words(num: int, den: int, british: bool = False) -> str:
    single, many = _DENOMINATORS.get(den) or (words.ordinal(den), words.ordinal(den) + "s")
    return f"{words.cardinal(num, british)} {single if num == 1 else many}"


def _fraction(m: re.Match, british: bool) -> str:
    num, den = int(m.group(1)), int(m.group(2))
    if 0 < num < den <= 10:
        return fraction_words(num, den, british)
    return f"{words.cardinal(num, british)} {words.cardinal(den, british)}"


def _vulgar(m: re.Match, british: bool) -> str:
    num, den = VULGAR[m.group(2)]
    frac = fraction_words(num, den, british)
    if m.group(1):
        return f"{words.number(m.group(1), british)} and {frac}"
    return frac


def _decade(n: int, british: bool) -> str:
    return words.plural(words.year(n, british) if n >= 1000 else words.cardinal(n, british))


def _short_year(digits: str, british: bool) -> str:
    n = int(digits)
    return words.cardinal(n, british) if n >= 10 else "oh " + words.cardinal(n, british)


def _year(m: re.Match, british: bool) -> str:
    """1100-1999 always read as years; 1000-2099 after a cue ("in 2024", "since 2010")."""
    n = int(m.group(1))
    if 1100 <= n <= 1999 or (1000 <= n <= 2099 and _CUE_BEFORE.search(m.string, max(0, m.start() - 16), m.start())):
        return words.year(n, british)
    return m.group()


def expand(text: str, british: bool = False) -> str:
    """Every remaining digit becomes words; call after the contextual rules.

    Number words are padded with spaces, so digits inside words come apart
    ("MP3" → "MP three"); the caller tidies the spacing."""
    if "/" in text:
        text = FRACTION.sub(lambda m: _fraction(m, british), text)
    if _VULGAR_CHAR.search(text):
        text = VULGAR_RE.sub(lambda m: _vulgar(m, british), text)
    if _ORDINAL_HINT.search(text):
        text = ORDINAL.sub(lambda m: " " + words.ordinal(int(m.group(1).replace(",", "")), british) + " ", text)
    if "'" in text or "’" in text:
        text = YEAR_SHORT.sub(lambda m: _short_year(m.group(1), british), text)
    if _DECADE_HINT.search(text):
        text = DECADE_FULL.sub(lambda m: _decade(int(m.group(1)), british), text)
        text = DECADE_SHORT.sub(lambda m: _decade(int(m.group(1)), british), text)
    if _ERA_HINT.search(text):
        text = YEAR_ERA.sub(lambda m: f"{words.year(int(m.group(1)), british)} {_ERA[m.group(2).lower()]}", text)
    if _FOUR_DIGITS.search(text):
        text = YEAR4.sub(lambda m: _year(m, british), text)
    if "-" in text or "−" in text:
        text = SIGNED.sub("minus ", text)
        text = LETTER_DASH_DIGIT.sub(" ", text)  # COVID-19, F-16
    return NUMBER.sub(lambda m: " " + words.number(m.group(), british) + " ", text)
