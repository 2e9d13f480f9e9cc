"""French and Spanish beyond plain numbers: dates, times, money, units, fractions and decimals.

    fr: "le 1er mai 2024" → "le premier mai deux mille vingt-quatre", "14h30" → "quatorze heures trente",
        "2,50 €" → "deux euros cinquante", "1/2" → "un demi", "3,5 km" → "trois virgule cinq kilomètres"
    es: "3/5/2024" → "tres de mayo de dos mil veinticuatro", "a las 14:30" → "a las catorce y treinta",
        "2,50 €" → "dos euros con cincuenta", "3/4" → "tres cuartos"

Cardinals, percentages and ordinal markers stay with :class:`text.intl.NumberNormalizer`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from .en.dates import valid
from .intl import NumberNormalizer, _words, integer_words, parse_number


@dataclass(frozen=True)
class Words:
    months: tuple[str, ...]
    comma: str  # decimal separator word
    hours: tuple[str, str]  # hour, hours
    date_join: str  # between day, month and year ("" or "de")
    first_day: str  # the 1st of a month: always in French ("1 mai"), with "1º" in Spanish
    currencies: dict[str, tuple[str, str, str]]  # symbol → (one, many, cents join)
    units: dict[str, tuple[str, str]]
    fractions: dict[int, tuple[str, str]]  # denominator → (one, many)
    half: str
    one: str  # "un", "un" before a noun
    extra: dict[str, str] = field(default_factory=dict)


_UNITS_FR = {"km": ("kilomètre", "kilomètres"), "m": ("mètre", "mètres"), "cm": ("centimètre", "centimètres"),
             "mm": ("millimètre", "millimètres"), "kg": ("kilogramme", "kilogrammes"), "g": ("gramme", "grammes"),
             "mg": ("milligramme", "milligrammes"), "l": ("litre", "litres"), "L": ("litre", "litres"),
             "ml": ("millilitre", "millilitres"), "km/h": ("kilomètre heure", "kilomètres heure"),
             "°C": ("degré Celsius", "degrés Celsius"), "°": ("degré", "degrés"), "h": ("heure", "heures"),
             "min": ("minute", "minutes"), "s": ("seconde", "secondes"), "Go": ("gigaoctet", "gigaoctets"),
             "Mo": ("mégaoctet", "mégaoctets"), "m²": ("mètre carré", "mètres carrés"),
             "kWh": ("kilowattheure", "kilowattheures"), "t": ("tonne", "tonnes")}
_UNITS_ES = {"km": ("kilómetro", "kilómetros"), "m": ("metro", "metros"), "cm": ("centímetro", "centímetros"),
             "mm": ("milímetro", "milímetros"), "kg": ("kilogramo", "kilogramos"), "g": ("gramo", "gramos"),
             "mg": ("miligramo", "miligramos"), "l": ("litro", "litros"), "L": ("litro", "litros"),
             "ml": ("mililitro", "mililitros"), "km/h": ("kilómetro por hora", "kilómetros por hora"),
             "°C": ("grado centígrado", "grados centígrados"), "°": ("grado", "grados"), "h": ("hora", "horas"),
             "min": ("minuto", "minutos"), "s": ("segundo", "segundos"), "GB": ("gigabyte", "gigabytes"),
             "MB": ("megabyte", "megabytes"), "m²": ("metro cuadrado", "metros cuadrados"),
             "kWh": ("kilovatio hora", "kilovatios hora"), "t": ("tonelada", "toneladas")}
LANGS = {
    "fr": Words(
        months=("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
                "novembre", "décembre"),
        comma="virgule", hours=("heure", "heures"), date_join="", first_day="premier",
        currencies={"€": ("euro", "euros", ""), "$": ("dollar", "dollars", ""), "£": ("livre", "livres", "")},
        units=_UNITS_FR, fractions={2: ("demi", "demis"), 3: ("tiers", "tiers"), 4: ("quart", "quarts")},
        half="et demi", one="un"),
    "es": Words(
        months=("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto", "septiembre", "octubre",
                "noviembre", "diciembre"),
        comma="coma", hours=("hora", "horas"), date_join="de", first_day="primero",
        currencies={"€": ("euro", "euros", "con"), "$": ("dólar", "dólares", "con"), "£": ("libra", "libras", "con")},
        units=_UNITS_ES, fractions={2: ("medio", "medios"), 3: ("tercio", "tercios"), 4: ("cuarto", "cuartos")},
        half="y medio", one="un"),
}
_NUM = r"\d{1,3}(?:[.\u00a0\u202f ]\d{3})+(?:,\d+)?|\d+(?:,\d+)?"


class RomanceNormalizer(NumberNormalizer):
    """French or Spanish: the shared number rules plus dates, times, money, units and fractions."""

    def __init__(self, lang: str):
        super().__init__(lang)
        self.w = LANGS[self.code]
        months = "|".join(self.w.months)
        self._numeric = re.compile(r"(?<![\d.,/])(?P<d>[0-3]?\d)[/.](?P<m>[01]?\d)[/.](?P<y>\d{4})(?![\d/.]\d)")
        self._named = re.compile(rf"(?<![\d.,])(?P<d>[0-3]?\d)(?P<er>er|º|°)?\s+(?:de\s+)?(?P<month>(?i:{months}))"
                                 rf"(?:\s+(?:de(?:l)?\s+)?(?P<y>\d{{4}}))?(?!\w)")
        self._clock = re.compile(r"(?<![\d.,:])(?P<h>[0-2]?\d)(?:[:h](?P<m>[0-5]\d)|h(?![\w]))(?![\d:])")
        units = "|".join(re.escape(u) for u in sorted(self.w.units, key=len, reverse=True))
        self._unit = re.compile(rf"(?<![\w.,])(?P<num>{_NUM})\s?(?P<unit>{units})(?![\w²/])")
        self._money = re.compile(rf"(?<![\w.,])(?P<num>{_NUM})\s?(?P<cur>[€$£])|(?P<cur2>[€$£])\s?(?P<num2>{_NUM})")
        self._fraction = re.compile(r"(?<![\w.,/])(?:(?P<whole>\d+)\s)?(?P<num>\d{1,2})/(?P<den>\d{1,2})(?![\w/])")
        self._decimal = re.compile(r"(?P<neg>(?:(?<=^)|(?<=[\s(]))-)?(?<![\w.,])"
                                   r"(?P<int>\d{1,3}(?:[.\u00a0\u202f ]\d{3})+|\d+),(?P<frac>\d+)(?![\d,])")

    # --- pieces
    def number(self, text: str) -> str:
        integer, _, frac = text.partition(",")
        spoken = integer_words(parse_number(integer, self.code), self.code)
        return spoken + (f" {self.w.comma} " + " ".join(_words(d, self.code) for d in frac) if frac else "")

    def _count(self, num: str) -> str:
        return self.w.one if num == "1" else self.number(num)

    def _date(self, day: int, month: int, year: str | None, first: bool = False) -> str | None:
        if not valid(month, day):
            return None
        join = f" {self.w.date_join} " if self.w.date_join else " "
        day_words = _words(str(day), self.code)
        if day == 1 and (first or self.code == "fr"):
            day_words = self.w.first_day
        out = f"{day_words}{join}{self.w.months[month - 1]}"
        return out + (f"{join}{_words(year, self.code)}" if year else "")

    def _named_date(self, m: re.Match) -> str:
        month = [x.lower() for x in self.w.months].index(m.group("month").lower()) + 1
        return self._date(int(m.group("d")), month, m.group("y"), bool(m.group("er"))) or m.group()

    def _numeric_date(self, m: re.Match) -> str:
        return self._date(int(m.group("d")), int(m.group("m")), m.group("y")) or m.group()

    def _time(self, m: re.Match) -> str:
        h = int(m.group("h"))
        minute = int(m.group("m") or 0)
        if h > 24 or (self.code == "es" and m.group().endswith("h")):
            return m.group()
        if self.code == "fr":
            hour = "une" if h == 1 else _words(str(h), "fr")
            out = f"{hour} {self.w.hours[0] if h == 1 else self.w.hours[1]}"
            return out + (f" {_words(str(minute), 'fr')}" if minute else "")
        hour = "una" if h == 1 else _words(str(h), "es")
        return hour + (f" y {_words(str(minute), 'es')}" if minute else "")

    def _money_amount(self, m: re.Match) -> str:
        cur = m.group("cur") or m.group("cur2")
        num = m.group("num") or m.group("num2")
        one, many, join = self.w.currencies[cur]
        integer, _, cents = num.partition(",")
        whole = int(parse_number(integer, self.code))
        out = f"{self._count(str(whole))} {one if whole == 1 else many}"
        if cents and int(cents.ljust(2, "0")[:2]):
            out += f" {join} " if join else " "
            out += _words(str(int(cents.ljust(2, "0")[:2])), self.code)
        return " ".join(out.split())

    def _units(self, m: re.Match) -> str:
        one, many = self.w.units[m.group("unit")]
        num = m.group("num")
        return f"{self._count(num) if num == '1' else self.number(num)} {one if num == '1' else many}"

    def _fractions(self, m: re.Match) -> str:
        num, den = int(m.group("num")), int(m.group("den"))
        if not 0 < num < den:
            return m.group()
        if m.group("whole") and num == 1 and den == 2:
            return f"{integer_words(m.group('whole'), self.code)} {self.w.half}"
        one, many = self.w.fractions.get(den) or (_words(str(den), self.code, "ordinal"),) * 2
        if den not in self.w.fractions and self.code == "fr":
            many = one + "s"
        frac = f"{self.w.one if num == 1 else _words(str(num), self.code)} {one if num == 1 else many}"
        if not m.group("whole"):
            return frac
        return f"{integer_words(m.group('whole'), self.code)} {'et' if self.code == 'fr' else 'y'} {frac}"

    def normalize(self, text: str, heading: bool = False) -> str:
        if re.search(r"\d", text):
            text = self._numeric.sub(self._numeric_date, text)
            text = self._named.sub(self._named_date, text)
            if ":" in text or "h" in text:
                text = self._clock.sub(self._time, text)
            text = self._money.sub(self._money_amount, text)
            text = self._unit.sub(self._units, text)
            if "/" in text:
                text = self._fraction.sub(self._fractions, text)
            if "," in text:
                text = self._decimal.sub(lambda m: ("menos " if self.code == "es" else "moins ") * bool(m.group("neg"))
                                         + self.number(m.group().lstrip("-")), text)
        return super().normalize(text, heading)
