"""French dates, times, money, units, fractions and decimals.

    "le 1er mai 2024" → "le premier mai deux mille vingt-quatre", "02.03.2003" → "deux mars deux mille trois",
    "les 17/18 juin" → "les dix-sept dix-huit juin", "14h30" → "quatorze heures trente",
    "2,50 €" → "deux euros cinquante", "1/2" → "un demi", "3,5 km" → "trois virgule cinq kilomètres",
    "24,1313" → "vingt-quatre virgule treize treize"
"""

from __future__ import annotations

import re

from ..intl import _words, integer_words
from ..romance_rules import MINUS, cased, decimals, integer

MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")
CURRENCIES = {"€": ("euro", "euros"), "$": ("dollar", "dollars"), "£": ("livre", "livres"), "¥": ("yen", "yens"),
              "EUR": ("euro", "euros"), "USD": ("dollar", "dollars"), "CHF": ("franc suisse", "francs suisses"),
              "GBP": ("livre sterling", "livres sterling"), "CAD": ("dollar canadien", "dollars canadiens")}
UNITS = {"km": ("kilomètre", "kilomètres"), "m": ("mètre", "mètres"), "cm": ("centimètre", "centimètres"),
         "mm": ("millimètre", "millimètres"), "kg": ("kilogramme", "kilogrammes"), "g": ("gramme", "grammes"),
         "mg": ("milligramme", "milligrammes"), "l": ("litre", "litres"), "L": ("litre", "litres"),
         "ml": ("millilitre", "millilitres"), "cl": ("centilitre", "centilitres"),
         "km/h": ("kilomètre heure", "kilomètres heure"), "m/s": ("mètre par seconde", "mètres par seconde"),
         "°C": ("degré Celsius", "degrés Celsius"), "°F": ("degré Fahrenheit", "degrés Fahrenheit"),
         "°": ("degré", "degrés"), "h": ("heure", "heures"), "min": ("minute", "minutes"),
         "s": ("seconde", "secondes"), "ms": ("milliseconde", "millisecondes"), "Go": ("gigaoctet", "gigaoctets"),
         "Mo": ("mégaoctet", "mégaoctets"), "Ko": ("kilooctet", "kilooctets"), "To": ("téraoctet", "téraoctets"),
         "m²": ("mètre carré", "mètres carrés"), "km²": ("kilomètre carré", "kilomètres carrés"),
         "m³": ("mètre cube", "mètres cubes"), "ha": ("hectare", "hectares"), "kWh": ("kilowattheure", "kilowattheures"),
         "kW": ("kilowatt", "kilowatts"), "W": ("watt", "watts"), "V": ("volt", "volts"), "Hz": ("hertz", "hertz"),
         "t": ("tonne", "tonnes"), "mph": ("mile par heure", "miles par heure")}
FRACTIONS = {2: ("demi", "demis"), 3: ("tiers", "tiers"), 4: ("quart", "quarts")}
NUM = r"\d{1,3}(?:[.\u00a0\u202f ]\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_MONTH = cased(MONTHS)
NUMERIC = re.compile(r"(?=\d)(?<![\d.,/:-])(?P<d>[0-3]?\d)(?P<s>[/.-])(?P<m>[01]?\d)(?:(?P=s)(?P<y>\d{4}))?(?![\d/.,-]?\d)")
NAMED = re.compile(rf"(?=\d)(?<![\d.,])(?P<d>[0-3]?\d)(?P<er>er|ᵉʳ|º|°)?\s+(?P<month>{_MONTH})(?:\s+(?P<y>\d{{4}}))?(?!\w)")
DAY_LIST = re.compile(rf"(?=\d)(?<![\d.,/])(?P<days>[0-3]?\d(?:[/-][0-3]?\d)+)\s+(?=(?:{_MONTH})\b)")
CLOCK = re.compile(r"(?=\d)(?<![\d.,:])(?P<h>[0-2]?\d)(?:[:h](?P<m>[0-5]\d)|h(?![\w]))(?![\d:])")
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
UNIT = re.compile(rf"(?=[-−\d])(?P<neg>{MINUS})?(?<![\w.,])(?P<num>{NUM})\s?(?P<unit>{_UNIT})(?![\w²/])")
_CUR = "|".join(re.escape(c) for c in sorted(CURRENCIES, key=len, reverse=True))
MONEY = re.compile(rf"(?<![\w.,])(?P<num>{NUM})\s?(?P<cur>{_CUR})(?!\w)|(?P<cur2>{_CUR})\s?(?P<num2>{NUM})")
FRACTION = re.compile(rf"(?=[-−\d])(?P<neg>{MINUS})?(?<![\w.,/])(?:(?P<whole>\d+)\s)?(?P<num>\d{{1,3}})/(?P<den>\d{{1,3}})(?![\w/])")
DECIMAL = re.compile(rf"(?=[-−\d])(?P<neg>{MINUS})?(?<![\w.,])(?P<int>\d{{1,3}}(?:[.\u00a0\u202f ]\d{{3}})+|\d+),(?P<frac>\d+)(?![\d,])")
COMMA_GROUPS = re.compile(r"(?=\d)(?<![\w.,])\d{1,3}(?:,\d{3}){2,}(?![\w,]|\.\d)")  # "6,492,000": thousands


def number(text: str) -> str:
    whole, _, frac = text.partition(",")
    spoken = integer_words(str(integer(whole)), "fr")
    return spoken + (" virgule " + " ".join(decimals(frac, lambda n: _words(str(n), "fr"), "zéro")) if frac else "")


def _count(num: str, one: str = "un") -> str:
    return one if num == "1" else number(num)


def date(day: int, month: int, year: str | None) -> str | None:
    if not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    out = f"{'premier' if day == 1 else _words(str(day), 'fr')} {MONTHS[month - 1]}"
    return out + (f" {_words(year, 'fr')}" if year else "")


def named_date(m: re.Match) -> str:
    month = MONTHS.index(m.group("month").lower()) + 1
    return date(int(m.group("d")), month, m.group("y")) or m.group()


def numeric_date(m: re.Match) -> str:
    if not m.group("y") and m.group("s") != ".":  # "3/4" is a fraction, "10-12" a range
        return m.group()
    return date(int(m.group("d")), int(m.group("m")), m.group("y")) or m.group()


def day_list(m: re.Match) -> str:
    return " ".join("premier" if d == "1" else _words(str(int(d)), "fr") for d in re.split(r"[/-]", m.group("days"))) + " "


def clock(m: re.Match) -> str:
    h = int(m.group("h"))
    minute = int(m.group("m") or 0)
    if h > 24:
        return m.group()
    out = f"{'une' if h == 1 else _words(str(h), 'fr')} {'heure' if h == 1 else 'heures'}"
    return out + (f" {_words(str(minute), 'fr')}" if minute else "")


def money(m: re.Match) -> str:
    cur = m.group("cur") or m.group("cur2")
    num = m.group("num") or m.group("num2")
    one, many = CURRENCIES[cur]
    integer_part, _, cents = num.partition(",")
    whole = integer(integer_part)
    out = f"{_count(str(whole))} {one if whole == 1 else many}"
    if cents and int(cents.ljust(2, "0")[:2]):
        out += " " + _words(str(int(cents.ljust(2, "0")[:2])), "fr")
    return out


def units(m: re.Match) -> str:
    one, many = UNITS[m.group("unit")]
    num = m.group("num")
    if m.group("unit") == "°" and not re.search(r"\s°", m.group()) and num.isdigit():
        return ordinal(int(num))  # "6°": an ordinal
    return ("moins " if m.group("neg") else "") + f"{_count(num)} {one if num == '1' else many}"


def ordinal(n: int, feminine: bool = False) -> str:
    if n == 1:
        return "première" if feminine else "premier"
    words = _words(str(n), "fr", "ordinal")
    return words.replace("vingtsième", "vingtième").replace("centsième", "centième")


def fraction(m: re.Match) -> str:
    num, den = int(m.group("num")), int(m.group("den"))
    if not 0 < num or not den or (not m.group("whole") and num >= den and den in FRACTIONS):
        return m.group()
    if den in FRACTIONS:
        one, many = FRACTIONS[den]
    else:
        one = ordinal(den)
        many = one + "s"
    frac = f"{'un' if num == 1 else _words(str(num), 'fr')} {one if num == 1 else many}"
    if m.group("whole"):
        frac = f"{integer_words(m.group('whole'), 'fr')} et {'demi' if num == 1 and den == 2 else frac}"
    return ("moins " if m.group("neg") else "") + frac


def decimal(m: re.Match) -> str:
    return ("moins " if m.group("neg") else "") + number(m.group("int") + "," + m.group("frac"))
