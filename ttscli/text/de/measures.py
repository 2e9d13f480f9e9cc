"""German amounts: money ("2,50 €" → "zwei Euro fünfzig"), units ("5 km", "1 Stunde"), fractions
("1/2" → "ein halb", "2 1/2" → "zweieinhalb"), decimals ("3,75" → "drei Komma sieben fünf")."""

from __future__ import annotations

import re

from ..intl import _words, integer_words, parse_number
from .dates import cardinal_before_noun

# symbol or code → (name, minor unit name)
CURRENCIES = {"€": ("Euro", "Cent"), "EUR": ("Euro", "Cent"), "Euro": ("Euro", "Cent"), "$": ("Dollar", "Cent"),
              "USD": ("US-Dollar", "Cent"), "£": ("Pfund", "Pence"), "GBP": ("Pfund", "Pence"),
              "¥": ("Yen", None), "CHF": ("Franken", "Rappen"), "Fr.": ("Franken", "Rappen")}
SCALES = {"Tsd.": ("Tausend", "Tausend", False), "Mio.": ("Million", "Millionen", True),
          "Mrd.": ("Milliarde", "Milliarden", True), "Million": ("Million", "Millionen", True),
          "Millionen": ("Million", "Millionen", True), "Milliarde": ("Milliarde", "Milliarden", True),
          "Milliarden": ("Milliarde", "Milliarden", True), "Bio.": ("Billion", "Billionen", True)}
_NUM = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_CUR = r"€|EUR\b|Euro\b|\$|USD\b|£|GBP\b|¥|CHF\b|Fr\."
_SCALE = r"(?:\s?(?P<scale>Tsd\.|Mio\.|Mrd\.|Bio\.|Millionen|Million|Milliarden|Milliarde)\s?)?"
MONEY_AFTER = re.compile(rf"(?<![\w.,])(?P<num>{_NUM}){_SCALE}\s?(?P<cur>{_CUR})")
MONEY_BEFORE = re.compile(rf"(?P<cur>€|\$|£|¥|EUR|USD|GBP|CHF)\s?(?P<num>{_NUM}){_SCALE}(?![\d])")
# unit → (word, feminine); the word is the same after any number except the feminine ones' plural.
UNITS = {
    "km": ("Kilometer", False), "m": ("Meter", False), "cm": ("Zentimeter", False), "mm": ("Millimeter", False),
    "kg": ("Kilogramm", False), "g": ("Gramm", False), "mg": ("Milligramm", False), "t": ("Tonne", True),
    "l": ("Liter", False), "L": ("Liter", False), "ml": ("Milliliter", False), "cl": ("Zentiliter", False),
    "km/h": ("Kilometer pro Stunde", False), "m/s": ("Meter pro Sekunde", False),
    "°C": ("Grad Celsius", False), "°F": ("Grad Fahrenheit", False), "cm³": ("Kubikzentimeter", False),
    "µm": ("Mikrometer", False), "nm": ("Nanometer", False), "Hz": ("Hertz", False), "kHz": ("Kilohertz", False), "°": ("Grad", False), "K": ("Kelvin", False),
    "h": ("Stunde", True), "Std.": ("Stunde", True), "min": ("Minute", True), "Min.": ("Minute", True),
    "s": ("Sekunde", True), "Sek.": ("Sekunde", True), "ms": ("Millisekunde", True),
    "kWh": ("Kilowattstunde", True), "kW": ("Kilowatt", False), "W": ("Watt", False), "V": ("Volt", False),
    "MB": ("Megabyte", False), "GB": ("Gigabyte", False), "TB": ("Terabyte", False), "KB": ("Kilobyte", False),
    "Mbit/s": ("Megabit pro Sekunde", False), "GHz": ("Gigahertz", False), "MHz": ("Megahertz", False),
    "m²": ("Quadratmeter", False), "qm": ("Quadratmeter", False), "km²": ("Quadratkilometer", False),
    "m³": ("Kubikmeter", False), "cm²": ("Quadratzentimeter", False), "ha": ("Hektar", False),
    "PS": ("PS", False), "dB": ("Dezibel", False), "Stk.": ("Stück", False),
}
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
UNIT = re.compile(rf"(?<![\w.,])(?P<neg>-)?(?P<num>{_NUM})\s?(?P<unit>{_UNIT})(?![\wäöü²³/])")
_DENOMINATORS = {2: "halb", 3: "Drittel", 4: "Viertel"}
FRACTION = re.compile(r"(?<![\w.,/])(?:(?P<whole>\d+)\s)?(?P<num>\d{1,3})/(?P<den>\d{1,3})(?![\w/])")
VULGAR = {"½": (1, 2), "⅓": (1, 3), "⅔": (2, 3), "¼": (1, 4), "¾": (3, 4), "⅛": (1, 8)}
VULGAR_RE = re.compile(r"(?:(?P<whole>\d+)\s?)?(?P<char>[½⅓⅔¼¾⅛])")
DECIMAL = re.compile(r"(?P<neg>(?:(?<=^)|(?<=[\s(]))-)?(?<![\w.,])(?P<int>\d{1,3}(?:\.\d{3})+|\d+),(?P<frac>\d+)(?![\d,])")


def number(text: str) -> str:
    """A written German number: "1.234" → eintausendzweihundertvierunddreißig, "3,75" → drei Komma sieben fünf."""
    integer, _, frac = text.partition(",")
    spoken = integer_words(parse_number(integer, "de"), "de")
    if frac:
        spoken += " Komma " + " ".join(_words(d, "de") for d in frac)
    return spoken


def _amount(num: str, feminine: bool = False) -> str:
    return cardinal_before_noun(int(num), feminine) if num.isdigit() else number(num)


def _money(m: re.Match) -> str:
    name, minor = CURRENCIES[m.group("cur").strip()]
    num, scale = m.group("num"), m.group("scale")
    if scale:
        single, plural, fem = SCALES[scale.strip()]
        one = num == "1"
        return f"{_amount(num, fem)} {single if one else plural} {name}"
    integer, _, cents = num.partition(",")
    whole = int(parse_number(integer, "de"))
    cents_n = int(cents.ljust(2, "0")[:2]) if cents and cents.strip("0") else 0
    if cents and len(cents) > 2 and cents[2:].strip("0"):
        return f"{number(num)} {name}"
    if not cents_n:
        return f"{_amount(parse_number(integer, 'de'))} {name}"
    if whole == 0 and minor:
        return f"{_amount(str(cents_n))} {minor}"
    return f"{_amount(str(whole))} {name} {_words(str(cents_n), 'de')}"


def _unit(m: re.Match) -> str:
    word, feminine = UNITS[m.group("unit")]
    num = m.group("num")
    neg = "minus " if m.group("neg") else ""
    if feminine and num != "1" and not word.endswith("n"):
        word = word + "n"  # Stunde → Stunden, Minute → Minuten
    return f"{neg}{_amount(num, feminine)} {word}"


def fraction(num: int, den: int) -> str:
    if den in _DENOMINATORS:
        name = _DENOMINATORS[den]
    else:
        stem = _words(str(den), "de", "ordinal")[:-1]  # "achte" → "acht"
        name = (stem.removeprefix("ein") if den in (100, 1000) else stem).capitalize() + "el"
    return f"{cardinal_before_noun(num)} {name}"


def _mixed(whole: str | None, num: int, den: int) -> str:
    if whole and num == 1 and den == 2:
        return cardinal_before_noun(int(whole)) + "einhalb"  # zweieinhalb
    spoken = fraction(num, den)
    return f"{integer_words(whole, 'de')} und {spoken}" if whole else spoken


def _fraction(m: re.Match) -> str:
    num, den = int(m.group("num")), int(m.group("den"))
    if not 0 < num < den or den > 100:
        return m.group()
    return _mixed(m.group("whole"), num, den)


def expand(text: str) -> str:
    if any(c in text for c in "€$£¥") or re.search(r"EUR|Euro|USD|GBP|CHF|Fr\.", text):
        text = MONEY_BEFORE.sub(_money, text)
        text = MONEY_AFTER.sub(_money, text)
    text = UNIT.sub(_unit, text)
    if "/" in text:
        text = FRACTION.sub(_fraction, text)
    if any(c in text for c in VULGAR):
        text = VULGAR_RE.sub(lambda m: _mixed(m.group("whole"), *VULGAR[m.group("char")]), text)
    if "," in text:
        text = DECIMAL.sub(lambda m: ("minus " if m.group("neg") else "") + number(m.group().lstrip("-")), text)
    return text
