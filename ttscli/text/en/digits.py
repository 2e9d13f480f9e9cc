"""Digit strings read one by one: IP addresses, ZIP and account numbers, card endings, PINs, "401(k)",
hyphenated identifiers ("123-45-6789", ISBNs)."""

from __future__ import annotations

import re

from ..lazy_re import lazy
from . import words

IP = lazy(r"(?<![\w.])\d{1,3}(?:\.\d{1,3}){3}(?![\w.]|\.\d)")
_IP_HINT = lazy(r"\d\.\d{1,3}\.\d")
# "ending in 8876", "account number 12345678", "PIN 0420", "ZIP code 02139": digits after a cue.
_CUES = (r"ending(?:\s+in|\s+with)?|account(?:\s+(?:number|no\.?|#))?|acct\.?(?:\s+(?:no\.?|#))?|"
         r"card(?:\s+number)?|PIN|pin(?:\s+code)?|passcode|code|ZIP(?:\s+code)?|zip(?:\s+code)?|postal\s+code|"
         r"(?:order|confirmation|reference|ref|serial|tracking|routing|invoice|policy|member|customer|ticket)"
         r"(?:\s+(?:number|no\.?|#))?|last\s+(?:four|4)(?:\s+digits)?")
# Found from the digits (a fast scan), then the cue is looked for just before them.
_RUN = lazy(r"(?<![\w,.-])\d{3,}(?:-\d{4})?(?![\w,.]\d|\w)")
_CUE_BEFORE = lazy(rf"\b(?:{_CUES}):?\s+$", re.IGNORECASE)
# "401(k)", "403(b)", "501(c)(3)".
PAREN_CODE = lazy(r"(?<![\w.])(\d{3})\(([a-z])\)(?:\((\d)\))?")
# Three or more groups joined by hyphens (dates and phone numbers are taken first): "123-45-6789".
GROUPS = lazy(r"(?<![\w.,/-])\d+(?:-\d+){2,}(?![\w-]|[.,]\d)")


def oh_digits(text: str) -> str:
    """'401' → 'four oh one' (zero read "oh" between other digits)."""
    return " ".join("oh" if c == "0" and 0 < i < len(text) - 1 else words.DIGIT_WORDS[int(c)]
                    for i, c in enumerate(text))


def _cued(m: re.Match) -> str:
    if not _CUE_BEFORE.search(m.string, max(0, m.start() - 32), m.start()):
        return m.group()
    return ", ".join(words.digits(g) for g in m.group().split("-"))


def _paren(m: re.Match) -> str:
    out = f"{oh_digits(m.group(1))} {m.group(2)}"
    return out + (f" {words.digits(m.group(3))}" if m.group(3) else "")


def expand(text: str) -> str:
    if "." in text and _IP_HINT.search(text):
        text = IP.sub(lambda m: " dot ".join(words.digits(g) for g in m.group().split(".")), text)
    text = _RUN.sub(_cued, text)
    if "(" in text:
        text = PAREN_CODE.sub(_paren, text)
    return text


def groups(text: str) -> str:
    """After the dates and phone numbers: hyphenated digit groups, each read digit by digit."""
    if "-" not in text:
        return text
    return GROUPS.sub(lambda m: ", ".join(words.digits(g) for g in m.group().split("-")), text)
