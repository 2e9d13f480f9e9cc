"""Language-independent clean-up: typography, emoji and control characters.

Curly quotes become straight ones, dashes become pauses (commas) except between
numbers (where the language's range rule reads them), "..." becomes "…", odd
spaces become spaces, and emoji, pictographs and control/format characters are
dropped with a debug-level note (they have no pronunciation and confuse
phonemizers). Everything is a handful of regex passes, linear in the text.
"""

from __future__ import annotations

import logging
import re

log = logging.getLogger(__name__)

_TRANSLATE = str.maketrans({
    "“": '"', "”": '"', "„": '"', "‟": '"', "«": '"', "»": '"', "″": '"',
    "‘": "'", "’": "'", "‚": "'", "‛": "'", "′": "'", "‹": "'", "›": "'", "`": "'",
    "\u00a0": " ", "\u2000": " ", "\u2001": " ", "\u2002": " ", "\u2003": " ", "\u2004": " ", "\u2005": " ",
    "\u2006": " ", "\u2007": " ", "\u2008": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u205f": " ",
    "\u3000": " ", "\t": " ", "\x0c": "\n\n", "\x0b": "\n", "\x85": "\n", "\u2028": "\n", "\u2029": "\n", "\u2010": "-", "\u2011": "-", "\u2212": "-",
    "\u2015": "—", "\ufb01": "fi", "\ufb02": "fl", "\ufb00": "ff", "\ufb03": "ffi", "\ufb04": "ffl",
})
# Emoji and pictographs, variation selectors, joiners, tags, private use, control and format characters.
DROPPED = re.compile(
    "[\U0001F000-\U0001FAFF\U0001FC00-\U0001FFFF\u2600-\u27BF\u2B00-\u2BFF\u2300-\u23FF\uFE00-\uFE0F"
    "\U000E0000-\U000E007F\U000E0100-\U000E01EF\uE000-\uF8FF\U000F0000-\U0010FFFF"
    "\u200B-\u200F\u202A-\u202E\u2060-\u206F\uFEFF\u00AD\u180E"
    "\x00-\x08\x0B\x0C\x0E-\x1F\x7F-\x9F]"
)
ELLIPSIS = re.compile(r"\.(?:\.{2,}|(?: \.){2,})")
# A dash between digits is a range (kept for the number rules); elsewhere it is a pause.
DASH = re.compile(r"[—–]|--+|-(?<= -)(?= )")
_NUMBER_AFTER = re.compile(r"\s?[$€£¥]?\d[\d,.]*(?![\w])")
_SPACES = re.compile(r"[ ]{2,}")


def clean(text: str) -> str:
    """Typography and invisible characters; never removes letters, digits or punctuation."""
    text = text.translate(_TRANSLATE)
    text, dropped = DROPPED.subn("", text)
    if dropped:
        log.debug("dropped %d emoji, pictograph or control character(s)", dropped)
    if ".." in text or ". ." in text:
        text = ELLIPSIS.sub("…", text)
    if "—" in text or "–" in text or "--" in text or " - " in text:
        text = DASH.sub(_dash, text)
    return _SPACES.sub(" ", text)


def _dash(m: re.Match) -> str:
    """A dash between two numbers stays (a range: 20–25); any other dash is a pause."""
    text = m.string
    before = text[:m.start()].rstrip()[-1:]
    if before.isdigit() and _NUMBER_AFTER.match(text, m.end()):
        return m.group()
    return " , "


_SPACE_BEFORE_PUNCT = re.compile(r" ([,.;:!?…)\]}])")
_SPACE_AFTER_OPEN = re.compile(r"([(\[{]) (?!\[)")
_REPEATED_COMMA = re.compile(r",(?:\s*,)+")
_COMMA_BEFORE_STOP = re.compile(r",\s*([.!?;:])")


def tidy(text: str) -> str:
    """Collapse whitespace and the stray spaces and commas that rewriting leaves behind."""
    text = " ".join(text.split())
    if "," in text:
        text = _REPEATED_COMMA.sub(",", text)
        text = _COMMA_BEFORE_STOP.sub(r"\1", text)
    if " " in text:
        text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
        if "( " in text or "[ " in text or "{ " in text:
            text = _SPACE_AFTER_OPEN.sub(r"\1", text)
    if ".." in text:  # stops brought together by the rewriting above
        text = ELLIPSIS.sub("…", text)
    return text
