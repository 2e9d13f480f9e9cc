"""Spanish numbers: cardinals with gender, ordinals, decimals and fractions.

    cardinal(21) "veintiuno", cardinal(21, "m") "veintiún" (before a masculine noun),
    cardinal(21, "f") "veintiuna", cardinal(200, "f") "doscientas";
    ordinal(3) "tercero", ordinal(3, "f") "tercera", ordinal(3, short=True) "tercer",
    ordinal(23) "vigesimotercero", ordinal(42) "cuadragésimo segundo";
    decimal("3,25") "tres coma veinticinco"; fraction(3, 4) "tres cuartos", fraction(1, 12) "un doceavo".
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from num2words import num2words

from ..romance_rules import decimals

_SCALES = re.compile(r"\b(?:millón|millones|billón|billones|trillón|trillones)\b")


_UNO_BEFORE_SCALE = re.compile(r"\b(veinti)?uno (?=mil\b|mill|bill|trill)")


@lru_cache(maxsize=2048)
def _plain(n: int) -> str:
    words = num2words(n, lang="es")
    # "tres mil uno millones" → "tres mil un millones"; "veintiuno mil" → "veintiún mil"
    return _UNO_BEFORE_SCALE.sub(lambda m: "veintiún " if m.group(1) else "un ", words)


_ONE = re.compile(r"\b(veinti)?(?:uno|ún|un)\b")
_HUNDREDS_M = re.compile(r"ientos\b")


@lru_cache(maxsize=4096)
def cardinal(n: int, form: str = "") -> str:
    """``form``: "" standalone, "m" before a masculine noun (un, veintiún), "f" feminine (una, doscientas)."""
    words = _plain(n) if n >= 0 else "menos " + _plain(-n)
    if form == "m":
        if words.endswith("uno"):
            return words[:-3] + ("ún" if words.endswith("veintiuno") else "un")
        return words
    if form == "f":
        scales = list(_SCALES.finditer(words))
        head, tail = (words[:scales[-1].end()], words[scales[-1].end():]) if scales else ("", words)
        tail = _ONE.sub(lambda m: (m.group(1) or "") + "una", tail)
        return head + _HUNDREDS_M.sub("ientas", tail)
    return words


_UNITS = ("", "primero", "segundo", "tercero", "cuarto", "quinto", "sexto", "séptimo", "octavo", "noveno")
_TENS = ("", "décimo", "vigésimo", "trigésimo", "cuadragésimo", "quincuagésimo", "sexagésimo", "septuagésimo",
         "octogésimo", "nonagésimo")
_HUNDREDS = ("", "centésimo", "ducentésimo", "tricentésimo", "cuadringentésimo", "quingentésimo", "sexcentésimo",
             "septingentésimo", "octingentésimo", "noningentésimo")


def _joined(prefix: str, unit: str) -> str:
    """decimo + octavo → decimoctavo; vigesimo + primero → vigesimoprimero."""
    return prefix[:-1] + unit if unit.startswith("o") else prefix + unit


def _below_100(n: int, short: bool) -> list[str]:
    tens, unit = divmod(n, 10)
    if n == 11 and not short:
        return ["undécimo"]
    if n == 12:
        return ["duodécimo"]
    if tens in (1, 2) and unit:
        return [_joined("decimo" if tens == 1 else "vigesimo", _UNITS[unit])]
    return [w for w in (_TENS[tens], _UNITS[unit]) if w]


def _compound(n: int) -> str:
    """2 → "dos", 100 → "cien", 1200 → "mildoscientos": the cardinal written as one word."""
    return "" if n == 1 else _plain(n).replace(" ", "")


def ordinal(n: int, form: str = "m", short: bool = False) -> str:
    """An ordinal; ``form`` "f" is feminine; ``short``: "primer", "tercer" (written 1.er, 3er)."""
    if n <= 0:
        return cardinal(n)
    words: list[str] = []
    millions, rest = divmod(n, 1_000_000)
    if millions:
        words.append(_compound(millions) + "millonésimo")
    thousands, rest = divmod(rest, 1000)
    if thousands:
        words.append(_compound(thousands) + "milésimo")
    hundreds, rest = divmod(rest, 100)
    if hundreds:
        words.append(_HUNDREDS[hundreds])
    if rest:
        words += _below_100(rest, short)
    out = " ".join(words)
    if form == "f":
        return re.sub(r"o\b", "a", out)
    if short:
        out = re.sub(r"(primer|tercer)o$", r"\1", out)
    return out


def _avo(n: int) -> str:
    """The "-avo" fraction word: 12 → doceavo, 21 → veintiunavo, 30 → treintavo, 31 → treintaiunavo."""
    word = _plain(n).replace(" y ", "i").replace(" ", "")
    word = "".join(c for c in unicodedata.normalize("NFD", word) if unicodedata.category(c) != "Mn")
    if word.endswith("uno"):
        word = word[:-1]
    elif word.endswith("a"):
        word = word[:-1]
    return word + "avo"


_SMALL = {2: "medio", 3: "tercio", 4: "cuarto", 10: "décimo"}


def denominator(den: int) -> str | None:
    """The singular word for 1/den, None when Spanish says "uno sobre den"."""
    if den in _SMALL:
        return _SMALL[den]
    if 5 <= den <= 9:
        return _UNITS[den]
    if 11 <= den <= 99:
        return _avo(den)
    if den % 1_000_000 == 0:
        return _compound(den // 1_000_000) + "millonésimo"
    if den % 1000 == 0 and den < 1_000_000:
        return _compound(den // 1000) + "milésimo"
    if den % 100 == 0 and den < 1000:
        return _HUNDREDS[den // 100]
    return None


def fraction(num: int, den: int, form: str = "") -> str:
    word = denominator(den) if den > 1 else None
    if word is None:
        return f"{cardinal(num)} sobre {cardinal(den)}"
    if form == "f" and den == 2:
        word = "media"
    return f"{cardinal(num, 'f' if form == 'f' else 'm')} {word}{'s' if num != 1 else ''}"


def decimal(integer: int, frac: str, form: str = "", last_form: str | None = None) -> str:
    """"3,25" read with "coma"; ``form`` agrees every part with a noun, ``last_form`` only the last."""
    parts = [cardinal(integer, form)] + ["coma"] + decimals(frac, lambda n: cardinal(n, form), "cero")
    if last_form and len(parts) > 2 and parts[-1] != "cero":
        parts[-1] = re.sub(r"(?:veinti)?uno$", lambda m: m.group()[:-1] if last_form == "m" else m.group()[:-1] + "a",
                           parts[-1])
    return " ".join(parts)
