"""Spanish dates and times.

    "3 de mayo de 2024", "3/5/2024", "3.5.2024", "3-5-2024", "2024-05-03", "mayo 3 2024", "vier. 3 de mayo"
        → "(viernes) tres de mayo de dos mil veinticuatro"; the 1st is "primero"
    "14:30" / "14.30" → "catorce y media", "9:15" → "nueve y cuarto", "7:45" → "ocho menos cuarto",
    "5:02 p.m." → "cinco y dos de la tarde", "3:02:32" → "tres horas dos minutos y treinta y dos segundos"
    "siglo XIX" → "siglo diecinueve", "Felipe II" → "Felipe segundo", "300 a. C." → "trescientos antes de Cristo"
"""

from __future__ import annotations

import re

from ..romance_rules import cased, roman
from .numbers import cardinal, ordinal

MONTHS = ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
          "noviembre", "diciembre")
_MONTH_ABBR = {"ene": 1, "feb": 2, "mar": 3, "abr": 4, "may": 5, "jun": 6, "jul": 7, "ago": 8, "sep": 9,
               "sept": 9, "set": 9, "oct": 10, "nov": 11, "dic": 12}
WEEKDAYS = {"lun": "lunes", "mar": "martes", "miér": "miércoles", "mié": "miércoles", "mier": "miércoles",
            "jue": "jueves", "vier": "viernes", "vie": "viernes", "sáb": "sábado", "sab": "sábado", "dom": "domingo"}
MONTH_STEMS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "set", "oct", "nov", "dic")
CENTURY_WORDS = ("siglo", "año", "tomo", "volumen", "capítulo")
_MONTH = cased(MONTHS) + "|(?:" + cased(_MONTH_ABBR) + r")\."
# "vier. 10 de mayo": an abbreviated weekday before a date is said in full
WEEKDAY_ABBR = re.compile(rf"(?<![\w.])(?P<wd>{cased(WEEKDAYS, upper=True)})\.,?(?=\s+\d)")
NUMERIC = re.compile(r"(?=\d)(?<![\d.,/:-])(?:(?P<d>[0-3]?\d)(?P<s>[/.-])(?P<m>[01]?\d)(?P=s)(?P<y>\d{4}|\d{2})"
                     r"|(?P<y2>\d{4})-(?P<m2>[01]?\d)-(?P<d2>[0-3]?\d))(?![\d/.-]\d)")
NAMED = re.compile(rf"(?=\d)(?<![\w.,])(?P<d>[0-3]?\d)(?:º|°)?\s+(?:de\s+)?(?P<mon>{_MONTH})"
                   rf"(?:\s+(?P<join>de|del)?\s*(?P<y>\d{{4}}))?(?!\w)")
MONTH_FIRST = re.compile(rf"(?<![\w.])(?P<mon>{_MONTH})\s+(?P<d>[0-3]?\d)(?:,?\s+(?P<y>\d{{4}}))?(?![\w\d])")
CENTURY = re.compile(rf"\b(?P<word>{cased('siglo siglos año tomo volumen capítulo'.split())})\s+(?P<r>[IVXLCDM]+|[ivxlcdm]+)\b")
_KINGS = ("Alfonso Carlos Felipe Fernando Enrique Juan Pedro Isabel Luis Jaime Sancho Ramiro Pío Benedicto Gregorio "
          "León Pablo Juana Enriqueta Napoleón Federico Guillermo Jorge Eduardo Ricardo Catalina Clemente Inocencio "
          "Urbano María Leonor Urraca Cristina Victoria").split()
KING_STEMS = tuple({k.lower() for k in _KINGS})
REGNAL = re.compile(rf"\b(?P<name>{cased(_KINGS)})\s+(?P<r>[IVXL]+|[ivxl]+)\b")
_QUEENS = frozenset("isabel juana enriqueta catalina maría leonor urraca cristina victoria".split())
# "el XI apóstol", "la III edición": an upper-case numeral between an article and a word
ARTICLE_ROMAN = re.compile(r"\b(?P<art>el|la|los|las|del)\s+(?P<r>[IVXLC]{1,6})\s+(?=[a-záéíóúñ])")
ERA = re.compile(r"(?<=\d)\s+(?P<e>[aA]\.\s?[cC]\.|[dD]\.\s?[cC]\.|[aA]\.\s?[eE]\.\s?[cC]\.|[eE]\.\s?[cC]\.|ec|EC)(?!\w)")
_ERAS = {"ac": "antes de cristo", "dc": "después de cristo", "aec": "antes de la era común", "ec": "era común"}

_ZONES = cased("est edt pst pdt cst cdt mst mdt gmt utc cet cest bst hst art clt cot pet".split(), upper=True)
# "14:30", "14.30", "14.30 h", "5:02 p.m.", "3:02:32", "01 h", "2 h 30 min"
CLOCK_HINT = re.compile(r"\d[:.]\d|\d\s?h\b|\d\s?[ap]\.?\s?m\b")
CLOCK = re.compile(
    r"(?=\d)(?<![\w.,:])(?:(?P<h>[01]?\d|2[0-4])(?P<sep>[:.])(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?(?!\d|[.,]\d)"
    r"|(?P<hz>0\d)\s?h\b|(?P<hp>1[0-2]|0?[1-9])(?=\s?[ap]\.?\s?m\b)|(?P<hh>[01]?\d|2[0-4])\s?h\s?(?P<mm>[0-5]?\d)\s?m(?:in)?(?![a-z])"
    r"(?:\s?(?P<ss>[0-5]?\d)\s?s(?:eg)?\b)?)"
    r"(?:\s?h\b)?(?:\s?(?P<ampm>[ap])\.?\s?m\b\.?)?"
    rf"(?:\s?(?P<zone>{_ZONES})(?![a-zA-Z])(?:\s?(?P<sign>[+-])(?P<oh>\d{{1,2}})(?::(?P<om>\d\d))?)?)?")


def _day(d: int) -> str:
    return "primero" if d == 1 else cardinal(d)


def say_date(d: int, m: int, y: str | None, join: str = "de") -> str | None:
    if not (1 <= m <= 12 and 1 <= d <= 31):
        return None
    out = f"{_day(d)} de {MONTHS[m - 1]}"
    if y:
        year = int(y) if len(y) == 4 else 2000 + int(y)
        out += f" {join} {cardinal(year)}"
    return out


def _month(name: str) -> int:
    name = name.lower().rstrip(".")
    return MONTHS.index(name) + 1 if name in MONTHS else _MONTH_ABBR[name]


def numeric(m: re.Match) -> str:
    if m.group("y2"):
        spoken = say_date(int(m.group("d2")), int(m.group("m2")), m.group("y2"))
    else:
        spoken = say_date(int(m.group("d")), int(m.group("m")), m.group("y"))
    return spoken or m.group()


def named(m: re.Match) -> str:
    return say_date(int(m.group("d")), _month(m.group("mon")), m.group("y"),
                    (m.groupdict().get("join") or "de").lower()) or m.group()


def century(m: re.Match) -> str:
    n = roman(m.group("r"))
    return f"{m.group('word')} {cardinal(n)}" if n else m.group()


def regnal(m: re.Match) -> str:
    n = roman(m.group("r"))
    if not n:
        return m.group()
    feminine = m.group("name").lower() in _QUEENS
    return f"{m.group('name')} {ordinal(n, 'f' if feminine else 'm') if n <= 10 else cardinal(n)}"


def era(m: re.Match) -> str:
    return " " + _ERAS[re.sub(r"[.\s]", "", m.group("e")).lower()]


def _hour(h: int) -> str:
    return cardinal(h, "f")


def _period(h: int, ampm: str) -> str:
    if ampm == "a":
        return "de la noche" if h == 12 else "de la mañana"
    if h == 12:
        return "del mediodía"
    return "de la tarde" if h < 8 else "de la noche"


def clock(m: re.Match) -> str:
    zone = (m.group("zone") or "").lower()
    if m.group("hz") or m.group("hp"):
        h, minute, sec = int(m.group("hz") or m.group("hp")), 0, None
    elif m.group("hh"):
        h, minute, sec = int(m.group("hh")), int(m.group("mm")), m.group("ss")
    else:
        h, minute = int(m.group("h")), int(m.group("m"))
        sec = m.group("s")
    if h > 24:
        return m.group()
    if sec is not None and int(sec):
        out = f"{cardinal(h, 'f')} {'hora' if h == 1 else 'horas'} {cardinal(minute)} " \
              f"{'minuto' if minute == 1 else 'minutos'} y {cardinal(int(sec))} {'segundo' if sec == '01' else 'segundos'}"
    elif minute == 0:
        out = _hour(h)
    elif minute == 15:
        out = f"{_hour(h)} y cuarto"
    elif minute == 30:
        out = f"{_hour(h)} y media"
    elif minute == 45 and 1 <= h <= 12:
        out = f"{_hour(h % 12 + 1)} menos cuarto"
    else:
        out = f"{_hour(h)} y {cardinal(minute)}"
    if m.group("ampm"):
        out += " " + _period(h, m.group("ampm").lower())
    if zone:
        out += " " + " ".join(zone)
        if m.group("sign"):
            oh = int(m.group("oh"))
            out += (" más " if m.group("sign") == "+" else " menos ") + (
                f"{cardinal(oh, 'f')} {cardinal(int(m.group('om')))}" if m.group("om") else cardinal(oh))
    return out


def article_roman(m: re.Match) -> str:
    n = roman(m.group("r"))
    if not n or n > 99:
        return m.group()
    return f"{m.group('art')} {ordinal(n, 'f' if m.group('art').lower() in ('la', 'las') else 'm')} "
