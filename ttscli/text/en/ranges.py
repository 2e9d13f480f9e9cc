"""Phone numbers and ranges ("20–25", "pp. 20-25", scores "21–17", "$10–20", "1990–1995").

Phone numbers are read digit by digit in their groups, with a short pause
between groups. In ranges the dash becomes "to"; the numbers are left for the
money, unit and number rules, except year ranges, which are read as years here.
"""

from __future__ import annotations

import re

from ..lazy_re import lazy
from . import words
from .numbers import NUM

_GROUPS = lazy(r"\d+")
_EXT = r"(?:,?\s*(?:ext\.?|x|extension)\s?(?P<ext>\d{1,5})(?![\w-]|[.,]\d))?"
NANP = lazy(r"(?=[+(\d])(?<![\w+(.-])(?P<one>\+?1[\s.-]?)?(?:\((?P<area>\d{3})\)\s?|(?P<area2>\d{3})[\s.-])"
                  rf"\d{{3}}[\s.-]\d{{4}}(?![\w-]|[.,]\d){_EXT}")
_TOLL_FREE = {"800", "888", "877", "866", "855", "844", "833"}
LOCAL = lazy(r"(?=\d)(?<![\w.,/-])\d{3}-\d{4}(?![\w-]|[.,]\d)")
INTERNATIONAL = lazy(r"(?=\+)(?<![\w+])\+\d{1,3}(?:[\s.-]\(?\d{1,4}\)?){1,4}[\s.-]\d{2,8}(?![\w-]|[.,]\d)")
_CUR = r"[$€£¥]?"
RANGE = lazy(rf"(?=[$€£¥\d])(?<![\w.,/-])({_CUR}(?:{NUM}))\s?[–—-]\s?({_CUR}(?:{NUM}))(?![\d-]|[.,/:]\d|\s?=)")
# Numbers you dial are read digit by digit: "dial 911", "call 311".
DIALED = lazy(r"(?=[DdCcPpTt])\b((?:dial|call|press|text|phone)\s+)(\d{2,})(?![\w.,]\d|\w)", re.I)
_PHONE_TAIL = lazy(r"\d{3}[\s.-]\d{4}")
_NUMBER_DASH_NUMBER = lazy(r"\d\s?[–—-]\s?[$€£¥]?\d")
_YEARISH = lazy(r"1\d{3}|20\d\d")


def phone(text: str, plus: bool = False) -> str:
    groups = [words.digits(g) for g in _GROUPS.findall(text)]
    return ("plus " if plus else "") + ", ".join(groups)


def _nanp(m: re.Match) -> str:
    """A North American number; toll-free area codes are said "eight hundred"."""
    main = m.group()[:m.start("ext") - m.start()] if m.group("ext") else m.group()
    main = main.rstrip(" ,").removesuffix("ext.").removesuffix("ext").removesuffix("extension").rstrip(" ,x")
    spoken = phone(main, plus=main.startswith("+"))
    area = m.group("area") or m.group("area2")
    if area in _TOLL_FREE:
        spoken = spoken.replace(words.digits(area), words.cardinal(int(area)), 1)
    return spoken + (f", extension {words.digits(m.group('ext'))}" if m.group("ext") else "")


def _range(m: re.Match, british: bool) -> str:
    a, b = m.group(1), m.group(2)
    if _YEARISH.fullmatch(a) and _YEARISH.fullmatch(b):
        return f"{words.year(int(a), british)} to {words.year(int(b), british)}"
    return f"{a} to {b}"


def expand(text: str, british: bool = False) -> str:
    if "+" in text:
        text = INTERNATIONAL.sub(lambda m: phone(m.group(), plus=True), text)
    if _PHONE_TAIL.search(text):
        text = NANP.sub(_nanp, text)
        text = LOCAL.sub(lambda m: phone(m.group()), text)
    text = DIALED.sub(lambda m: m.group(1) + words.digits(m.group(2)), text)
    if _NUMBER_DASH_NUMBER.search(text):
        text = RANGE.sub(lambda m: _range(m, british), text)
    return text
