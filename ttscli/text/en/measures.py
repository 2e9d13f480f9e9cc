"""Money, percentages and units of measure: "$42.50", "45%", "5 km", "25°C", "500 MB"."""

from __future__ import annotations

import re

from . import words
from .numbers import NUM

# symbol → (singular, plural, minor singular, minor plural); None = no minor unit spoken
CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "US$": ("US dollar", "US dollars", "cent", "cents"),
    "A$": ("Australian dollar", "Australian dollars", "cent", "cents"),
    "C$": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", None, None),
    "₹": ("rupee", "rupees", "paisa", "paise"),
    "₩": ("won", "won", None, None),
}
SCALES = {"k": "thousand", "K": "thousand", "thousand": "thousand", "m": "million", "M": "million",
          "mn": "million", "million": "million", "b": "billion", "B": "billion", "bn": "billion",
          "billion": "billion", "t": "trillion", "T": "trillion", "tn": "trillion", "trillion": "trillion"}
_CUR = "|".join(re.escape(c) for c in sorted(CURRENCIES, key=len, reverse=True))
_SCALE = r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|[kKmMbBtT])(?![\w]))?"
MONEY_PREFIX = re.compile(rf"(?=[-−$€£¥₹₩UAC])(?P<neg>[-−])?(?P<cur>{_CUR})\s?(?P<num>{NUM}){_SCALE}")
MONEY_SUFFIX = re.compile(rf"(?=\d)(?<![\w.,])(?P<num>{NUM})\s?(?P<cur>[€£¥₹₩])")
CENTS = re.compile(r"(?=\d)(?<![\w.,])(\d+)\s?¢")
PERCENT = re.compile(rf"(?=[-−\d.])(?P<neg>(?:(?<=^)|(?<=[\s(]))[-−])?(?P<num>{NUM}|\.\d+)\s?(?P<sym>%|‰)")

# unit → (singular, plural). Matched case-sensitively right after a number.
UNITS = {
    "km": ("kilometer", "kilometers"), "m": ("meter", "meters"), "cm": ("centimeter", "centimeters"),
    "mm": ("millimeter", "millimeters"), "µm": ("micrometer", "micrometers"), "nm": ("nanometer", "nanometers"),
    "mi": ("mile", "miles"), "ft": ("foot", "feet"), "yd": ("yard", "yards"),
    "kg": ("kilogram", "kilograms"), "g": ("gram", "grams"), "mg": ("milligram", "milligrams"),
    "lb": ("pound", "pounds"), "lbs": ("pound", "pounds"), "oz": ("ounce", "ounces"),
    "l": ("liter", "liters"), "L": ("liter", "liters"), "ml": ("milliliter", "milliliters"),
    "mL": ("milliliter", "milliliters"),
    "s": ("second", "seconds"), "sec": ("second", "seconds"), "secs": ("second", "seconds"),
    "ms": ("millisecond", "milliseconds"), "min": ("minute", "minutes"), "mins": ("minute", "minutes"),
    "h": ("hour", "hours"), "hr": ("hour", "hours"), "hrs": ("hour", "hours"),
    "mph": ("mile per hour", "miles per hour"), "km/h": ("kilometer per hour", "kilometers per hour"),
    "kph": ("kilometer per hour", "kilometers per hour"), "m/s": ("meter per second", "meters per second"),
    "°C": ("degree Celsius", "degrees Celsius"), "°F": ("degree Fahrenheit", "degrees Fahrenheit"),
    "℃": ("degree Celsius", "degrees Celsius"), "℉": ("degree Fahrenheit", "degrees Fahrenheit"),
    "°": ("degree", "degrees"),
    "KB": ("kilobyte", "kilobytes"), "kB": ("kilobyte", "kilobytes"), "MB": ("megabyte", "megabytes"),
    "GB": ("gigabyte", "gigabytes"), "TB": ("terabyte", "terabytes"),
    "Mbps": ("megabit per second", "megabits per second"), "Gbps": ("gigabit per second", "gigabits per second"),
    "Hz": ("hertz", "hertz"), "kHz": ("kilohertz", "kilohertz"), "MHz": ("megahertz", "megahertz"),
    "GHz": ("gigahertz", "gigahertz"), "W": ("watt", "watts"), "kW": ("kilowatt", "kilowatts"),
    "kWh": ("kilowatt hour", "kilowatt hours"), "V": ("volt", "volts"), "mAh": ("milliamp hour", "milliamp hours"),
    "dB": ("decibel", "decibels"), "px": ("pixel", "pixels"), "sq ft": ("square foot", "square feet"),
    "ha": ("hectare", "hectares"), "cal": ("calorie", "calories"), "kcal": ("kilocalorie", "kilocalories"),
}
# After the number: an optional space and a whole word that is a unit (so "5 min" but
# not "5 minutes"). The word is matched generically and looked up in UNITS.
UNIT = re.compile(rf"(?=[-−\d])(?P<neg>(?:(?<=^)|(?<=[\s(~]))[-−])?(?<![\w.,])(?P<num>{NUM})(?P<sp>\s?)"
                  r"(?P<unit>(?:sq ft|[A-Za-z°℃℉µ][A-Za-z/]*?|°[CF]?)(?=[^\w/°]|$))")


def _amount(num: str, british: bool) -> str:
    return words.number(num, british)


def _is_one(num: str) -> bool:
    return num.replace(",", "") == "1"


def _money(m: re.Match, british: bool) -> str:
    major, majors, minor, minors = CURRENCIES[m.group("cur")]
    num = m.group("num").replace(",", "")
    neg = "minus " if m.groupdict().get("neg") else ""
    scale = m.groupdict().get("scale")
    if scale:
        return f"{neg}{_amount(num, british)} {SCALES[scale]} {majors}"
    integer, _, cents = num.partition(".")
    if minor and len(cents) in (1, 2):
        cents_n = int(cents.ljust(2, "0"))
        whole = int(integer or 0)
        parts = []
        if whole or not cents_n:
            parts.append(f"{words.cardinal(whole, british)} {major if whole == 1 else majors}")
        if cents_n:
            parts.append(f"{words.cardinal(cents_n, british)} {minor if cents_n == 1 else minors}")
        return neg + " and ".join(parts)
    spoken = _amount(num, british)
    return f"{neg}{spoken} {major if _is_one(num) else majors}"


def _unit(m: re.Match, british: bool) -> str:
    unit, num = m.group("unit"), m.group("num")
    if unit not in UNITS or (unit == "s" and not m.group("sp")):
        return m.group()  # "5s" is more often a plural ("high 5s") than seconds
    single, plural = UNITS[unit]
    neg = "minus " if m.group("neg") else ""
    return f"{neg}{words.number(num, british)} {single if _is_one(num) else plural}"


# "5 ft 10 in": "in" is a unit only right after feet (alone it is the preposition).
FEET_INCHES = re.compile(r"(?<![\w.])(\d+)\s?(?:ft\.?|')\s?(\d{1,2})\s?(?:in\b|\"|″)")
# "3x faster", "2.5× zoom": a multiplier.
TIMES = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)[x×](?![\w])")


def _feet_inches(m: re.Match, british: bool) -> str:
    feet, inches = int(m.group(1)), int(m.group(2))
    return (f"{words.cardinal(feet, british)} {'foot' if feet == 1 else 'feet'} "
            f"{words.cardinal(inches, british)} {'inch' if inches == 1 else 'inches'}")


def expand(text: str, british: bool = False) -> str:
    if "ft" in text or "'" in text:
        text = FEET_INCHES.sub(lambda m: _feet_inches(m, british), text)
    if "x" in text or "×" in text:
        text = TIMES.sub(lambda m: words.number(m.group(1), british) + " times", text)
    if any(c in text for c in "$€£¥₹₩"):
        text = MONEY_PREFIX.sub(lambda m: _money(m, british), text)
        text = MONEY_SUFFIX.sub(lambda m: _money(m, british), text)
    if "¢" in text:
        text = CENTS.sub(lambda m: f"{words.cardinal(int(m.group(1)), british)} "
                                   f"{'cent' if m.group(1) == '1' else 'cents'}", text)
    if "%" in text or "‰" in text:
        text = PERCENT.sub(lambda m: ("minus " if m.group("neg") else "") + words.number(m.group("num"), british)
                           + (" percent" if m.group("sym") == "%" else " per mille"), text)
    return UNIT.sub(lambda m: _unit(m, british), text)
