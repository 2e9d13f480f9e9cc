"""Roman numerals where they are unambiguous: headings and regnal names.

"Chapter IV" → "Chapter four"; "Henry VIII" → "Henry the Eighth"; a heading
that starts with a numeral ("IV. The Return") → "Four. The Return". Anywhere
else capital letters are left alone ("I", "MIX", "CD" are words too).
"""

from __future__ import annotations

import re

from ..lazy_re import lazy
from . import words

_VALID = lazy(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")
_VALUES = {"M": 1000, "D": 500, "C": 100, "L": 50, "X": 10, "V": 5, "I": 1}
NUMERAL = r"[MDCLXVI]+"
KEYWORDS = frozenset(
    "chapter part book volume vol. section act scene appendix article canto episode season phase stage level "
    "round lesson unit psalm tome movement stanza title class type category grade war bowl olympiad schedule "
    "annex amendment division corps army".split())
REGNAL_NAMES = frozenset(
    "Henry Edward George Elizabeth Louis Charles James William Richard John Paul Pius Leo Gregory Benedict Mary "
    "Victoria Peter Catherine Frederick Philip Ferdinand Alexander Nicholas Napoleon Ramesses Ramses Alfonso "
    "Carlos Juan Felipe Constantine Innocent Clement Boniface Urban Anne Henri Wilhelm Friedrich Ludwig Otto "
    "Rudolf Gustav Gustavus Christian Olaf Haakon Harald Sancho Pedro Manuel Umberto Vittorio Mehmed Murad Selim "
    "Suleiman Ivan Vasili Casimir Sigismund Stephen Malcolm David Robert Alfred Edmund Harold Canute Cnut Francis "
    "Francois Leopold Joseph Maximilian Matthias Rama Thutmose Amenhotep Tutankhamun Darius Xerxes Artaxerxes "
    "Ptolemy Antiochus Seleucus Cleopatra Herod Sixtus Julius Adrian Hadrian Celestine Martin Eugene Eugenius "
    "Callixtus Alexios Basil Justinian Theodosius Valentinian Conrad Lothair Pepin Carloman Hugh Raymond Baldwin "
    "Bohemond Tancred Roger Bela Ladislaus Stanislaus Augustus Gustaf Oscar Carl Margrethe Frederik Willem "
    "Beatrix Juliana Wilhelmina Albert Baudouin Rainier Akihito Naruhito Mohammed Hassan Abdullah Hussein Faisal "
    "Fuad Farouk Zog Carol Michael Boris Simeon".split())
# A standalone upper-case numeral; the word before it decides how it is read.
CANDIDATE = lazy(r"(?=[MDCLXVI])\b[MDCLXVI]+(?![\w'’])")
_WORD_BEFORE = lazy(r"([A-Za-z]+\.?)\s+$")
HEADING_START = lazy(rf"^(\s*)({NUMERAL})(?=[.:)](?:\s|$)|\s*$)")


def value(numeral: str) -> int | None:
    """The value of a well-formed numeral, else None ("IIII", "VX", "" are refused)."""
    if not numeral or not _VALID.fullmatch(numeral):
        return None
    total = 0
    for i, ch in enumerate(numeral):
        v = _VALUES[ch]
        total += -v if i + 1 < len(numeral) and _VALUES[numeral[i + 1]] > v else v
    return total


def _pronoun_i(m: re.Match) -> bool:
    """'Henry I think', 'in part I said': a lone I followed by a lower-case word is the pronoun."""
    follow = m.string[m.end():m.end() + 6]
    return m.group() == "I" and not re.match(r"\s*(?:$|[^\w\s]|of\b|and\b|[A-Z])", follow)


def _numeral(m: re.Match, british: bool) -> str:
    """Chapter IV → Chapter four; Henry VIII → Henry the Eighth; anything else unchanged."""
    before = _WORD_BEFORE.search(m.string, max(0, m.start() - 14), m.start())
    if before is None:
        return m.group()
    word = before.group(1)
    n = value(m.group())
    if not n or _pronoun_i(m):
        return m.group()
    if word.lower() in KEYWORDS:
        return words.cardinal(n, british)
    if word in REGNAL_NAMES:
        ordinal = words.ordinal(n, british)
        return f"the {ordinal[0].upper()}{ordinal[1:]}"
    return m.group()


def _heading(m: re.Match, british: bool) -> str:
    n = value(m.group(2))
    if not n:
        return m.group()
    spoken = words.cardinal(n, british)
    return m.group(1) + spoken[0].upper() + spoken[1:]


def expand(text: str, heading: bool = False, british: bool = False) -> str:
    if not any(c in text for c in "IVXLCDM"):
        return text
    if heading:
        text = HEADING_START.sub(lambda m: _heading(m, british), text)
    return CANDIDATE.sub(lambda m: _numeral(m, british), text)
