"""English normalization: written text → the words a reader would say.

The rules run in a fixed order, most specific first, each a few regex passes
over the paragraph: addresses (URLs, e-mail), dates and times, phone numbers
and ranges, money, percentages and units, abbreviations, Roman numerals,
symbols, and finally whatever numbers remain. Spoken-form text passes through
unchanged, so normalizing twice is the same as once.
"""

from __future__ import annotations

import re

from ..lazy_re import lazy
from ..cleanup import tidy
from . import abbrev, address, fractions, roman, symbols, web, words
from .context import EnglishOptions

_DIGIT = lazy(r"[\d" + fractions.VULGAR_CHARS + "]")
_SPELL_DIGITS = {str(i): w for i, w in enumerate(words.DIGIT_WORDS)}


def _numbers_first(text: str, opts: EnglishOptions) -> str:
    """The rules for text with digits, most specific first. Their modules (and their regexes) are
    imported when the first digit is seen: a one-shot `say "Hello there."` never compiles them."""
    from . import dates, digits, measures, ranges, times, years

    text = digits.expand(text)
    text = dates.expand(text, opts)
    text = times.expand(text, opts)
    text = years.expand(text, opts.british)
    text = address.expand(text, opts.british)
    text = ranges.expand(text, opts.british)
    text = digits.groups(text)
    text = fractions.expand(text, opts.british)
    return measures.expand(text, opts.british)


class EnglishNormalizer:
    code = "en"

    def __init__(self, lang: str = "en-us", date_order: str | None = None):
        self.options = EnglishOptions.for_language(lang, date_order)

    def normalize(self, text: str, heading: bool = False) -> str:
        opts = self.options
        text = web.expand(text)
        has_digits = _DIGIT.search(text) is not None
        if has_digits:
            text = _numbers_first(text, opts)
        else:
            text = address.states(text)
        text = abbrev.expand(text)
        text = roman.expand(text, heading, opts.british)
        if has_digits:
            from . import numbers

            text = numbers.expand(symbols.about(text), opts.british)
        text = symbols.expand(text)
        return tidy(text)

    # --- SSML <say-as>
    def spell(self, text: str) -> str:
        """Letters one by one: "ABC" → "A-B-C" (espeak-ng reads a lone "a" as the article)."""
        parts = [_SPELL_DIGITS.get(c, c.upper()) for c in text if c.isalnum()]
        return "-".join(parts)

    def say_as(self, kind: str, text: str, fmt: str | None = None) -> str | None:
        b = self.options.british
        digits = re.sub(r"[^\d.]", "", text)
        if kind in ("characters", "spell-out", "verbatim"):
            return self.spell(text)
        if kind in ("cardinal", "number") and re.fullmatch(r"-?\d[\d,]*(?:\.\d+)?", text.strip()):
            sign = "minus " if text.strip().startswith("-") else ""
            return sign + words.number(digits.lstrip("-"), b)
        if kind == "ordinal" and re.fullmatch(r"\d[\d,]*(?:st|nd|rd|th)?", text.strip()):
            return words.ordinal(int(re.sub(r"\D", "", text)), b)
        if kind == "digits" and digits:
            return words.digits(text)
        if kind == "telephone" and re.search(r"\d", text):
            from . import ranges

            return ranges.phone(text, plus=text.strip().startswith("+"))
        if kind == "date":
            return self._date(text, fmt)
        return None

    def _date(self, text: str, fmt: str | None) -> str | None:
        from . import dates

        parts = [int(p) for p in re.findall(r"\d+", text)]
        fmt = (fmt or self.options.date_order).lower()
        if len(parts) != len(fmt) or not set(fmt) <= set("dmy") or len(set(fmt)) != len(fmt):
            return None
        got = dict(zip(fmt, parts))
        month, day, year = got.get("m"), got.get("d"), got.get("y")
        if month is None:
            return words.year(year, self.options.british) if year is not None and day is None else None
        if not 1 <= month <= 12 or (day is not None and not dates.valid(month, day)):
            return None
        return dates.say_date(month, day, year, self.options, day_first=fmt.index("d") < fmt.index("m")
                              if day is not None else None)


__all__ = ["EnglishNormalizer", "EnglishOptions"]
