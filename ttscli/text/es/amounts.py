"""Spanish money, measures, fractions, decimals and ordinals written with digits.

    "5,50 €" / "€5,50" → "cinco euros cincuenta céntimos", "€2 billones" → "dos billones de euros",
    "245 mph" → "doscientas cuarenta y cinco millas por hora", "1 1/2 m" → "uno y medio metro",
    "3/5 mph" → "tres quintos de milla por hora", "4,5/s" → "cuatro coma cinco por segundo",
    "3.ª" → "tercera", "1.er" → "primer", "2/3" → "dos tercios", "3,14" → "tres coma catorce".
"""

from __future__ import annotations

import re

from ..romance_rules import MINUS, NUMBER, cased, integer
from .numbers import cardinal, decimal, fraction, ordinal

# code → (one, many, gender, cent, cents, cent gender)
CURRENCIES = {
    "€": ("euro", "euros", "m", "céntimo", "céntimos", "m"),
    "$": ("dólar", "dólares", "m", "centavo", "centavos", "m"),
    "£": ("libra", "libras", "f", "penique", "peniques", "m"),
    "¥": ("yen", "yenes", "m", "centavo", "centavos", "m"),
    "₩": ("won", "wones", "m", "centavo", "centavos", "m"),
    "₽": ("rublo", "rublos", "m", "kopek", "kopeks", "m"),
    "₡": ("colón", "colones", "m", "céntimo", "céntimos", "m"),
    "₧": ("peseta", "pesetas", "f", "céntimo", "céntimos", "m"),
    "₹": ("rupia", "rupias", "f", "paisa", "paisas", "f"),
    "eur": ("euro", "euros", "m", "céntimo", "céntimos", "m"),
    "usd": ("dólar estadounidense", "dólares estadounidenses", "m", "centavo", "centavos", "m"),
    "us$": ("dólar estadounidense", "dólares estadounidenses", "m", "centavo", "centavos", "m"),
    "gbp": ("libra esterlina", "libras esterlinas", "f", "penique", "peniques", "m"),
    "jpy": ("yen", "yenes", "m", "centavo", "centavos", "m"),
    "chf": ("franco suizo", "francos suizos", "m", "céntimo", "céntimos", "m"),
    "mxn": ("peso mexicano", "pesos mexicanos", "m", "centavo", "centavos", "m"),
    "mex$": ("peso mexicano", "pesos mexicanos", "m", "centavo", "centavos", "m"),
    "ars": ("peso argentino", "pesos argentinos", "m", "centavo", "centavos", "m"),
    "clp": ("peso chileno", "pesos chilenos", "m", "centavo", "centavos", "m"),
    "cop": ("peso colombiano", "pesos colombianos", "m", "centavo", "centavos", "m"),
    "bob": ("boliviano", "bolivianos", "m", "centavo", "centavos", "m"),
    "pen": ("sol", "soles", "m", "céntimo", "céntimos", "m"),
    "brl": ("real brasileño", "reales brasileños", "m", "centavo", "centavos", "m"),
    "r$": ("real", "reales", "m", "centavo", "centavos", "m"),
    "crc": ("colón costarricense", "colones costarricenses", "m", "céntimo", "céntimos", "m"),
    "gtq": ("quetzal", "quetzales", "m", "centavo", "centavos", "m"),
    "hnl": ("lempira", "lempiras", "m", "centavo", "centavos", "m"),
    "nio": ("córdoba", "córdobas", "f", "centavo", "centavos", "m"),
    "pab": ("balboa", "balboas", "m", "centésimo", "centésimos", "m"),
    "hkd": ("dólar de hong kong", "dólares de hong kong", "m", "centavo", "centavos", "m"),
    "cad": ("dólar canadiense", "dólares canadienses", "m", "centavo", "centavos", "m"),
    "cny": ("yuan", "yuanes", "m", "fen", "fen", "m"),
    "ptas": ("peseta", "pesetas", "f", "céntimo", "céntimos", "m"),
    "kr": ("corona", "coronas", "f", "céntimo", "céntimos", "m"),
    "rs": ("rupia", "rupias", "f", "paisa", "paisas", "f"),
    "fr": ("franco", "francos", "m", "céntimo", "céntimos", "m"),
    "mk": ("marco", "marcos", "m", "pfennig", "pfennigs", "m"),
    "q": ("quetzal", "quetzales", "m", "centavo", "centavos", "m"),
    "bop": ("peso boliviano", "pesos bolivianos", "m", "centavo", "centavos", "m"),
    "uyu": ("peso uruguayo", "pesos uruguayos", "m", "centésimo", "centésimos", "m"),
    "dop": ("peso dominicano", "pesos dominicanos", "m", "centavo", "centavos", "m"),
    "cup": ("peso cubano", "pesos cubanos", "m", "centavo", "centavos", "m"),
    "pyg": ("guaraní", "guaraníes", "m", "céntimo", "céntimos", "m"),
    "ves": ("bolívar", "bolívares", "m", "céntimo", "céntimos", "m"),
    "awg": ("florín arubeño", "florines arubeños", "m", "centavo", "centavos", "m"),
    "ttd": ("dólar de trinidad y tobago", "dólares de trinidad y tobago", "m", "centavo", "centavos", "m"),
    "aud": ("dólar australiano", "dólares australianos", "m", "centavo", "centavos", "m"),
    "inr": ("rupia india", "rupias indias", "f", "paisa", "paisas", "f"),
    "rub": ("rublo", "rublos", "m", "kopek", "kopeks", "m"),
    "krw": ("won", "wones", "m", "jeon", "jeon", "m"),
}
_SCALE = r"(?:mil\s+)?(?:millones|millón|billones|billón|trillones|trillón)"
_CUR = cased(CURRENCIES, upper=True)
MONEY_KEYS = tuple(c for c in CURRENCIES if len(c) > 2 or not c.isalpha())
SHORT_CODE = re.compile(r"\d\s?(?:fr|rs|kr|mk|q)\b|\b(?:fr|rs|kr|mk|q)\s?\d")
MONEY = re.compile(
    rf"(?<![\w.,])(?:(?P<c1>{_CUR})\s?(?P<n1>{NUMBER})|(?P<n2>{NUMBER})\s?(?P<c2>{_CUR}))"
    rf"(?:\s(?P<scale>{_SCALE})(?:\s+de\s+(?P<c3>euros|dólares|libras|pesos))?)?(?![\w$])")

# unit → (one, many, gender); rates are read "X por Y" with Y singular.
UNITS = {
    "km": ("kilómetro", "kilómetros", "m"), "m": ("metro", "metros", "m"), "cm": ("centímetro", "centímetros", "m"),
    "mm": ("milímetro", "milímetros", "m"), "µm": ("micrómetro", "micrómetros", "m"),
    "nm": ("nanómetro", "nanómetros", "m"), "mi": ("milla", "millas", "f"), "ft": ("pie", "pies", "m"),
    "kg": ("kilogramo", "kilogramos", "m"), "g": ("gramo", "gramos", "m"), "mg": ("miligramo", "miligramos", "m"),
    "t": ("tonelada", "toneladas", "f"), "lb": ("libra", "libras", "f"), "oz": ("onza", "onzas", "f"),
    "l": ("litro", "litros", "m"), "L": ("litro", "litros", "m"), "ml": ("mililitro", "mililitros", "m"),
    "cl": ("centilitro", "centilitros", "m"), "dl": ("decilitro", "decilitros", "m"),
    "km/h": ("kilómetro por hora", "kilómetros por hora", "m"), "kph": ("kilómetro por hora", "kilómetros por hora", "m"),
    "mph": ("milla por hora", "millas por hora", "f"), "m/s": ("metro por segundo", "metros por segundo", "m"),
    "km²": ("kilómetro cuadrado", "kilómetros cuadrados", "m"), "m²": ("metro cuadrado", "metros cuadrados", "m"),
    "cm²": ("centímetro cuadrado", "centímetros cuadrados", "m"), "m³": ("metro cúbico", "metros cúbicos", "m"),
    "cm³": ("centímetro cúbico", "centímetros cúbicos", "m"), "ha": ("hectárea", "hectáreas", "f"),
    "°C": ("grado centígrado", "grados centígrados", "m"), "°F": ("grado fahrenheit", "grados fahrenheit", "m"),
    "°K": ("grado kelvin", "grados kelvin", "m"), "°": ("grado", "grados", "m"),
    "h": ("hora", "horas", "f"), "min": ("minuto", "minutos", "m"), "s": ("segundo", "segundos", "m"),
    "ms": ("milisegundo", "milisegundos", "m"), "kWh": ("kilovatio hora", "kilovatios hora", "m"),
    "kW": ("kilovatio", "kilovatios", "m"), "W": ("vatio", "vatios", "m"), "V": ("voltio", "voltios", "m"),
    "Hz": ("hercio", "hercios", "m"), "kHz": ("kilohercio", "kilohercios", "m"),
    "MHz": ("megahercio", "megahercios", "m"), "GHz": ("gigahercio", "gigahercios", "m"),
    "KB": ("kilobyte", "kilobytes", "m"), "MB": ("megabyte", "megabytes", "m"), "GB": ("gigabyte", "gigabytes", "m"),
    "TB": ("terabyte", "terabytes", "m"), "kcal": ("kilocaloría", "kilocalorías", "f"),
    "cal": ("caloría", "calorías", "f"), "psi": ("p s i", "p s i", "m"), "dB": ("decibelio", "decibelios", "m"),
    "%": ("por ciento", "por ciento", ""),
}
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True) if not u.startswith("°"))
_UNIT_TAIL = rf"\s?(?:(?P<deg>°\s?[cCfFkK]?)|(?P<unit>{_UNIT})(?:/(?P<per>{_UNIT}))?|/(?P<rate>{_UNIT}))(?![\w²³])"
MEASURE = re.compile(rf"(?=[-−\d])(?P<neg>{MINUS})?(?<![\w.,/])(?P<n>{NUMBER}){_UNIT_TAIL}")
# "1 1/2 m", "3/5 mph": a fraction of a unit (the rate branch cannot follow a fraction)
MEASURE_FRACTION = re.compile(rf"(?=[-−\d])(?P<neg>{MINUS})?(?<![\w.,/])(?:(?P<whole>\d+)\s)?(?P<num>\d+)/(?P<den>\d+)"
                              + _UNIT_TAIL.replace("|/(?P<rate>", "|(?!)(?P<rate>"))
ORDINAL = re.compile(r"(?=\d)(?<![\w.,])(?P<n>\d{1,3}(?:[. ]\d{3})+|\d+)(?:\.?(?P<suf>ᵉʳ|er|º|ª|°)"
                     r"|(?P<abbr>ro|ra|do|da|to|ta|vo|va|no|na|mo|ma))(?![\w\d])")
FRACTION = re.compile(rf"(?=[-−\d])(?P<neg>{MINUS})?(?<![\w.,/])(?:(?P<whole>\d+)\s)?(?P<num>\d+)/(?P<den>\d[\d.]*\d|\d)(?![\w/])")
DECIMAL = re.compile(r"(?=[-−\d])(?P<neg>" + MINUS + r")?(?<![\w.,])(?P<int>\d{1,3}(?:[.\s]\d{3})+|\d+),(?P<frac>\d+)"
                     rf"(?![\d,])(?:\s(?P<scale>{_SCALE}))?")
GROUPED = re.compile(r"(?=\d)(?<![\w.,])\d{1,3}(?:([. \u00a0\u202f])\d{3})(?:\1\d{3})*(?![\w,]|[.]\d)")
SCALED = re.compile(rf"(?=\d)(?<![\w.,])(?P<n>{NUMBER})\s(?P<scale>{_SCALE})\b")
UNICODE_FRACTIONS = {"½": "1/2", "⅓": "1/3", "⅔": "2/3", "¼": "1/4", "¾": "3/4", "⅕": "1/5", "⅖": "2/5", "⅗": "3/5",
                     "⅘": "4/5", "⅙": "1/6", "⅚": "5/6", "⅛": "1/8", "⅜": "3/8", "⅝": "5/8", "⅞": "7/8"}


def _number(text: str, form: str = "", last_form: str | None = None) -> str:
    whole, _, frac = text.partition(",")
    if frac:
        return decimal(integer(whole), frac, form, last_form)
    return cardinal(integer(whole), last_form or form)


def money(m: re.Match) -> str:
    code = (m.group("c1") or m.group("c2")).lower()
    one, many, gender, cent, cents, cent_gender = CURRENCIES.get(code) or CURRENCIES[code.upper()]
    num = m.group("n1") or m.group("n2")
    if m.group("scale"):
        return f"{_number(num, '', 'm')} {m.group('scale')} de {many}"
    whole, _, frac = num.partition(",")
    value = integer(whole)
    if len(frac) > 2:
        return f"{decimal(value, frac)} {many}"
    out = []
    if value or not frac or not int(frac):
        out.append(f"{cardinal(value, gender)} {one if value == 1 else many}")
    small = int(frac.ljust(2, "0")) if frac else 0
    if small:
        out.append(f"{cardinal(small, cent_gender)} {cent if small == 1 else cents}")
    return " ".join(out)


def _unit_words(unit: str, many: bool) -> tuple[str, str]:
    one, plural, gender = UNITS[unit]
    return (plural if many else one), gender


def measure(m: re.Match) -> str:
    minus = "menos " if m.group("neg") else ""
    if m.groupdict().get("rate"):
        return f"{minus}{_number(m.group('n') or '0')} por {UNITS[m.group('rate')][0]}"
    if m.group("deg") is not None:
        scale = m.group("deg")[1:].strip().upper()
        unit = "°" + scale if scale else "°"
        if not scale and m.groupdict().get("n") and not m.group()[m.group().index("°") - 1].isspace():
            return minus + ordinal(integer(m.group("n")))  # "28°": an ordinal
    else:
        unit = m.group("unit")
    per = f" por {UNITS[m.group('per')][0]}" if m.group("per") else ""
    if m.groupdict().get("den"):
        num, den, whole = int(m.group("num")), int(m.group("den")), m.group("whole")
        one, gender = _unit_words(unit, False)
        if num == 1 and den == 2:
            half = "media" if gender == "f" else "medio"
            spoken = f"{cardinal(int(whole), gender if gender == 'f' else '')} y {half} {one}" if whole else f"{half} {one}"
            return minus + spoken + per
        frac = fraction(num, den)
        return f"{minus}{cardinal(int(whole), gender) + ' y ' if whole else ''}{frac} de {one}{per}"
    n = m.group("n")
    if unit == "%":
        return f"{minus}{_number(n)} por ciento"
    words, gender = _unit_words(unit, n != "1")
    return f"{minus}{_number(n, 'f', None) if gender == 'f' else _number(n, '', 'm')} {words}{per}"


def ordinal_match(m: re.Match) -> str:
    n = integer(m.group("n"))
    suf = (m.group("suf") or m.group("abbr") or "").lower()
    if suf in ("ᵉʳ", "er"):
        return ordinal(n, short=True)
    feminine = suf in ("a", "ª") or (len(suf) == 2 and suf.endswith("a"))
    return ordinal(n, "f" if feminine else "m")


def fraction_match(m: re.Match) -> str:
    num, den = int(m.group("num")), integer(m.group("den"))
    if den == 0:
        return m.group()
    minus = "menos " if m.group("neg") else ""
    if m.group("whole"):
        half = num == 1 and den == 2
        return f"{minus}{cardinal(int(m.group('whole')))} y {'medio' if half else fraction(num, den)}"
    return minus + fraction(num, den)


def decimal_match(m: re.Match) -> str:
    minus = "menos " if m.group("neg") else ""
    scale = m.group("scale")
    spoken = decimal(integer(m.group("int")), m.group("frac"), "", "m" if scale else None)
    return minus + spoken + (f" {scale}" if scale else "")


def scaled(m: re.Match) -> str:
    return f"{_number(m.group('n'), '', 'm')} {m.group('scale')}"
