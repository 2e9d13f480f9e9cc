"""Italian normalization: cardinals, ordinals (1º, 1ª, 1°), decimals, fractions, money, measures,
dates, times, telephone numbers, addresses and abbreviations.

    "3,23 €" → "tre euro ventitré centesimi", "5 km/s" → "cinque chilometri per secondo",
    "3 maggio 2024" → "tre maggio duemila ventiquattro", "12:30" → "dodici e mezza",
    "mario@esempio.it" → "m a r i o chiocciola e s e m p i o punto i t", "sig.ra" → "signora"
"""

from __future__ import annotations

import re

from ..romance_rules import (MINUS, NUMBER, RomanceNormalizer, Spelled, cased, has_any, integer, lookup, separators,
                             table_keys, table_pattern)
from .numbers import cardinal, decimal, fraction, ordinal

ABBREVIATIONS = {
    "sig.": "signor", "sig.ra": "signora", "sig.na": "signorina", "sigg.": "signori", "dott.": "dottor",
    "dott.ssa": "dottoressa", "dr.": "dottor", "prof.": "professor", "prof.ssa": "professoressa",
    "avv.": "avvocato", "ing.": "ingegner", "arch.": "architetto", "geom.": "geometra", "on.": "onorevole",
    "ecc.": "eccetera", "etc.": "eccetera", "pag.": "pagina", "pagg.": "pagine", "nr.": "numero", "tel.": "telefono",
    "p.za": "piazza", "p.zza": "piazza", "v.le": "viale", "c.so": "corso", "dip.": "dipartimento",
    "es.": "esempio", "ca.": "circa", "sec.": "secolo", "spett.": "spettabile", "gent.": "gentile",
    "egr.": "egregio", "a.C.": "avanti Cristo", "d.C.": "dopo Cristo", "cap.": "capitolo", "vol.": "volume",
    "fig.": "figura", "art.": "articolo", "S.p.A.": "società per azioni", "n°": "numero",
}
_ABBR = table_pattern(ABBREVIATIONS)
_ABBR_KEYS = table_keys(ABBREVIATIONS)
_DIGIT = re.compile(r"\d")
_NUMERO = re.compile(r"(?<![\w.])[nN]\.\s?(?=\d)")
WEB = Spelled({".": " punto ", "/": " slash ", "-": " trattino ", "_": " trattino basso ", "@": " chiocciola ",
               "+": " più ", ":": " due punti ", "?": " punto interrogativo ", "=": " uguale ", "&": " e commerciale ",
               "#": " cancelletto ", "%": " percento ", "~": " tilde ", "\\": " backslash ",
               "!": " punto esclamativo ", "|": " barra verticale ", "^": " accento circonflesso "},
              cardinal, {"py": "python", "js": "javascript", "pdf": "p d f"})

# symbol → (one, many, gender, cent, cents)
CURRENCIES = {
    "€": ("euro", "euro", "m", "centesimo", "centesimi"), "eur": ("euro", "euro", "m", "centesimo", "centesimi"),
    "$": ("dollaro", "dollari", "m", "centesimo", "centesimi"), "usd": ("dollaro", "dollari", "m", "centesimo", "centesimi"),
    "£": ("sterlina", "sterline", "f", "penny", "penny"), "gbp": ("sterlina", "sterline", "f", "penny", "penny"),
    "¥": ("yen", "yen", "m", "sen", "sen"), "jpy": ("yen", "yen", "m", "sen", "sen"),
    "₽": ("rublo", "rubli", "m", "copeco", "copechi"), "rub": ("rublo", "rubli", "m", "copeco", "copechi"),
    "chf": ("franco svizzero", "franchi svizzeri", "m", "centesimo", "centesimi"),
    "₹": ("rupia", "rupie", "f", "paisa", "paise"),
}
_CUR = cased(CURRENCIES, upper=True)
_SCALE = r"(?:milioni|milione|miliardi|miliardo)"
MONEY_KEYS = tuple(c.lower() for c in CURRENCIES)
MONEY = re.compile(rf"(?<![\w.,])(?:(?P<c1>{_CUR})\s?(?P<n1>{NUMBER})|(?P<n2>{NUMBER})\s?(?P<c2>{_CUR}))"
                   rf"(?:\s(?P<scale>{_SCALE}))?(?![\w$])")
UNITS = {
    "km": ("chilometro", "chilometri"), "m": ("metro", "metri"), "cm": ("centimetro", "centimetri"),
    "mm": ("millimetro", "millimetri"), "kg": ("chilogrammo", "chilogrammi"), "g": ("grammo", "grammi"),
    "mg": ("milligrammo", "milligrammi"), "t": ("tonnellata", "tonnellate"), "l": ("litro", "litri"),
    "L": ("litro", "litri"), "ml": ("millilitro", "millilitri"), "cl": ("centilitro", "centilitri"),
    "km/h": ("chilometro orario", "chilometri orari"), "mph": ("miglio orario", "miglia orarie"),
    "mi": ("miglio", "miglia"), "m²": ("metro quadrato", "metri quadrati"), "km²": ("chilometro quadrato",
    "chilometri quadrati"), "m³": ("metro cubo", "metri cubi"), "ha": ("ettaro", "ettari"),
    "°C": ("grado celsius", "gradi celsius"), "°F": ("grado fahrenheit", "gradi fahrenheit"), "°": ("grado", "gradi"),
    "h": ("ora", "ore"), "min": ("minuto", "minuti"), "s": ("secondo", "secondi"), "ms": ("millisecondo", "millisecondi"),
    "d": ("giorno", "giorni"), "A": ("ampere", "ampere"), "V": ("volt", "volt"), "W": ("watt", "watt"),
    "kW": ("chilowatt", "chilowatt"), "kWh": ("chilowattora", "chilowattora"), "Hz": ("hertz", "hertz"),
    "kHz": ("chilohertz", "chilohertz"), "MHz": ("megahertz", "megahertz"), "GHz": ("gigahertz", "gigahertz"),
    "KB": ("kilobyte", "kilobyte"), "MB": ("megabyte", "megabyte"), "GB": ("gigabyte", "gigabyte"),
    "TB": ("terabyte", "terabyte"), "kcal": ("chilocaloria", "chilocalorie"), "%": ("percento", "percento"),
}
_FEMININE_UNITS = frozenset({"t", "kcal", "h"})
_UNIT = "|".join(re.escape(u) for u in sorted(UNITS, key=len, reverse=True))
MEASURE = re.compile(rf"(?=[-−\d])(?P<neg>{MINUS})?(?<![\w.,/])(?P<n>{NUMBER})\s?(?P<unit>{_UNIT})(?:/(?P<per>{_UNIT}))?"
                     r"(?![\w²³])")
MONTHS = ("gennaio", "febbraio", "marzo", "aprile", "maggio", "giugno", "luglio", "agosto", "settembre", "ottobre",
          "novembre", "dicembre")
NAMED = re.compile(rf"(?=\d)(?<![\w.,])(?P<d>[0-3]?\d)(?:º|°)?\s+(?P<mon>{cased(MONTHS)})(?:\s+(?P<y>\d{{4}}))?(?!\w)")
NUMERIC = re.compile(r"(?=\d)(?<![\d.,/:-])(?P<d>[0-3]?\d)(?P<s>[/.-])(?P<m>[01]?\d)(?P=s)(?P<y>\d{4})(?![\d/.-]\d)")
CLOCK = re.compile(r"(?=\d)(?<![\w.,:])(?P<h>[01]?\d|2[0-4])[:.](?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?(?!\d|[.,]\d)")
ORDINAL = re.compile(r"(?=\d)(?<![\w.,])(?P<n>\d+)(?P<suf>[ºª°])(?![\w\d])")
FRACTION = re.compile(rf"(?=[-−\d])(?P<neg>{MINUS})?(?<![\w.,/])(?:(?P<whole>\d+)\s)?(?P<num>\d+)/(?P<den>\d+)(?![\w/])")
DECIMAL = re.compile(rf"(?=[-−\d])(?P<neg>{MINUS})?(?<![\w.,])(?P<int>\d{{1,3}}(?:[.\s]\d{{3}})+|\d+),(?P<frac>\d+)(?![\d,])")
GROUPED = re.compile(r"(?=\d)(?<![\w.,])\d{1,3}(?:([. \u00a0\u202f])\d{3})(?:\1\d{3})*(?![\w,]|[.]\d)")
# "+39 06 1234 5678", "06 12345678", "333 123 4567": a leading 0 or 3, at least nine digits, and a
# separator when it starts with 3 (a plain 3453243534 is a number)
PHONE = re.compile(r"(?=[+\d])(?<![\w+])(?:\+(?P<cc>\d{2})\s?)?(?P<num>[03]\d{1,3}(?:[\s./-]?\d{3,4}){1,3})(?![\w-])")


def _number(text: str, form: str = "") -> str:
    whole, _, frac = text.partition(",")
    return decimal(integer(whole), frac, form)


def money(m: re.Match) -> str:
    code = (m.group("c1") or m.group("c2")).lower()
    one, many, gender, cent, cents = CURRENCIES[code]
    whole, _, frac = (m.group("n1") or m.group("n2")).partition(",")
    value = integer(whole)
    if m.group("scale"):
        return f"{_number(m.group('n1') or m.group('n2'))} {m.group('scale')} di {many}"
    if len(frac) > 2:
        return f"{decimal(value, frac)} {many}"
    small = int(frac.ljust(2, "0")) if frac else 0
    out = [f"{cardinal(value, gender)} {one if value == 1 else many}"] if value or not small else []
    if small:
        out.append(f"{cardinal(small, 'm')} {cent if small == 1 else cents}")
    return " ".join(out)


def measure(m: re.Match) -> str:
    n, unit = m.group("n"), m.group("unit")
    if unit == "°" and not re.search(r"\s°", m.group()):
        return ordinal(integer(n))  # "10°": an ordinal
    one, many = UNITS[unit]
    gender = "f" if unit in _FEMININE_UNITS else "m"
    spoken = f"{_number(n, gender)} {one if n == '1' else many}"
    if m.group("per"):
        spoken += " per " + UNITS[m.group("per")][0]
    return ("meno " if m.group("neg") else "") + spoken


def date(d: int, month: int, y: str | None) -> str:
    out = f"{'primo' if d == 1 else cardinal(d)} {MONTHS[month - 1]}"
    return out + (f" {cardinal(int(y))}" if y else "")


def clock(m: re.Match) -> str:
    h, minute = int(m.group("h")), int(m.group("m"))
    out = "una" if h == 1 else cardinal(h)
    if minute == 15:
        out += " e un quarto"
    elif minute == 30:
        out += " e mezza"
    elif minute:
        out += f" e {cardinal(minute)} minuti" if minute != 1 else " e un minuto"
    if m.group("s") and int(m.group("s")):
        out += f" e {cardinal(int(m.group('s')))} secondi"
    return out


def fraction_match(m: re.Match) -> str:
    num, den = int(m.group("num")), int(m.group("den"))
    if not den:
        return m.group()
    spoken = fraction(num, den)
    if m.group("whole"):
        spoken = f"{cardinal(int(m.group('whole')))} e {spoken.removeprefix('un ') if num == 1 and den == 2 else spoken}"
    return ("meno " if m.group("neg") else "") + spoken


# "1 casa" → "una casa", "1 libro" → "un libro", "1 studente" → "uno studente"
_ONE_BEFORE = re.compile(r"(?=1)(?<![\w.,])1\s(?P<noun>[a-zàèéìòù]{2,})\b")
_UNO = re.compile(r"s[^aeiou]|z|gn|ps|x|y")


def _one(m: re.Match) -> str:
    noun = m.group("noun")
    if noun.endswith(("a", "à")) and noun not in ("problema", "sistema", "tema", "programma", "giorno"):
        return "una " + noun
    return ("uno " if _UNO.match(noun) else "un ") + noun


def phone(m: re.Match) -> str:
    if not m.group("cc") and (sum(c.isdigit() for c in m.group("num")) < 9 or m.group("num").isdigit()
                              and not m.group("num").startswith("0")):
        return m.group()
    head = f"più {cardinal(int(m.group('cc')))} " if m.group("cc") else ""
    return head + " ".join(cardinal(int(d)) for d in m.group("num") if d.isdigit())


def _with_digits(text: str, low: str) -> str:
    """The rules for written numbers, in order; ``low`` is the text in lower case for the quick looks."""
    seps = separators(text)
    if seps & {"/", ".", "-"}:
        text = NUMERIC.sub(lambda m: date(int(m.group("d")), int(m.group("m")), m.group("y"))
                           if 1 <= int(m.group("m")) <= 12 and 1 <= int(m.group("d")) <= 31 else m.group(), text)
    if has_any(low, MONTHS):
        text = NAMED.sub(lambda m: date(int(m.group("d")), MONTHS.index(m.group("mon").lower()) + 1, m.group("y")), text)
    text = PHONE.sub(phone, text)
    if ":" in seps or "." in seps:
        text = CLOCK.sub(clock, text)
    if has_any(low, MONEY_KEYS):
        text = MONEY.sub(money, text)
    text = MEASURE.sub(measure, text)
    if "/" in text:
        text = FRACTION.sub(fraction_match, text)
    if has_any(text, "ºª°"):
        text = ORDINAL.sub(lambda m: ordinal(int(m.group("n")), "f" if m.group("suf") == "ª" else "m"), text)
    if "," in seps:
        text = DECIMAL.sub(lambda m: ("meno " if m.group("neg") else "") + _number(m.group().lstrip("-−")), text)
    if "." in seps or " " in seps:
        text = GROUPED.sub(lambda m: cardinal(integer(m.group())), text)
    if "1 " in text:
        text = _ONE_BEFORE.sub(_one, text)
    if "n." in low:
        text = _NUMERO.sub("numero ", text)
    return text


class ItalianNormalizer(RomanceNormalizer):
    web = WEB
    minus = "meno"
    digit = _DIGIT
    with_digits = staticmethod(_with_digits)
    ordinal = staticmethod(ordinal)

    def words(self, text: str, low: str) -> str:
        if has_any(low, _ABBR_KEYS):
            text = _ABBR.sub(lambda m: lookup(ABBREVIATIONS, m.group()) or m.group(), text)
        return text

    def _number(self, text: str) -> str:
        if text.isdigit():
            return cardinal(int(text))
        return super()._number(text)
