"""French normalization: dates, times, money, units, fractions, decimals (text.fr.rules), ordinals with
their abbreviations (1er, 1re, 2e, 2nd, XXe siècle, Louis XIV) and common abbreviations (M., Mme, Dr, p., n°);
cardinals and percentages through the shared num2words rules (text.intl)."""

from __future__ import annotations

import re

from ..intl import NumberNormalizer, _words
from ..romance_rules import SUPERSCRIPT, cased, digit_sentences, has_any, integer, lookup, roman, table_pattern
from . import rules

ABBREVIATIONS = {
    "MM.": "messieurs", "Mme": "madame", "Mmes": "mesdames", "Mlle": "mademoiselle",
    "Mlles": "mesdemoiselles", "Dr": "docteur", "Dr.": "docteur", "Dre": "docteure", "Drs": "docteurs",
    "Dres": "docteures", "Pr": "professeur", "Pr.": "professeur", "Mgr": "monseigneur",
    "St": "saint", "Ste": "sainte", "etc.": "et cetera", "n°": "numéro", "nº": "numéro", "N°": "numéro",
    "av.": "avenue", "bd": "boulevard", "bd.": "boulevard", "env.": "environ", "cf.": "confer",
    "c.-à-d.": "c'est-à-dire", "p. ex.": "par exemple", "tél.": "téléphone", "vol.": "volume", "chap.": "chapitre",
    "Cie": "compagnie", "av. J.-C.": "avant Jésus-Christ", "apr. J.-C.": "après Jésus-Christ", "éd.": "édition",
}
_ABBR = table_pattern(ABBREVIATIONS, any_case=False)
_ABBR_KEYS = tuple(ABBREVIATIONS)
_SUPERSCRIPTS = re.compile("[ᵃ-ᶻʳˡˢ]")
_UPPER_ROMAN = re.compile("[IVXLC]")
_PAGE = re.compile(r"(?<![\w.])(?P<p>pp?)\.\s?(?=\d)")
_MONSIEUR = re.compile(r"(?<![\w.])M\.\s(?=[A-ZÉ])")
ORDINAL = re.compile(r"(?=\d)(?<![\w.,])(?P<n>\d{1,3}(?:[\u00a0\u202f ]\d{3})+|\d+)"
                     r"(?P<suf>er|re|ère|ere|nde?|e|ème|eme|è|°)(?![\w\d])")
# "XIXe", "Ve", "Ier"; a lone L, C, D or M before "e" is a word ("Le", "Ce", "De", "Me")
ROMAN_ORDINAL = re.compile(r"\b(?P<r>[IVXLCDM]{2,}|[IVX])(?P<suf>er|re|ère|e|ème)\b")
REGNAL = re.compile(r"\b(?P<name>Louis|Henri|Charles|François|Philippe|Napoléon|Jean|Léon|Pie|Benoît|Jean-Paul|"
                    r"Guillaume|Édouard|Richard|Élisabeth|Catherine|Marie|Pierre|Clovis|Robert|Hugues|Frédéric|"
                    r"Alexandre|Nicolas|Paul|Innocent|Grégoire|Clément|Urbain|Boniface|Victor-Emmanuel|Albert|"
                    r"Rainier|Baudouin|Léopold|Isabelle|Ferdinand|Alphonse)\s+(?P<r>[IVXLC]+)\b(?!')")
_NAMED_ROMAN = re.compile(rf"\b(?P<word>{cased('tome chapitre acte livre partie volume scène article titre'.split())})"
                          r"\s+(?P<r>[IVXLC]+)\b")


def _sentence_start(m: re.Match) -> bool:
    before = m.string[:m.start()].rstrip()
    return not before or before[-1] in ".!?…"


def _abbreviation(m: re.Match) -> str:
    spoken = lookup(ABBREVIATIONS, m.group()) or m.group()
    return spoken[0].upper() + spoken[1:] if _sentence_start(m) and m.group()[0].isupper() else spoken


def _ordinal(m: re.Match) -> str:
    suf = m.group("suf")
    n = integer(m.group("n"))
    if suf.startswith("nd"):
        return "seconde" if suf == "nde" else "second"
    return rules.ordinal(n, feminine=suf in ("re", "ère", "ere"))


def _roman_ordinal(m: re.Match) -> str:
    n = roman(m.group("r"))
    return rules.ordinal(n, m.group("suf") in ("re", "ère")) if n else m.group()


def _regnal(m: re.Match) -> str:
    n = roman(m.group("r"))
    if not n:
        return m.group()
    return f"{m.group('name')} {'premier' if n == 1 else _words(str(n), 'fr')}"


def _named_roman(m: re.Match) -> str:
    n = roman(m.group("r"))
    return f"{m.group('word')} {_words(str(n), 'fr')}" if n else m.group()


def _with_digits(text: str, low: str) -> str:
    """The rules for written numbers, in order, on one sentence."""
    if has_any(text, "/.-"):
        text = rules.NUMERIC.sub(rules.numeric_date, text)
    if has_any(low, rules.MONTHS):
        text = rules.DAY_LIST.sub(rules.day_list, text)
        text = rules.NAMED.sub(rules.named_date, text)
    if ":" in text or "h" in text:
        text = rules.CLOCK.sub(rules.clock, text)
    if has_any(text, rules.CURRENCIES):
        text = rules.MONEY.sub(rules.money, text)
    text = rules.UNIT.sub(rules.units, text)
    text = ORDINAL.sub(_ordinal, text)
    if "/" in text:
        text = rules.FRACTION.sub(rules.fraction, text)
    if "," in text:
        text = rules.COMMA_GROUPS.sub(lambda m: _words(m.group().replace(",", ""), "fr"), text)
        text = rules.DECIMAL.sub(rules.decimal, text)
    if "p." in low or "pp." in low:
        text = _PAGE.sub(lambda m: "pages " if m.group("p") == "pp" else "page ", text)
    return text


class FrenchNormalizer(NumberNormalizer):
    def __init__(self, lang: str = "fr"):
        super().__init__(lang)

    def say_as(self, kind: str, text: str, fmt: str | None = None) -> str | None:
        if kind == "ordinal" and text.strip().isdigit():
            return rules.ordinal(int(text.strip()), fmt in ("f", "feminine"))
        return super().say_as(kind, text, fmt)

    def normalize(self, text: str, heading: bool = False) -> str:
        if _SUPERSCRIPTS.search(text):
            text = text.translate(SUPERSCRIPT)
        text = digit_sentences(text, _with_digits)
        if _UPPER_ROMAN.search(text):
            text = ROMAN_ORDINAL.sub(_roman_ordinal, text)
            text = REGNAL.sub(_regnal, text)
            text = _NAMED_ROMAN.sub(_named_roman, text)
        if "M." in text:
            text = _MONSIEUR.sub(lambda m: "Monsieur " if _sentence_start(m) else "monsieur ", text)
        if has_any(text, _ABBR_KEYS):
            text = _ABBR.sub(_abbreviation, text)
        return super().normalize(text, heading)
