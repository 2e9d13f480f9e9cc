"""Spanish normalization: every class English and German have, with Spanish gender agreement.

Order per paragraph: addresses (e-mail, URLs) → telephone numbers and IP addresses → dates →
times → money → measures → fractions → ordinals → decimals → abbreviations → the shared
num2words rules (text.intl) for the numbers left. See text.es.amounts and text.es.calendar.
"""

from __future__ import annotations

import re

from ..romance_rules import (RomanceNormalizer, Spelled, has_any, integer, lookup, separators, table_keys,
                             table_pattern)
from . import amounts, calendar
from .numbers import cardinal, ordinal

ABBREVIATIONS = {
    "Sr.": "señor", "Sra.": "señora", "Srta.": "señorita", "Sres.": "señores", "Sras.": "señoras",
    "Dr.": "doctor", "Dra.": "doctora", "Dres.": "doctores", "Lic.": "licenciado", "Lcda.": "licenciada",
    "Ing.": "ingeniero", "Arq.": "arquitecto", "Prof.": "profesor", "Profa.": "profesora", "Ud.": "usted",
    "Uds.": "ustedes", "Vd.": "usted", "Vds.": "ustedes", "Dña.": "doña", "Dª": "doña",
    "D.ª": "doña", "Sto.": "santo", "Sta.": "santa", "Gral.": "general", "Cnel.": "coronel",
    "etc.": "etcétera", "pág.": "página", "págs.": "páginas", "núm.": "número", "n.º": "número", "nº": "número",
    "tel.": "teléfono", "tfno.": "teléfono", "av.": "avenida", "avda.": "avenida", "pza.": "plaza",
    "c/": "calle", "esq.": "esquina", "EE. UU.": "Estados Unidos", "EE.UU.": "Estados Unidos",
    "aprox.": "aproximadamente", "p. ej.": "por ejemplo", "dpto.": "departamento", "depto.": "departamento",
    "cía.": "compañía", "vol.": "volumen", "cap.": "capítulo", "izq.": "izquierda", "dcha.": "derecha",
    "admón.": "administración", "S.A.": "sociedad anónima", "a. m.": "a m", "p. m.": "p m",
    "c.º": "camino", "bº": "barrio", "Bº": "barrio", "máx.": "máximo", "mín.": "mínimo", "ej.": "ejemplo",
}
_ABBR = table_pattern(ABBREVIATIONS)
_ABBR_KEYS = table_keys(ABBREVIATIONS)
_DIGIT = re.compile(r"[\d½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞]")
_VULGAR = re.compile("[½⅓⅔¼¾⅕⅖⅗⅘⅙⅚⅛⅜⅝⅞]")
_INTEGER = re.compile(r"\d{1,3}(?:[.\s\u00a0\u202f]\d{3})+|\d+")
_UPPER_ROMAN = re.compile(r"[IVXLC]{1,6}\s")
WEB = Spelled({".": " punto ", "/": " barra ", "-": " guion ", "_": " guion bajo ", "@": " arroba ",
               "+": " más ", ":": " dos puntos ", "?": " signo de interrogación ", "=": " igual ", "&": " y ",
               "#": " numeral ", "%": " por ciento ", "~": " virgulilla ", "\\": " barra invertida ",
               "!": " signo de exclamación ", "|": " barra vertical ", "^": " acento circunflejo "},
              cardinal)
# "+34 912 345 678", "+1 (123) 123-5678 ext. 12", "912-345-678", "555-1234", IP "192.168.0.1"
PHONE = re.compile(
    r"(?=[+(\d])(?<![\w+])(?:(?P<plus>\+)(?P<cc>\d{1,3})[\s-]?(?P<intl>(?:\(\d{1,4}\)\s?)?\d{2,4}(?:[\s.-]\d{2,4}){1,4})"
    r"|(?P<paren>\(\d{1,4}\)\s?\d{2,4}(?:[\s.-]\d{2,4}){1,3})"
    r"|(?P<dash>\d{3,4}(?:-\d{3,4}){1,3}))"
    r"(?:-(?P<ext1>\d{1,3})\b|\s?(?:[eE]xt\.?|EXT\.?|[eE]xtensión)\s?(?P<ext2>\d+))?(?![\w-])")
# "teléfono 600 123 456", "llame al 91 555 12 34": after such a word, digit groups are a number to dial
PHONE_CUE = re.compile(r"(?P<cue>\b(?:[tT]el\.|[tT]eléfono|[tT]fno\.|[mM]óvil|[cC]elular|[fF]ax|[wW]hats[aA]pp|"
                       r"[lL]l[aá]m\w*)(?:\s+\w+)?:?\s+)(?P<num>\d{2,3}(?:[\s.]\d{2,3}){2,4})(?![\w.,]?\d)")
# "21 casas" → "veintiuna casas", "1 libro" → "un libro": a number before a noun agrees with it
_NOUN_AFTER = re.compile(r"(?=\d)(?<![\w.,])(?P<n>\d{1,3}(?:\.\d{3})*)\s(?P<noun>[a-záéíóúñ]{3,})\b")
_MASCULINE_A = frozenset("día días mapa mapas problema problemas programa programas sistema sistemas tema temas idioma "
                         "idiomas clima planeta planetas poeta poetas cometa cometas drama dramas".split())
_FEMININE = frozenset("vez veces noche noches tarde tardes calle calles clase clases parte partes mujer mujeres flor "
                      "flores ley leyes luz luces voz voces red redes gente fuente fuentes frase frases llave llaves "
                      "muerte suerte leche carne nube nubes base bases torre torres imagen imágenes orden".split())
_FEMININE_END = ("a", "as", "ción", "ciones", "sión", "siones", "dad", "dades", "tad", "tades", "tud", "tudes", "umbre")
# Words that follow a number without being its noun: the number keeps its own form ("1 que", "21 para").
_NOT_NOUNS = frozenset("para sobre entre hasta desde contra según durante mediante tras menos más que como cuando "
                       "donde pero porque sino aunque mientras muy también solo sólo nada todo todos todas otra otro "
                       "otras otros esta este estos estas esa ese cada".split())
IP = re.compile(r"(?=\d)(?<![\w.])(?!\d{1,3}(?:\.\d{3}){3}(?!\d))\d{1,3}(?:\.\d{1,3}){3}(?![\w.]|\.\d)")
MATH = re.compile(r"(?<=\d)\s(?P<op>[+=×x-])\s(?=-?\d)")
_OPS = {"+": "más", "-": "menos", "=": "es igual a", "×": "por", "x": "por"}


def _agree(m: re.Match) -> str:
    noun = m.group("noun")
    n = integer(m.group("n"))
    if noun in _NOT_NOUNS or not (n % 10 == 1 and n % 100 != 11 or 200 <= n % 1000 < 1000):
        return m.group()
    feminine = noun in _FEMININE or noun.endswith(_FEMININE_END) and noun not in _MASCULINE_A
    return f"{cardinal(n, 'f' if feminine else 'm')} {noun}"


def _digits(text: str) -> str:
    return " ".join(cardinal(int(d)) for d in text if d.isdigit())


def phone(m: re.Match) -> str:
    out = []
    if m.group("plus"):
        cc = m.group("cc")
        out.append("más " + (cardinal(int(cc)) if len(cc) <= 2 else _digits(cc)))
    out.append(_digits(m.group("intl") or m.group("paren") or m.group("dash")))
    ext = m.group("ext1") or m.group("ext2")
    if ext:
        out.append("extensión " + _digits(ext))
    return " ".join(out)


def abbreviation(m: re.Match) -> str:
    """The words for an abbreviation, capitalized where a sentence starts."""
    spoken = lookup(ABBREVIATIONS, m.group()) or m.group()
    starts = not m.string[:m.start()].strip() or m.string[:m.start()].rstrip()[-1] in ".!?¿¡"
    return spoken[0].upper() + spoken[1:] if starts and m.group()[0].isupper() else spoken


def _with_digits(text: str, low: str) -> str:
    """The rules for written numbers, in order; ``low`` is the text in lower case for the quick looks."""
    if has_any(text, amounts.UNICODE_FRACTIONS):
        text = _VULGAR.sub(lambda m: amounts.UNICODE_FRACTIONS[m.group()], text)
    seps = separators(text)
    return _amounts(_calendar_and_phones(text, low, seps), low, seps)


def _calendar_and_phones(text: str, low: str, seps: set[str]) -> str:
    if "." in seps:
        text = IP.sub(lambda m: " punto ".join(_digits(g) for g in m.group().split(".")), text)
    months = has_any(low, calendar.MONTH_STEMS)
    if months and "." in text:
        text = calendar.WEEKDAY_ABBR.sub(lambda m: calendar.WEEKDAYS[m.group("wd").lower()], text)
    if seps & {"/", ".", "-"}:
        text = calendar.NUMERIC.sub(calendar.numeric, text)
    if "-" in text or "+" in text or "(" in text:
        text = PHONE.sub(phone, text)
    if has_any(low, ("tel", "fno", "móvil", "celular", "fax", "whats", "llam", "lláma")):
        text = PHONE_CUE.sub(lambda m: m.group("cue") + _digits(m.group("num")), text)
    if months:
        text = calendar.NAMED.sub(calendar.named, text)
        text = calendar.MONTH_FIRST.sub(calendar.named, text)
    if "c." in low or "ec" in low:
        text = calendar.ERA.sub(calendar.era, text)
    if calendar.CLOCK_HINT.search(text):
        text = calendar.CLOCK.sub(calendar.clock, text)
    return text


def _amounts(text: str, low: str, seps: set[str]) -> str:
    if has_any(low, amounts.MONEY_KEYS) or amounts.SHORT_CODE.search(low):
        text = amounts.MONEY.sub(amounts.money, text)
    if "/" in text:
        text = amounts.MEASURE_FRACTION.sub(amounts.measure, text)
    text = amounts.MEASURE.sub(amounts.measure, text)
    if "/" in text:
        text = amounts.FRACTION.sub(amounts.fraction_match, text)
    text = amounts.ORDINAL.sub(amounts.ordinal_match, text)
    if "," in seps:
        text = amounts.DECIMAL.sub(amounts.decimal_match, text)
    if "llon" in low or "llón" in low:
        text = amounts.SCALED.sub(amounts.scaled, text)
    text = _NOUN_AFTER.sub(_agree, text)
    if "." in seps or " " in seps:
        text = amounts.GROUPED.sub(lambda m: cardinal(integer(m.group())), text)
    if has_any(text, (" + ", " = ", " - ", " × ", " x ")):
        text = MATH.sub(lambda m: f" {_OPS[m.group('op')]} ", text)
    return text


class SpanishNormalizer(RomanceNormalizer):
    web = WEB
    minus = "menos"
    digit = _DIGIT
    with_digits = staticmethod(_with_digits)
    ordinal = staticmethod(ordinal)

    def words(self, text: str, low: str) -> str:
        if has_any(low, calendar.CENTURY_WORDS):
            text = calendar.CENTURY.sub(calendar.century, text)
        if has_any(low, calendar.KING_STEMS):
            text = calendar.REGNAL.sub(calendar.regnal, text)
        if _UPPER_ROMAN.search(text):
            text = calendar.ARTICLE_ROMAN.sub(calendar.article_roman, text)
        if has_any(low, _ABBR_KEYS):
            text = _ABBR.sub(abbreviation, text)
        return text

    def _number(self, text: str) -> str:
        if _INTEGER.fullmatch(text):
            return cardinal(integer(text))
        return super()._number(text)
