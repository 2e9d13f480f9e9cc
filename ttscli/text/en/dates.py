"""Dates and times: "Jan. 7", "March 3rd, 2024", "12/05/2024", "2024-05-12", "5:30 pm", "9 a.m."

Numeric dates follow the date order (``--date-order``; default month first for
en-us, day first for other English locales). A date that is impossible in that
order but valid in the other (25/12/2024 under mdy) is read in the other order.
"""

from __future__ import annotations

import re

from . import words
from .context import EnglishOptions, stop

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_ABBR = {"Jan": 1, "Feb": 2, "Mar": 3, "Apr": 4, "Jun": 6, "Jul": 7, "Aug": 8, "Sep": 9, "Sept": 9, "Oct": 10,
         "Nov": 11, "Dec": 12}
MONTH_NUMBER = {name: i + 1 for i, name in enumerate(MONTHS)} | _ABBR
_MONTH = "(?P<month>" + "|".join(sorted(MONTH_NUMBER, key=len, reverse=True)) + r")(?:\.|(?![a-z]))"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4})(?![\d,.]\d|\w))?"
MONTH_DAY = re.compile(rf"(?=[JFMASOND])\b{_MONTH}\s+{_DAY}(?![\d:\w]){_YEAR}")
DAY_MONTH = re.compile(rf"(?=\d)(?<![\w.,]){_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}")
MONTH_YEAR = re.compile(rf"(?=[JFMASOND])\b{_MONTH},?\s+(?P<year>\d{{4}})(?![\d,.]\d|\w)")
ISO = re.compile(r"(?=\d)(?<![\w.,/-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w/-]|[.,]\d)")
NUMERIC = re.compile(r"(?=\d)(?<![\w.,/-])(\d{1,4})(?P<sep>[/.-])(\d{1,2})(?P=sep)(\d{2,4})(?![\w/-]|[.,]\d)")
MONTH_DAY_SHORT = re.compile(r"(?=\d)(?<![\w.,/-])(1[0-2]|0?[1-9])/([12]\d|3[01])(?![\w/]|[.,]\d)")
_AMPM = r"(?P<ampm>[ap]\.m\.|[AP]\.M\.|[ap]\.m(?!\w)|[ap]m(?!\w)|[AP]M(?!\w))"
CLOCK = re.compile(rf"(?=\d)(?<![\w.:])(?P<h>[0-2]?\d):(?P<m>[0-5]\d)(?::(?P<s>[0-5]\d))?(?![\d:])(?:\s*{_AMPM})?")
HOUR_AMPM = re.compile(rf"(?=\d)(?<![\w.:,])(?P<h>1[0-2]|0?[1-9])\s*{_AMPM}")
# Quick looks that let a paragraph skip passes that cannot match.
_MONTH_HINT = re.compile(r"(?=[JFMASOND])(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)")
_SEPARATED = re.compile(r"\d[/.-]\d")
_AMPM_HINT = re.compile(r"\d\s*[apAP]\.?[mM]")
_DAYS_IN = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def valid(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= _DAYS_IN[month - 1]


def say_date(month: int, day: int | None, year: int | None, opts: EnglishOptions,
             year_text: str | None = None, day_first: bool | None = None) -> str:
    """Spoken date; day_first (default: from the date order) picks "the 5th of May" over "May 5th"."""
    name = MONTHS[month - 1]
    year_words = ""
    if year is not None:
        year_words = words.year(year, opts.british) if (year_text is None or len(year_text) == 4) \
            else words.digits(year_text) if year_text.startswith("0") else words.cardinal(year, opts.british)
    if day is None:
        return f"{name} {year_words}".strip()
    if opts.date_order == "dmy" if day_first is None else day_first:
        out = f"the {words.ordinal(day, opts.british)} of {name}"
    else:
        out = f"{name} {words.ordinal(day, opts.british)}"
    return f"{out}, {year_words}" if year_words else out


def _named(m: re.Match, opts: EnglishOptions, day_first: bool) -> str:
    month = MONTH_NUMBER[m.group("month")]
    day = int(m.group("day")) if m.groupdict().get("day") else None
    if day is not None and not valid(month, day):
        return m.group()
    year = m.group("year")
    return say_date(month, day, int(year) if year else None, opts, day_first=day_first) + stop(m)


def _iso(m: re.Match, opts: EnglishOptions) -> str:
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    return say_date(month, day, year, opts) if valid(month, day) else m.group()


def _numeric(m: re.Match, opts: EnglishOptions) -> str:
    a, b, c = m.group(1), m.group(3), m.group(4)
    if len(a) == 4:  # 2024/05/12 is year-month-day whatever the order
        year_text, month, day = a, int(b), int(c)
        return say_date(month, day, int(year_text), opts) if valid(month, day) else m.group()
    if len(a) > 2 or len(c) == 3 or (m.group("sep") == "." and len(c) != 4):
        return m.group()
    first = "dmy" if opts.date_order == "dmy" else "mdy"
    for order in (first, "mdy" if first == "dmy" else "dmy"):
        month, day = (int(a), int(b)) if order == "mdy" else (int(b), int(a))
        if valid(month, day):
            return say_date(month, day, int(c), opts, year_text=c)
    return m.group()


def _month_day_short(m: re.Match, opts: EnglishOptions) -> str:
    month, day = int(m.group(1)), int(m.group(2))
    if opts.date_order == "dmy":
        month, day = day, month
    return say_date(month, day, None, opts) if valid(month, day) else m.group()


def _ampm(m: re.Match) -> str:
    letter = m.group("ampm")[0].upper()
    return f" {letter}M" + stop(m)


def _clock(m: re.Match, opts: EnglishOptions) -> str:
    h, minute = int(m.group("h")), int(m.group("m"))
    if h > 24:
        return m.group()
    b = opts.british
    hour = words.cardinal(h, b)
    if minute == 0:
        mins = "" if m.group("ampm") else (" o'clock" if 1 <= h <= 12 else " hundred")
    elif minute < 10:
        mins = " oh " + words.cardinal(minute, b)
    else:
        mins = " " + words.cardinal(minute, b)
    secs = ""
    if m.group("s") and int(m.group("s")):
        sec = int(m.group("s"))
        secs = f" and {words.cardinal(sec, b)} second{'s' if sec != 1 else ''}"
    return hour + mins + secs + (_ampm(m) if m.group("ampm") else "")


def expand(text: str, opts: EnglishOptions) -> str:
    if _SEPARATED.search(text):
        if "-" in text:
            text = ISO.sub(lambda m: _iso(m, opts), text)
        text = NUMERIC.sub(lambda m: _numeric(m, opts), text)
        if "/" in text:
            text = MONTH_DAY_SHORT.sub(lambda m: _month_day_short(m, opts), text)
    if _MONTH_HINT.search(text):
        text = MONTH_DAY.sub(lambda m: _named(m, opts, False), text)
        text = DAY_MONTH.sub(lambda m: _named(m, opts, True), text)
        text = MONTH_YEAR.sub(lambda m: _named(m, opts, False), text)
    if ":" in text:
        text = CLOCK.sub(lambda m: _clock(m, opts), text)
    if _AMPM_HINT.search(text):
        text = HOUR_AMPM.sub(lambda m: words.cardinal(int(m.group("h")), opts.british) + _ampm(m), text)
    return text
