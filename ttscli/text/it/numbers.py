"""Italian numbers: cardinals, ordinals, decimals and fractions.

Cardinals keep the hundreds and the thousands as separate words, the way they
are read aloud ("155" → "cento cinquantacinque", "3544" → "tremila cinquecento
quarantaquattro"); the tens drop their vowel before "uno" and "otto" ("ventuno",
"trentotto"), and a final "tre" takes its accent ("ventitré"). Before a noun
"uno" is "un" ("un euro", "ventun anni") or "una" ("una sterlina").
"""

from __future__ import annotations

import re
from functools import lru_cache

from num2words import num2words

from ..romance_rules import decimals

_UNITS = ("zero uno due tre quattro cinque sei sette otto nove dieci undici dodici tredici quattordici quindici "
          "sedici diciassette diciotto diciannove").split()
_TENS = ("", "", "venti", "trenta", "quaranta", "cinquanta", "sessanta", "settanta", "ottanta", "novanta")


def _below_100(n: int) -> str:
    if n < 20:
        return _UNITS[n]
    tens, unit = divmod(n, 10)
    word = _TENS[tens]
    if unit in (1, 8):
        word = word[:-1]
    return word + (_UNITS[unit] if unit else "")


def _group(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    head = "" if not hundreds else "cento" if hundreds == 1 else _UNITS[hundreds] + "cento"
    return " ".join(w for w in (head, _below_100(rest) if rest else "") if w)


@lru_cache(maxsize=2048)
def _cardinal(n: int) -> str:
    if n == 0:
        return "zero"
    parts = []
    for size, one, many in ((10**9, "un miliardo", "miliardi"), (10**6, "un milione", "milioni")):
        count, n = divmod(n, size)
        if count:
            parts.append(one if count == 1 else f"{_cardinal(count)} {many}")
    thousands, n = divmod(n, 1000)
    if thousands:
        parts.append("mille" if thousands == 1 else _group(thousands) + "mila")
    if n:
        parts.append(_group(n))
    return " ".join(parts)


@lru_cache(maxsize=4096)
def cardinal(n: int, form: str = "") -> str:
    """``form`` "m": before a masculine noun ("un", "ventun"); "f": feminine ("una")."""
    if n < 0:
        return "meno " + cardinal(-n, form)
    if n >= 10**15:
        return " ".join(_UNITS[int(d)] for d in str(n))
    words = _cardinal(n)
    words = re.sub(r"(\w)tre\b", r"\1tré", words)
    if form == "m":
        return re.sub(r"uno$", "un", words)
    if form == "f":
        return re.sub(r"(?<!\w)uno$", "una", words)
    return words


def ordinal(n: int, form: str = "m") -> str:
    words = num2words(n, lang="it", to="ordinal")
    return re.sub(r"o$", "a", words) if form == "f" else words


def decimal(integer: int, frac: str, form: str = "") -> str:
    return " ".join([cardinal(integer), "virgola"] + decimals(frac, cardinal, "zero")) if frac else cardinal(integer, form)


_FRACTIONS = {2: ("mezzo", "mezzi"), 3: ("terzo", "terzi"), 4: ("quarto", "quarti")}


def fraction(num: int, den: int) -> str:
    if den in _FRACTIONS:
        one, many = _FRACTIONS[den]
    elif 5 <= den <= 1000:
        one = ordinal(den)
        many = one[:-1] + "i"
    else:
        return f"{cardinal(num)} su {cardinal(den)}"
    return f"{'un' if num == 1 else cardinal(num)} {one if num == 1 else many}"
