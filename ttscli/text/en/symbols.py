"""Symbols that have an English reading: & + = × ± ~ → © § and the like.

Runs after the number rules that use some of them (%, °, /, #), so only
leftovers are read here. Marks with no reading (™, ®, stray asterisks) go.
"""

from __future__ import annotations

import re

from ..lazy_re import lazy

_WORDS = {
    "&": " and ", "+": " plus ", "=": " equals ", "×": " times ", "÷": " divided by ", "±": " plus or minus ",
    "≈": " approximately ", "≠": " is not equal to ", "≤": " less than or equal to ",
    "≥": " greater than or equal to ", "→": " to ", "⇒": " implies ", "©": " copyright ", "§": " section ",
    "¶": " paragraph ", "°": " degrees ", "%": " percent ", "@": " at ", "№": " number ", "™": " ", "®": " ",
    "*": " ", "|": ", ", "$": " dollar ", "€": " euro ", "£": " pound ", "¥": " yen ", "#": " hash ", "–": ", ", "—": ", ", "\\": " ", "_": " ", "^": " ", "/": " ",
}
_SYMBOL = lazy("[" + re.escape("".join(_WORDS)) + "]")
ABOUT = lazy(r"(?<![\w~])~\s?(?=\d)")
_HAS = frozenset(_WORDS)


def about(text: str) -> str:
    """"~5" → "about 5" (before the numbers are read)."""
    return ABOUT.sub("about ", text) if "~" in text else text


def expand(text: str) -> str:
    if not _HAS.intersection(text):
        return text
    return _SYMBOL.sub(lambda m: _WORDS[m.group()], text)
