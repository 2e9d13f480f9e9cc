"""Dates: "Jan. 7", "march 3rd, 2024", "AUG 9 2021", "4 July 1976", "Mar-03-2019", "12/05/2024", "2024-05-12".

Numeric dates follow the date order (``--date-order``; default month first for
en-us, day first for other English locales). A date that is impossible in that
order but valid in the other (25/12/2024 under mdy) is read in the other order,
day first ("the twenty-fifth of December"). A slashed pair without a year
("7/4") is a date only after a word that announces one ("on 7/4"); elsewhere
it is a fraction. "the 26th May" keeps one "the".
"""

from __future__ import annotations

import re

from ..lazy_re import lazy
from . import words
from .context import EnglishOptions, article, stop

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_ABBR = {"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10,
         "nov": 11, "dec": 12}
MONTH_NUMBER = {name.lower(): i + 1 for i, name in enumerate(MONTHS)} | _ABBR
_MONTH = "(?P<month>(?i:" + "|".join(sorted(MONTH_NUMBER, key=len, reverse=True)) + r"))(?:\.|(?![A-Za-z]))"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?:,?\s+(?P<year>\d{4})(?![\d,.]\d|\w))?"
MONTH_DAY = lazy(rf"(?=[JFMASONDjfmasond])\b{_MONTH}\s+{_DAY}(?![\d:\w]){_YEAR}")
MONTH_DAY_DASH = lazy(rf"(?=[JFMASONDjfmasond])\b{_MONTH}-(?P<day>[0-3]?\d)(?:-(?P<year>\d{{4}}))?(?![\w-])")
DAY_MONTH = lazy(rf"(?=\d)(?<![\w.,]){_DAY}\s+(?:of\s+)?{_MONTH}{_YEAR}")
MONTH_YEAR = lazy(rf"(?=[JFMASONDjfmasond])\b{_MONTH},?\s+(?P<year>\d{{4}})(?![\d,.]\d|\w)")
ISO = lazy(r"(?=\d)(?<![\w.,/-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w/-]|[.,]\d)")
NUMERIC = lazy(r"(?=\d)(?<![\w.,/-])(\d{1,4})(?P<sep>[/.-])(\d{1,2})(?P=sep)(\d{2,4})(?![\w/-]|[.,]\d)")
_DATE_CUE = (r"(?i:on|by|due|until|till|since|from|before|after|through|thru|dated|starting|ending|"
             r"mon|tu|tue|tues|wed|thu|thur|thurs|fri|sat|sun|monday|tuesday|wednesday|thursday|friday|saturday|sunday)")
MONTH_DAY_SHORT = lazy(rf"(?P<cue>\b{_DATE_CUE}(?:,?\s|\s\())(1[0-2]|0?[1-9])/([12]\d|3[01]|0?[1-9])"
                             r"(?![\w/]|[.,]\d)")
# Quick looks that let a paragraph skip passes that cannot match.
_MON = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
_MONTH_HINT = lazy(rf"\b{_MON}[a-z]*\.?[\s,-]+\d|\d(?:st|nd|rd|th)?\s+(?:of\s+)?{_MON}")
_SEPARATED = lazy(r"\d[/.-]\d")
_WEEKDAY_HINT = lazy(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)\b")
_DAYS_IN = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def valid(month: int, day: int) -> bool:
    return 1 <= month <= 12 and 1 <= day <= _DAYS_IN[month - 1]


def say_date(month: int, day: int | None, year: int | None, opts: EnglishOptions,
             year_text: str | None = None, day_first: bool | None = None, the: str = "the ") -> str:
    """Spoken date; day_first (default: from the date order) picks "the 5th of May" over "May 5th"."""
    name = MONTHS[month - 1]
    year_words = ""
    if year is not None:
        year_words = words.year(year, opts.british) if (year_text is None or len(year_text) == 4) \
            else words.digits(year_text) if year_text.startswith("0") else words.cardinal(year, opts.british)
    if day is None:
        return f"{name} {year_words}".strip()
    if opts.date_order == "dmy" if day_first is None else day_first:
        out = f"{the}{words.ordinal(day, opts.british)} of {name}"
    else:
        out = f"{name} {words.ordinal(day, opts.british)}"
    return f"{out}, {year_words}" if year_words else out


def _named(m: re.Match, opts: EnglishOptions, day_first: bool) -> str:
    written = m.group("month")
    month = MONTH_NUMBER[written.lower()]
    if written == "may" or (written.islower() and written in ("mar", "jan") and not m.group("year")):
        return m.group()  # "you may 5": the verb; "mar" is a word too
    day = int(m.group("day")) if m.groupdict().get("day") else None
    if day is not None and not valid(month, day):
        return m.group()
    year = m.group("year")
    return say_date(month, day, int(year) if year else None, opts, day_first=day_first, the=article(m)) + stop(m)


def _iso(m: re.Match, opts: EnglishOptions) -> str:
    year, month, day = int(m.group(1)), int(m.group(2)), int(m.group(3))
    return say_date(month, day, year, opts, the=article(m)) if valid(month, day) else m.group()


def _numeric(m: re.Match, opts: EnglishOptions) -> str:
    a, b, c = m.group(1), m.group(3), m.group(4)
    if len(a) == 4:  # 2024/05/12 is year-month-day whatever the order
        year_text, month, day = a, int(b), int(c)
        return say_date(month, day, int(year_text), opts, the=article(m)) if valid(month, day) else m.group()
    if len(a) > 2 or len(c) == 3 or (m.group("sep") == "." and len(c) != 4):
        return m.group()
    first = "dmy" if opts.date_order == "dmy" else "mdy"
    for order in (first, "mdy" if first == "dmy" else "dmy"):
        month, day = (int(a), int(b)) if order == "mdy" else (int(b), int(a))
        if valid(month, day):
            return say_date(month, day, int(c), opts, year_text=c, day_first=order == "dmy", the=article(m))
    return m.group()


def _month_day_short(m: re.Match, opts: EnglishOptions) -> str:
    month, day = int(m.group(2)), int(m.group(3))
    if opts.date_order == "dmy":
        month, day = day, month
    return m.group("cue") + say_date(month, day, None, opts) if valid(month, day) else m.group()


_WEEKDAYS = {"mon": "Monday", "tue": "Tuesday", "tues": "Tuesday", "wed": "Wednesday", "thu": "Thursday",
             "thur": "Thursday", "thurs": "Thursday", "fri": "Friday", "sat": "Saturday", "sun": "Sunday"}
# "Mon, Jan 3", "Fri. 5/6/2024", "Sat 12 March": an abbreviated weekday before a date is said in full
WEEKDAY = lazy(r"(?=[MTWFS])\b(?P<wd>Mon|Tues?|Wed|Thu(?:rs?)?|Fri|Sat|Sun)\.?"
                     r"(?=,?\s+(?:[JFMASOND][a-z]{2}|\d{1,2}(?:[/.-]\d|(?:st|nd|rd|th)?\s+(?:of\s+)?[JFMASOND][a-z]{2})))")


def expand(text: str, opts: EnglishOptions) -> str:
    if _WEEKDAY_HINT.search(text):
        text = WEEKDAY.sub(lambda m: _WEEKDAYS[m.group("wd").lower()], text)
    if _SEPARATED.search(text):
        if "-" in text:
            text = ISO.sub(lambda m: _iso(m, opts), text)
        text = NUMERIC.sub(lambda m: _numeric(m, opts), text)
        if "/" in text:
            text = MONTH_DAY_SHORT.sub(lambda m: _month_day_short(m, opts), text)
    if _MONTH_HINT.search(text):
        text = MONTH_DAY.sub(lambda m: _named(m, opts, False), text)
        if "-" in text:
            text = MONTH_DAY_DASH.sub(lambda m: _named(m, opts, False), text)
        text = DAY_MONTH.sub(lambda m: _named(m, opts, True), text)
        text = MONTH_YEAR.sub(lambda m: _named(m, opts, False), text)
    return text
