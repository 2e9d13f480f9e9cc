"""Percentages, units of measure, rates and dimensions: "45%", "5 km", "12KG", "25°C", "60 km/h",
"3 mg/kg", "$20/mo", "40 m²", "7.2-millimeter", "2x4", "25 x 7 m", "4x"."""

from __future__ import annotations

import re

from ..lazy_re import lazy
from . import money, units, words
from .context import stop
from .numbers import NUM

PERCENT = lazy(rf"(?=[-−\d.])(?P<neg>(?:(?<=^)|(?<=[\s(]))[-−])?(?P<num>{NUM}|\.\d+)\s?(?P<sym>%|‰)")
_SCALE_WORDS = r"(?:(?P<scale>thousand|million|billion|trillion)\s)?"
# After the number: an optional scale word, an optional space or hyphen, and a unit (looked up in units).
UNIT = lazy(rf"(?=[-−\d])(?P<neg>(?:(?<=^)|(?<=[\s(~]))[-−])?(?<![\w.,])(?P<num>{NUM})(?P<sp>\s?|-)"
                  rf"{_SCALE_WORDS}"
                  r"(?P<unit>(?:sq ft|[A-Za-z°℃℉µ][A-Za-z/°²³]*?[23²³]?|°[CF]?))(?P<dot>(?<=[\d\s]in)\.|\.(?=\s+[a-z]))?(?=[^\w/°²³]|$)")
# "12/kg": a number per unit.
PER_UNIT = lazy(rf"(?<![\w.,/])(?P<num>{NUM})/(?P<unit>[A-Za-z°µ][A-Za-z°²³]*)(?![\w/])")
PERCENT_RANGE = lazy(rf"(?<![\w.,])({NUM})\s?%\s?[-–—]\s?(?=(?:{NUM})\s?%)")
# "5 ft 10 in": "in" is a unit only right after feet (alone it is the preposition).
FEET_INCHES = lazy(r"(?<![\w.])(\d+)\s?(?:ft\.?|')\s?(\d{1,2})\s?(?:in\b\.?|\"|″)")
INCHES = lazy(rf"(?<![\w.])(?P<num>{NUM})(?:\"|″)(?!\w)")
# "2x4", "25 x 7 m", "1920×1080": dimensions; "3x faster", "2.5× zoom": a multiplier.
BY = lazy(rf"(?<![\w.])({NUM})\s?[x×]\s?(?=\d)(?:(\d{{4,}})(?![\w.,]))?")
TIMES = lazy(r"(?<![\w.])(\d+(?:\.\d+)?)[x×](?![\w])")
_MONEY_WORD = r"(?:dollars?|cents?|euros?|pounds?|pence|penny|yen|won|rupees?|francs?|yuan)"
RATE = lazy(rf"\b(?P<money>{_MONEY_WORD})\s?/\s?(?P<unit>[A-Za-z]+)\b")
_PER_WORDS = {"mo": "month", "wk": "week", "hr": "hour", "yr": "year", "h": "hour", "d": "day", "ea": "each"}
# "72°F/22°C": two readings of one temperature.
TEMPERATURE_PAIR = lazy(r"(?<=\d)\s?(°[CF])\s?/\s?(?=-?\d+(?:\.\d+)?\s?°[CF])")
_FEET_HINT = lazy(r"\d\s?(?:ft|')")
_X_HINT = lazy(r"\d\s?[x×]")
_SPACED = {"s", "K", "A", "B", "N", "J", "d", "t"}  # units only with a space before them
_HYPHEN_WORDS = {single for single, _ in units.UNITS.values()}


def _is_one(num: str) -> bool:
    return num.replace(",", "") == "1"


def _unit(m: re.Match, british: bool) -> str:
    unit, num, sp = m.group("unit"), m.group("num"), m.group("sp")
    scale = m.group("scale")
    neg = "minus " if m.group("neg") else ""
    if sp == "-":  # "a 4-kilogram bag", "7.2-millimeter": an adjective, the unit written out
        if unit in _HYPHEN_WORDS or unit.rstrip("s") in _HYPHEN_WORDS:
            return f"{neg}{words.number(num, british)}{' ' if '.' in num else '-'}{unit}"
        return m.group()
    spoken = units.lookup(unit)
    if spoken is None or (unit in _SPACED and not sp) or (unit == "in" and not m.group("dot")):
        return m.group()  # "5s" is more often a plural ("high 5s") than seconds, "4K" a resolution
    single, plural = spoken
    amount = words.number(num, british) + (f" {scale}" if scale else "")
    dot = stop(m) if m.group("dot") else ""
    return f"{neg}{amount} {single if _is_one(num) and not scale else plural}{dot}"


def _per_unit(m: re.Match, british: bool = False) -> str:
    spoken = units.lookup(m.group("unit"))
    if spoken is None:
        return m.group()
    return f"{words.number(m.group('num'), british)} per {spoken[0]}"


def _feet_inches(m: re.Match, british: bool) -> str:
    feet, inches = int(m.group(1)), int(m.group(2))
    return (f"{words.cardinal(feet, british)} {'foot' if feet == 1 else 'feet'} "
            f"{words.cardinal(inches, british)} {'inch' if inches == 1 else 'inches'}")


def _per(m: re.Match) -> str:
    unit = m.group("unit")
    spoken = _PER_WORDS.get(unit) or (units.lookup(unit) or (unit,))[0]
    return f"{m.group('money')} per {spoken}"


def expand(text: str, british: bool = False) -> str:
    if ("ft" in text or "'" in text) and _FEET_HINT.search(text):
        text = FEET_INCHES.sub(lambda m: _feet_inches(m, british), text)
    if '"' in text or "″" in text:
        text = INCHES.sub(lambda m: f"{words.number(m.group('num'), british)} "
                                    f"{'inch' if _is_one(m.group('num')) else 'inches'}", text)
    if ("x" in text or "×" in text) and _X_HINT.search(text):
        text = BY.sub(lambda m: words.number(m.group(1), british) + " by "
                      + (words.number(m.group(2), british) if m.group(2) else ""), text)
        text = TIMES.sub(lambda m: words.number(m.group(1), british) + " times", text)
    text = money.expand(text, british)
    if "/" in text:
        text = RATE.sub(_per, text)
        text = PER_UNIT.sub(_per_unit, text)
    if "%" in text or "‰" in text:
        text = PERCENT_RANGE.sub(lambda m: f"{m.group(1)}% to ", text)
        text = PERCENT.sub(lambda m: ("minus " if m.group("neg") else "") + words.number(m.group("num"), british)
                           + (" percent" if m.group("sym") == "%" else " per mille"), text)
    if "°" in text and "/" in text:
        text = TEMPERATURE_PAIR.sub(r" \1 or ", text)
    return UNIT.sub(lambda m: _unit(m, british), text)
