"""English number words: cardinal, ordinal, year, decimal and digit-by-digit forms.

The words are num2words' English ones, spelt here (``_spelt``, ``_ordinal_of``,
``_year_spelt``): importing num2words loads every language it has, 20–26 ms on the first
number of a short call, and the English rules are a few lines. tests/test_en_words.py holds
them to num2words word for word. This module adapts them to what a speech engine reads well:
no commas (espeak-ng pauses at them), American style without "and" ("one hundred five")
unless British style is asked for, and "oh" rather than "oh-" in years. Results are cached:
the same few numbers recur in books.
"""

from __future__ import annotations

from functools import lru_cache

from ..lazy_re import lazy

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
_AND = lazy(r"\band\s+")
MAX_CARDINAL_DIGITS = 15  # longer digit strings are read digit by digit (ids, card numbers)


_ONES = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen")
_TENS = ("", "", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety")
_SCALES = ("", " thousand", " million", " billion", " trillion", " quadrillion")
_ORDINALS = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth", "nine": "ninth",
             "twelve": "twelfth"}


def _below_thousand(n: int) -> str:
    hundreds, rest = divmod(n, 100)
    if rest < 20:
        tail = _ONES[rest]
    else:
        tail = _TENS[rest // 10] + (f"-{_ONES[rest % 10]}" if rest % 10 else "")
    if not hundreds:
        return tail
    return f"{_ONES[hundreds]} hundred" + (f" and {tail}" if rest else "")


def _spelt(n: int) -> str:
    """num2words' English cardinal: 'one thousand, two hundred and five', 'one million and fifty'."""
    if n < 0:
        return "minus " + _spelt(-n)
    if n == 0:
        return "zero"
    groups: list[tuple[int, int]] = []  # (value, scale index), the highest first
    scale = 0
    while n:
        n, group = divmod(n, 1000)
        if group:
            groups.insert(0, (group, scale))
        scale += 1
    words = ""
    for i, (group, scale) in enumerate(groups):
        if i:  # "and" before a last group under a hundred, else a comma
            words += " and " if i == len(groups) - 1 and scale == 0 and group < 100 else ", "
        words += _below_thousand(group) + _SCALES[scale]
    return words


def _ordinal_of(cardinal_words: str) -> str:
    head, sep, last = cardinal_words.rpartition(" ")
    stem, hyphen, word = last.rpartition("-")
    if word in _ORDINALS:
        word = _ORDINALS[word]
    else:
        word = (word[:-1] + "ie" if word.endswith("y") else word) + "th"
    return head + sep + stem + hyphen + word


def _year_spelt(n: int) -> str:
    """num2words' English year, for 0 < n < 10000: 'nineteen oh-five', 'twenty ten'."""
    high, low = divmod(n, 100)
    if high == 0 or (high % 10 == 0 and low < 10):
        return _spelt(n)
    if low == 0:
        return f"{_spelt(high)} hundred"
    return f"{_spelt(high)} {'oh-' if low < 10 else ''}{_spelt(low)}"




def _clean(words: str, british: bool) -> str:
    words = words.replace(",", "")
    if not british:
        words = _AND.sub("", words)
    return " ".join(words.split())


@lru_cache(maxsize=8192)
def cardinal(n: int, british: bool = False) -> str:
    if len(str(abs(n))) > MAX_CARDINAL_DIGITS:
        return ("minus " if n < 0 else "") + digits(str(abs(n)))
    return _clean(_spelt(n), british)


@lru_cache(maxsize=4096)
def ordinal(n: int, british: bool = False) -> str:
    if len(str(abs(n))) > MAX_CARDINAL_DIGITS:
        return digits(str(n))
    if n < 0:  # as num2words refuses it
        raise TypeError(f"Cannot treat negative num {n} as ordinal.")
    return _clean(_ordinal_of(_spelt(n)), british)


@lru_cache(maxsize=4096)
def year(n: int, british: bool = False) -> str:
    """1990 → nineteen ninety, 1905 → nineteen oh five, 2024 → twenty twenty-four."""
    if not 0 < n < 10000:
        return cardinal(n, british)
    return _clean(_year_spelt(n), british).replace("oh-", "oh ")


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
