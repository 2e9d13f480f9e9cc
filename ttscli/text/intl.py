"""Numbers for Spanish, French, German, Italian and Portuguese through num2words.

Each language writes numbers its own way: "1.234,5" (de, es, it, pt) or
"1 234,5" (fr) for 1234.5; a dot followed by anything but three digits is a
decimal point. Percentages and euro/dollar amounts get the language's words;
ordinal markers (1º, 1ª, 1er, 2e) become ordinals. Everything else is left to
espeak-ng, which reads these languages well.
"""

from __future__ import annotations

import re
from functools import lru_cache

from num2words import num2words

from .cleanup import tidy

PERCENT_WORDS = {"es": "por ciento", "fr": "pour cent", "de": "Prozent", "it": "per cento", "pt": "por cento"}
MINUS_WORDS = {"es": "menos", "fr": "moins", "de": "minus", "it": "meno", "pt": "menos"}
MINUS_SIGN = re.compile(r"(?:(?<=^)|(?<=[\s(]))[-−](?=\d)")
_SPACE_GROUP = "[ \u00a0\u202f]"
_NUMBER = {
    "fr": re.compile(rf"\d{{1,3}}(?:{_SPACE_GROUP}\d{{3}})+(?:,\d+)?|\d{{1,3}}(?:\.\d{{3}})+(?:,\d+)?|\d+(?:[,.]\d+)?"),
    "default": re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[,.]\d+)?"),
}
_ORDINAL = {
    "es": re.compile(r"(\d+)\s?([ºª°]|\.º|\.ª)"), "it": re.compile(r"(\d+)\s?([ºª°])"),
    "pt": re.compile(r"(\d+)\s?([ºª°]|\.º|\.ª)"), "fr": re.compile(r"(\d+)(er|re|ère|e|ème|eme)(?![\w])"),
    "de": None,
}
# Amounts are at most 40 characters long: an unbounded run ("1 1 1 1 …") would be scanned from every digit.
_CURRENCY = re.compile(r"(?P<pre>[€$£])\s?(?P<num>[\d.,\s]{0,40}\d)|(?P<num2>\d[\d.,\u00a0\u202f ]{0,40}?)\s?(?P<post>[€$£])")
_CODES = {"€": "EUR", "$": "USD", "£": "GBP"}
_ZERO_CENTS = re.compile(r",?\s+(?:con|et|und|e|y)\s+(?:cero|zéro|null|zero)\s+\S+$")


@lru_cache(maxsize=4096)
def _words(value: str, lang: str, to: str = "cardinal") -> str:
    number: int | float = float(value) if "." in value else int(value)
    return num2words(number, lang=lang, to=to)


def integer_words(digits: str, lang: str) -> str:
    """An integer in words; too long for num2words (ids, card numbers): digit by digit."""
    if len(digits) > 15:
        return " ".join(_words(d, lang) for d in digits)
    try:
        return _words(digits, lang)
    except (NotImplementedError, OverflowError, ValueError):
        return " ".join(_words(d, lang) for d in digits)


def parse_number(text: str, lang: str) -> str:
    """'1.234,5' → '1234.5' (a canonical string for num2words)."""
    text = re.sub(_SPACE_GROUP, "", text)
    if "," in text:
        return text.replace(".", "").replace(",", ".")
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", text):
        return text.replace(".", "")
    return text


class NumberNormalizer:
    """Numbers, percentages, currency amounts and ordinals for one language."""

    def __init__(self, lang: str):
        self.code = lang.split("-")[0].lower()

    def _number(self, text: str) -> str:
        value = parse_number(text, self.code)
        if len(value.replace(".", "")) > 15:
            return " ".join(_words(d, self.code) for d in value if d.isdigit())
        try:
            return _words(value, self.code)
        except (NotImplementedError, OverflowError, ValueError):
            return text

    def _currency(self, m: re.Match) -> str:
        symbol = m.group("pre") or m.group("post")
        raw = (m.group("num") or m.group("num2") or "").strip()
        value = parse_number(raw, self.code)
        if len(value.replace(".", "")) > 15:  # beyond num2words' amounts: the number rule reads the digits
            return m.group()
        try:
            # num2words reads an int as cents: always pass a float, then drop "and zero cents".
            spoken = num2words(float(value), lang=self.code, to="currency", currency=_CODES[symbol])
        except (NotImplementedError, KeyError, ValueError, OverflowError, ArithmeticError):
            return m.group()
        return " " + _ZERO_CENTS.sub("", spoken) + " "

    def normalize(self, text: str, heading: bool = False) -> str:
        if not re.search(r"\d", text):
            return tidy(text)
        text = _CURRENCY.sub(self._currency, text)
        ordinal = _ORDINAL.get(self.code)
        if ordinal is not None:
            text = ordinal.sub(lambda m: " " + _words(m.group(1), self.code, "ordinal") + " ", text)
        number = _NUMBER.get(self.code, _NUMBER["default"])
        text = re.sub(rf"({number.pattern})\s?%",
                      lambda m: f"{self._number(m.group(1))} {PERCENT_WORDS.get(self.code, '%')}", text)
        if self.code in MINUS_WORDS:
            text = MINUS_SIGN.sub(MINUS_WORDS[self.code] + " ", text)
        text = number.sub(lambda m: " " + self._number(m.group()) + " ", text)
        return tidy(text)

    def spell(self, text: str) -> str:
        return " ".join(c.upper() if c.isalpha() else self._number(c) for c in text if c.isalnum())

    def say_as(self, kind: str, text: str, fmt: str | None = None) -> str | None:
        digits = re.sub(r"[^\d]", "", text)
        if kind in ("characters", "spell-out", "verbatim"):
            return self.spell(text)
        if kind in ("cardinal", "number") and digits:
            return self.normalize(text)
        if kind == "ordinal" and digits:
            return _words(digits, self.code, "ordinal")
        if kind in ("digits", "telephone") and digits:
            return ", ".join(" ".join(self._number(d) for d in g) for g in re.findall(r"\d+", text))
        return None
