"""Money: "$42.50", "$.99", "$2.000", "€5m", "$3.2B", "-$5", "USD 1,234", "1,234 USD", "£10/wk", "50¢"."""

from __future__ import annotations

import re

from ..lazy_re import lazy
from . import words
from .numbers import NUM

# symbol → (singular, plural, minor singular, minor plural); None = no minor unit spoken
CURRENCIES = {
    "$": ("dollar", "dollars", "cent", "cents"),
    "US$": ("US dollar", "US dollars", "cent", "cents"),
    "A$": ("Australian dollar", "Australian dollars", "cent", "cents"),
    "C$": ("Canadian dollar", "Canadian dollars", "cent", "cents"),
    "€": ("euro", "euros", "cent", "cents"),
    "£": ("pound", "pounds", "penny", "pence"),
    "¥": ("yen", "yen", None, None),
    "₹": ("rupee", "rupees", "paisa", "paise"),
    "₩": ("won", "won", None, None),
}
# ISO codes (and "Rs.") written before or after the amount.
CODES = {
    "USD": "US$", "EUR": "€", "GBP": "£", "JPY": "¥", "INR": "₹", "KRW": "₩", "AUD": "A$", "CAD": "C$",
    "Rs": "₹", "Rs.": "₹",
}
_NAMED_CODES = {"CHF": ("Swiss franc", "Swiss francs"), "CNY": ("yuan", "yuan"), "RMB": ("yuan", "yuan"),
                "MXN": ("Mexican peso", "Mexican pesos"), "SEK": ("Swedish krona", "Swedish kronor"),
                "NZD": ("New Zealand dollar", "New Zealand dollars"), "HKD": ("Hong Kong dollar", "Hong Kong dollars"),
                "BTC": ("bitcoin", "bitcoin")}
SCALES = {"k": "thousand", "K": "thousand", "thousand": "thousand", "m": "million", "M": "million",
          "mn": "million", "million": "million", "b": "billion", "B": "billion", "bn": "billion",
          "billion": "billion", "t": "trillion", "T": "trillion", "tn": "trillion", "trillion": "trillion"}
_CUR = "|".join(re.escape(c) for c in sorted(CURRENCIES, key=len, reverse=True))
_AMOUNT = rf"(?:{NUM}|\.\d+)"
_SCALE = r"(?:\s?(?P<scale>thousand|million|billion|trillion|bn|mn|tn|[kKmMbBtT])(?![\w]))?"
MONEY_PREFIX = lazy(rf"(?=[-−$€£¥₹₩UAC])(?P<neg>[-−])?(?P<cur>{_CUR})\s?(?P<neg2>[-−])?(?P<num>{_AMOUNT}){_SCALE}")
MONEY_SUFFIX = lazy(rf"(?=\d)(?<![\w.,])(?P<num>{NUM})\s?(?P<cur>[€£¥₹₩])")
_CODE = "|".join(re.escape(c) for c in sorted([*CODES, *_NAMED_CODES], key=len, reverse=True))
CODE_BEFORE = lazy(rf"(?<![\w$])(?P<code>{_CODE})\s?(?P<num>{NUM}){_SCALE}(?![\w])")
CODE_AFTER = lazy(rf"(?=\d)(?<![\w.,])(?P<num>{NUM}){_SCALE}\s?(?P<code>{_CODE})(?![\w])")
CENTS = lazy(r"(?=\d)(?<![\w.,])(\d+)\s?¢")
_SIGN_HINT = lazy("[$€£¥₹₩]")
_CODE_HINT = lazy(rf"\b(?:{_CODE})(?=[\s.]?\d)|\d\s?(?:{_CODE})\b")


def _is_one(num: str) -> bool:
    return num.replace(",", "") == "1"


def amount(num: str, cur: str, british: bool, scale: str | None = None, neg: bool = False) -> str:
    """The spoken amount: "forty-two dollars and fifty cents"."""
    if cur in _NAMED_CODES:
        major, majors, minor, minors = *_NAMED_CODES[cur], None, None
    else:
        major, majors, minor, minors = CURRENCIES[cur]
    num = num.replace(",", "")
    sign = "minus " if neg else ""
    if scale:
        return f"{sign}{words.number(num, british)} {SCALES[scale]} {majors}"
    integer, _, cents = num.partition(".")
    if len(cents) > 2 and cents[2:].strip("0") == "":
        cents = cents[:2]  # $2.000, $20.500
    if minor and len(cents) in (1, 2):
        cents_n = int(cents.ljust(2, "0"))
        whole = int(integer or 0)
        parts = []
        if whole or not cents_n:
            parts.append(f"{words.cardinal(whole, british)} {major if whole == 1 else majors}")
        if cents_n:
            parts.append(f"{words.cardinal(cents_n, british)} {minor if cents_n == 1 else minors}")
        return sign + " and ".join(parts)
    spoken = words.number(num, british)
    return f"{sign}{spoken} {major if _is_one(num) else majors}"


def _money(m: re.Match, british: bool) -> str:
    neg = bool(m.groupdict().get("neg") or m.groupdict().get("neg2"))
    return amount(m.group("num"), m.group("cur"), british, m.groupdict().get("scale"), neg)


def _code(m: re.Match, british: bool) -> str:
    code = m.group("code")
    return amount(m.group("num"), CODES.get(code, code), british, m.group("scale"))


def expand(text: str, british: bool = False) -> str:
    if _CODE_HINT.search(text):
        text = CODE_BEFORE.sub(lambda m: _code(m, british), text)
        text = CODE_AFTER.sub(lambda m: _code(m, british), text)
    if _SIGN_HINT.search(text):
        text = MONEY_PREFIX.sub(lambda m: _money(m, british), text)
        text = MONEY_SUFFIX.sub(lambda m: _money(m, british), text)
    if "¢" in text:
        text = CENTS.sub(lambda m: f"{words.cardinal(int(m.group(1)), british)} "
                                   f"{'cent' if m.group(1) == '1' else 'cents'}", text)
    return text
