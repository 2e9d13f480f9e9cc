"""German normalization: dates and ordinals with their case endings, times, money, units,
fractions, decimals with a comma and common abbreviations; cardinals and percentages
through the shared num2words rules (text.intl)."""

from __future__ import annotations

import re

from ..en import web
from ..intl import NumberNormalizer, _words
from . import dates, measures

ABBREVIATIONS = {
    "z. B.": "zum Beispiel", "z.B.": "zum Beispiel", "d. h.": "das heißt", "d.h.": "das heißt",
    "u. a.": "unter anderem", "u.a.": "unter anderem", "usw.": "und so weiter", "bzw.": "beziehungsweise",
    "ca.": "circa", "evtl.": "eventuell", "ggf.": "gegebenenfalls", "inkl.": "inklusive", "zzgl.": "zuzüglich",
    "Nr.": "Nummer", "Dr.": "Doktor", "Prof.": "Professor", "Str.": "Straße", "Hr.": "Herr", "Fr.": "Frau",
    "v. Chr.": "vor Christus", "n. Chr.": "nach Christus", "etc.": "et cetera", "vgl.": "vergleiche",
    "Mio.": "Millionen", "Mrd.": "Milliarden", "Tel.": "Telefon", "S.": "Seite", "Abb.": "Abbildung",
}
_ABBR = re.compile(r"(?<![\w.])(" + "|".join(re.escape(a) for a in sorted(ABBREVIATIONS, key=len, reverse=True))
                   + r")(?=\s|$|[,;:!?)])")
WEB = web.Reading(
    {".": " Punkt ", "/": " Slash ", "-": " Bindestrich ", "_": " Unterstrich ", "@": " at ", "+": " plus ",
     ":": " Doppelpunkt ", "?": " Fragezeichen ", "=": " Gleichheitszeichen ", "&": " und ", "#": " Raute ",
     "%": " Prozent ", "~": " Tilde ", "\\": " Backslash "},
    lambda digits: " ".join(_words(d, "de") for d in digits))
_DIGIT = re.compile(r"[\d½⅓⅔¼¾⅛]")
# "1990" is a year ("neunzehnhundertneunzig"); "1 Stunde" is "eine Stunde".
YEAR = re.compile(r"(?<![\d.,])(1[1-9]\d\d)(?!\d|[.,]\d|\s?(?:%|€|\$|£))")
ONE = re.compile(r"(?<![\d.,])1\s(?=[A-ZÄÖÜ]\w*)(?P<noun>[A-ZÄÖÜ]\w*)?")
_FEMININE = re.compile(r"(?:e|ung|heit|keit|schaft|ion|tät|nacht|stadt|frau)$")
# Numbers with a leading zero and phone numbers are read digit by digit.
# "+49 30 123456": the country code and every group digit by digit.
INTERNATIONAL = re.compile(r"(?<![\w+])\+(?P<num>\d{1,3}(?:[ /-]\(?\d+\)?)+)")
# "10-20 Grad", "1999–2001": a range is read with "bis".
RANGE = re.compile(r"(?<=\d)\s?[–—-]\s?(?=\d)")
# "die 90er", "in den 1990ern": a decade.
DECADE = re.compile(r"(?<![\d.,])(\d{1,3}0)er(n?)\b")
DIGITS = re.compile(r"(?P<cue>\b(?:Tel\.|Fax|Telefon|Handy|Mobil):?\s)?(?P<num>(?(cue)[\d /-]*\d|(?<![\d.,:-])0\d+(?:[ /-]\d+)*(?![.,:]?\d)))")
_NAMES_ROMAN = re.compile(r"\b([A-Z][a-zäöü]+) ([IVXLC]+)\.(?=\s)")
_SINGULAR_AFTER_ONE = {"Millionen": "Million", "Milliarden": "Milliarde"}


class GermanNormalizer(NumberNormalizer):
    def __init__(self, lang: str = "de"):
        super().__init__(lang)

    def _number(self, text: str) -> str:
        return measures.number(text) if "," in text else super()._number(text)

    def _abbreviation(self, m: re.Match) -> str:
        abbr = m.group(1)
        if abbr in ("Mio.", "Mrd.", "S.", "Fr.") and not re.search(r"\d\s*$|\S", m.string[:m.start()][-3:]):
            return abbr
        spoken = ABBREVIATIONS[abbr]
        return _SINGULAR_AFTER_ONE.get(spoken, spoken) if re.search(r"(?<![\d.,])1\s*$", m.string[:m.start()]) \
            else spoken

    def _groups(self, text: str) -> str:
        return ", ".join(" ".join(self._number(d) for d in group) for group in re.findall(r"\d+", text))

    def _digits(self, m: re.Match) -> str:
        return (m.group("cue") or "") + self._groups(m.group("num"))

    @staticmethod
    def _regnal(m: re.Match) -> str:
        from ..en.roman import REGNAL_NAMES, value

        n = value(m.group(2))
        if m.group(1) not in REGNAL_NAMES or not n:
            return m.group()
        return f"{m.group(1)} der {dates.ordinal(n, 'e').capitalize()}"

    @staticmethod
    def _one(m: re.Match) -> str:
        noun = m.group("noun") or ""
        return ("eine " if _FEMININE.search(noun.lower()) else "ein ") + noun

    def normalize(self, text: str, heading: bool = False) -> str:
        text = web.expand(text, WEB)
        if _DIGIT.search(text):
            text = INTERNATIONAL.sub(lambda m: "plus " + self._groups(m.group("num")), text)
            text = DIGITS.sub(self._digits, text)
            text = DECADE.sub(lambda m: (dates.year(int(m.group(1))) if len(m.group(1)) == 4 else
                                         _words(m.group(1), "de")) + "er" + m.group(2), text)
            text = dates.expand(text)
            text = measures.expand(text)
            text = RANGE.sub(" bis ", text)
            text = YEAR.sub(lambda m: dates.year(int(m.group(1))), text)
            text = ONE.sub(self._one, text)
        if "." in text:
            text = _NAMES_ROMAN.sub(self._regnal, text)
            text = _ABBR.sub(self._abbreviation, text)
        return super().normalize(text, heading)
