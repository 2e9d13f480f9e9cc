"""Fractions and mixed numbers: "1/2", "2/3 of", "3 3/4 cups", "4 1/2 lbs", "7/16 in", "31/32", "1/4th", "1½".

A fraction below one reads its denominator as an ordinal ("five eighths",
"thirty-one thirty-seconds"); halves and quarters are named. A whole number
before it joins with "and" ("four and a half"). A unit after a fraction takes
"of a" below one ("seven sixteenths of an inch") and the plural after a mixed
number ("four and a half pounds"). Runs after the dates (which take "on 7/4").
"""

from __future__ import annotations

import re

from ..lazy_re import lazy
from . import units, words

_VULGAR = {"½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅕": (1, 5), "⅖": (2, 5),
           "⅗": (3, 5), "⅘": (4, 5), "⅙": (1, 6), "⅚": (5, 6), "⅛": (1, 8), "⅜": (3, 8), "⅝": (5, 8), "⅞": (7, 8)}
VULGAR_CHARS = "".join(_VULGAR)
_UNIT_AFTER = r"(?:\s?(?P<unit>[A-Za-zµ°][A-Za-z/²³23]*)(?P<dot>\.)?(?![\w]))?"
FRACTION = lazy(rf"(?=\d)(?<![\w./,-])(?:(?P<whole>\d+)(?:\s+|-(?=\d+/)))?(?P<num>\d{{1,3}})/(?P<den>\d{{1,3}})"
                      rf"(?P<th>th|rd|nd)?(?![\w/]|[.,]\d){_UNIT_AFTER}")
VULGAR = lazy(rf"(?:(?<![\w.,])(?P<whole>\d+)\s?)?(?P<char>[{VULGAR_CHARS}]){_UNIT_AFTER}")
_VULGAR_HINT = lazy(f"[{VULGAR_CHARS}]")
_NAMED = {2: ("half", "halves"), 4: ("quarter", "quarters")}
_AS_IS = {"9/11", "24/7", "50/50", "20/20", "7/11"}


def fraction_words(num: int, den: int, british: bool = False, fourth: bool = False) -> str:
    named = None if fourth else _NAMED.get(den)
    ordinal = words.ordinal(den, british)
    if ordinal.startswith("one ") and den in (100, 1000):
        ordinal = ordinal[4:]  # three hundredths
    single, many = named or (ordinal, ordinal + "s")
    return f"{words.cardinal(num, british)} {single if num == 1 else many}"


def _after_whole(num: int, den: int, british: bool) -> str:
    """'and a half', 'and a quarter', 'and three quarters'."""
    if num == 1 and den in _NAMED:
        return "a " + _NAMED[den][0]
    return fraction_words(num, den, british)


def _unit(m: re.Match, below_one: bool, rest: str) -> str | None:
    unit = m.group("unit")
    if unit is None:
        return rest
    spoken = units.lookup(unit) if unit != "in" or m.group("dot") or _ends(m) else None
    if spoken is None:
        return None
    if below_one:
        single = spoken[0]
        return f"{rest} of {'an' if single[0] in 'aeiou' else 'a'} {single}"
    return f"{rest} {spoken[1]}"


def _ends(m: re.Match) -> bool:
    return not m.string[m.end():].strip(" .,;:!?)")


def _spoken(m: re.Match, whole: str | None, num: int, den: int, british: bool) -> str:
    unit = m.group("unit")
    if whole:
        text = f"{words.number(whole, british)} and {_after_whole(num, den, british)}"
    else:
        text = fraction_words(num, den, british, fourth=bool(m.groupdict().get("th")))
    out = _unit(m, not whole, text)
    if out is None:  # not a unit: the word stays as written
        return f"{text} {unit}{m.group('dot') or ''}"
    return out + (m.group("dot") if m.group("dot") and unit and _ends(m) and out != text else "")


def _fraction(m: re.Match, british: bool) -> str:
    num, den = int(m.group("num")), int(m.group("den"))
    if not 0 < num < den or m.group("num") + "/" + m.group("den") in _AS_IS:
        if m.group("whole") or m.group("th"):
            return m.group()
        return m.group()  # 24/7, 5/3: left for the number rules ("twenty-four seven")
    return _spoken(m, m.group("whole"), num, den, british)


def _vulgar(m: re.Match, british: bool) -> str:
    num, den = _VULGAR[m.group("char")]
    return _spoken(m, m.group("whole"), num, den, british)


def expand(text: str, british: bool = False) -> str:
    if "/" in text:
        text = FRACTION.sub(lambda m: _fraction(m, british), text)
    if _VULGAR_HINT.search(text):
        text = VULGAR.sub(lambda m: _vulgar(m, british), text)
    return text
