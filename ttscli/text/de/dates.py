"""German dates, ordinals and times: "am 3. Mai" → "am dritten Mai", "03.05.2024", "14:30 Uhr".

An ordinal takes the ending its article asks for: after "am", "im", "vom",
"zum", "dem", "den", "des" it is "-en" ("am dritten Mai"), after "der", "die",
"das" "-e" ("der dritte Mai"), and in a date without an article "-er"
("dritter Mai", the month is masculine).
"""

from __future__ import annotations

import re

from ..en.dates import valid
from ..intl import _words, integer_words

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober",
          "November", "Dezember")
_ABBR = {"jan": 1, "feb": 2, "mär": 3, "mrz": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
         "okt": 10, "nov": 11, "dez": 12, "jän": 1}
MONTH_NUMBER = {m.lower(): i + 1 for i, m in enumerate(MONTHS)} | _ABBR
_MONTH = "(?P<month>(?i:" + "|".join(sorted(MONTH_NUMBER, key=len, reverse=True)) + r"))(?:\.|(?![\wäöü]))"
_EN = "am|im|vom|zum|beim|dem|den|des|einem|einen|eines|einer|ab|seit|zur|ihrem|seinem|ihren|seinen|ihrer|seiner"
_E = "der|die|das|eine|jede|jeder|jedes"
_ARTICLE = rf"(?P<art>\b(?i:{_EN}|{_E}|ein|bis|und)\s+)?"
# "vom 12. bis 14. Oktober": after "bis"/"und" the ordinal keeps the case of the one before it.
_EN_BEFORE = re.compile(rf"\b(?i:{_EN})\s+\S+\s+$")
DAY_MONTH = re.compile(rf"{_ARTICLE}(?<![\d.,])(?P<day>[0-3]?\d)\.\s*{_MONTH}(?:\s+(?P<year>\d{{4}}))?(?![\d])")
NUMERIC = re.compile(rf"{_ARTICLE}(?<![\d.,])(?P<day>[0-3]?\d)\.(?P<mon>[01]?\d)\.(?P<year>\d{{4}}|\d\d)?(?![\d.]\d)")
ISO = re.compile(rf"{_ARTICLE}(?<![\d.,-])(?P<year>\d{{4}})-(?P<mon>[01]?\d)-(?P<day>[0-3]?\d)(?![\d-])")
# "der 2. Platz", "am 1. Tag", "vom 3. bis zum 5.": an ordinal after an article.
ORDINAL = re.compile(rf"(?P<art>\b(?i:{_EN}|{_E}|ein|bis|und)\s+)(?P<n>\d{{1,4}})\.(?=\s+(?:[A-ZÄÖÜ]|bis\b|und\b|oder\b))")
CLOCK = re.compile(r"(?<![\d.,:])(?P<h>[0-2]?\d)[:.](?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?(?P<uhr>\s*Uhr\b)?(?![\d,])")
SCORE = re.compile(r"(?<![\d.,:])(\d{1,3}):(\d)(?![\d:])")
HOUR = re.compile(r"(?<![\d.,:])(?P<h>[0-2]?\d)\s*Uhr\b")


def ordinal(n: int, ending: str) -> str:
    """3, "en" → "dritten"; 3, "er" → "dritter"; 3, "e" → "dritte"."""
    stem = _words(str(n), "de", "ordinal")  # "dritte"
    return stem if ending == "e" else stem + ending[1:]


def _ending(m: re.Match, default: str = "er") -> str:
    article = m.group("art")
    if not article:
        return default
    word = article.strip().lower()
    if word in ("bis", "und"):
        return "en" if _EN_BEFORE.search(m.string, max(0, m.start() - 40), m.start()) else default
    if word == "ein":
        return "er"
    return "e" if word in _E.split("|") else "en"


def year(n: int) -> str:
    return _words(str(n), "de", "year")


def _date(m: re.Match, month: int, day: int, year_text: str | None) -> str:
    if not valid(month, day):
        return m.group()
    art = m.group("art") or ""
    out = f"{art}{ordinal(day, _ending(m))} {MONTHS[month - 1]}"
    if year_text:
        y = int(year_text) if len(year_text) == 4 else 2000 + int(year_text)
        out += " " + year(y)
    return out


def _day_month(m: re.Match) -> str:
    written = m.group("month")
    out = _date(m, MONTH_NUMBER[written.lower()], int(m.group("day")), m.group("year"))
    full = written.lower() in (name.lower() for name in MONTHS)
    return out + "." if full and m.group().endswith(".") and out != m.group() else out


def _numeric(m: re.Match) -> str:
    return _date(m, int(m.group("mon")), int(m.group("day")), m.group("year"))


def cardinal_before_noun(n: int, feminine: bool = False) -> str:
    """1 before a noun is "ein"/"eine", not "eins"."""
    if n == 1:
        return "eine" if feminine else "ein"
    words = integer_words(str(n), "de")
    return words[:-1] if words.endswith("eins") and n % 100 == 1 else words  # hunderteins → hundertein


def _clock(m: re.Match) -> str:
    h, minute = int(m.group("h")), int(m.group("m"))
    if h > 24 or (m.string[m.start("m") - 1] == "." and not m.group("uhr")):
        return m.group()  # "3.45" without "Uhr" is not a time
    out = f"{cardinal_before_noun(h)} Uhr"
    if m.group("s"):
        sec = int(m.group("s"))
        out += f" {cardinal_before_noun(minute, True)} {'Minute' if minute == 1 else 'Minuten'}"
        return out + f" {cardinal_before_noun(sec, True)} {'Sekunde' if sec == 1 else 'Sekunden'}"
    return out + (f" {_words(str(minute), 'de')}" if minute else "")


def expand(text: str) -> str:
    if "-" in text:
        text = ISO.sub(_numeric, text)
    if "." in text:
        text = NUMERIC.sub(_numeric, text)
        text = DAY_MONTH.sub(_day_month, text)
        text = ORDINAL.sub(lambda m: m.group("art") + ordinal(int(m.group("n")), _ending(m)), text)
    if ":" in text or "Uhr" in text:
        text = CLOCK.sub(_clock, text)
        text = SCORE.sub(r"\1 zu \2", text)
        text = HOUR.sub(lambda m: f"{cardinal_before_noun(int(m.group('h')))} Uhr", text)
    return text
