"""English number words: cardinal, ordinal, year, decimal and digit-by-digit forms.

num2words does the arithmetic; this module adapts its output to what a speech
engine reads well: no commas (espeak-ng pauses at them), American style without
"and" ("one hundred five") unless British style is asked for, and "oh" rather
than "oh-" in years. Results are cached: the same few numbers recur in books.
"""

from __future__ import annotations

import re
from functools import lru_cache

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_AND = re.compile(r"\band\s+")
MAX_CARDINAL_DIGITS = 15  # longer digit strings are read digit by digit (ids, card numbers)


def _num2words(n: int, **how: str) -> str:
    from num2words import num2words  # imported on the first number: text without one never pays for it

    return num2words(n, lang="en", **how)


def _clean(words: str, british: bool) -> str:
    words = words.replace(",", "")
    if not british:
        words = _AND.sub("", words)
    return " ".join(words.split())


@lru_cache(maxsize=8192)
def cardinal(n: int, british: bool = False) -> str:
    if len(str(abs(n))) > MAX_CARDINAL_DIGITS:
        return ("minus " if n < 0 else "") + digits(str(abs(n)))
    return _clean(_num2words(n), british)


@lru_cache(maxsize=4096)
def ordinal(n: int, british: bool = False) -> str:
    if len(str(abs(n))) > MAX_CARDINAL_DIGITS:
        return digits(str(n))
    return _clean(_num2words(n, to="ordinal"), british)


@lru_cache(maxsize=4096)
def year(n: int, british: bool = False) -> str:
    """1990 → nineteen ninety, 1905 → nineteen oh five, 2024 → twenty twenty-four."""
    if not 0 < n < 10000:
        return cardinal(n, british)
    return _clean(_num2words(n, to="year"), british).replace("oh-", "oh ")


def digits(text: str) -> str:
    """'0215' → 'zero two one five' (every character that is a digit)."""
    return " ".join(DIGIT_WORDS[int(c)] for c in text if c.isdigit())


def decimal(integer: str, fraction: str, british: bool = False) -> str:
    """('3', '14') → 'three point one four'; ('', '5') → 'point five'."""
    head = cardinal(int(integer), british) + " " if integer else ""
    return f"{head}point {digits(fraction)}" if fraction else head.strip()


def number(text: str, british: bool = False) -> str:
    """A written unsigned number: '1,234', '3.5', '007', '.25'."""
    text = text.replace(",", "")
    integer, _, fraction = text.partition(".")
    if integer.startswith("0") and len(integer) > 1 and not fraction:
        return digits(integer)  # zip codes, ids, "007"
    return decimal(integer, fraction, british) if fraction else cardinal(int(integer or 0), british)


def plural(words: str) -> str:
    """The plural of the last number word: ninety → nineties, six → sixes."""
    head, _, last = words.rpartition(" ")
    if last.endswith("y"):
        last = last[:-1] + "ies"
    elif last.endswith(("x", "s")):
        last += "es"
    else:
        last += "s"
    return f"{head} {last}" if head else last
