"""Abbreviations: titles (Dr., Mr., Prof.), St. as Saint or Street, Mt., p./pp., etc., incl., vs.

Titles are expanded only before a capitalised name, and never end a sentence.
Other abbreviations may swallow a sentence's full stop ("... and so on, etc.
Then ..."): the stop is put back when the next word is capitalised.
"""

from __future__ import annotations

import re

from ..lazy_re import lazy
from ..segments import OPEN
from .context import ends_sentence_at, stop

TITLES = {
    "Mr": "Mister", "Mrs": "Missus", "Ms": "Miz", "Dr": "Doctor", "Prof": "Professor", "Rev": "Reverend",
    "Gen": "General", "Col": "Colonel", "Capt": "Captain", "Lt": "Lieutenant", "Sgt": "Sergeant",
    "Cpl": "Corporal", "Adm": "Admiral", "Gov": "Governor", "Sen": "Senator", "Rep": "Representative",
    "Hon": "Honorable", "Pres": "President", "Supt": "Superintendent", "Fr": "Father", "Mt": "Mount",
    "Ft": "Fort", "Msgr": "Monsignor", "Messrs": "Messieurs", "Mme": "Madame", "Mlle": "Mademoiselle",
}
# Titles that are also ordinary words (or street names) need their full stop.
_NEED_DOT = {"Col", "Gen", "Rep", "Sen", "Gov", "Pres", "Hon", "Rev", "Fr", "Mt", "Ft", "Capt", "Mme", "Adm"}
TITLE = lazy(r"(?=[A-Z])\b(" + "|".join(sorted(TITLES, key=len, reverse=True))
                   + r")(\.?)(\s+)(?=[A-Z]|" + re.escape(OPEN) + ")")
# Expanded anywhere; the stop may also end the sentence.
GENERAL = {
    "etc.": "et cetera", "incl.": "including", "vs.": "versus", "vs": "versus", "e.g.": "for example",
    "i.e.": "that is", "approx.": "approximately", "a.k.a.": "also known as", "aka": "also known as",
    "esp.": "especially", "dept.": "department", "Dept.": "Department", "govt.": "government",
    "Univ.": "University", "Corp.": "Corporation", "Inc.": "Incorporated", "Ltd.": "Limited",
    "Bros.": "Brothers", "Ave.": "Avenue", "Blvd.": "Boulevard", "Jr.": "Junior", "Sr.": "Senior",
    "misc.": "miscellaneous", "w/o": "without", "cf.": "compare", "viz.": "namely", "et al.": "and others",
    "Apt.": "Apartment", "apt.": "apartment", "Mr.": "Mister", "Mrs.": "Missus", "Ms.": "Miz",
    "Prof.": "Professor", "Messrs.": "Messieurs", "max.": "maximum", "min.": "minimum", "avg.": "average", "est.": "established",
}
# Abbreviations ending in "." are found from their full stop (a fast literal scan,
# one look-back per stop); the few without one by a small regex.
_PERIOD = lazy(r"\.(?!\w)")
# Connectives: never the last word of a sentence unless the text ends there ("Kramer vs. Kramer").
_CONNECTIVES = {"vs.", "e.g.", "i.e.", "cf.", "viz.", "incl.", "approx.", "esp.", "Mr.", "Mrs.", "Ms.", "Prof.",
                "Messrs."}
_TOKEN_BEFORE = lazy(r"(?<![\w.])[A-Za-z][A-Za-z.]{0,8}$")
_UNDOTTED = lazy(r"(?<![\w/])(vs|aka|w/o)(?![\w/])")
# Only before a number: "No. 5", "p. 12", "pp. 20 to 25", "Fig. 3", "ch. 2".
BEFORE_NUMBER = {
    "no": "number", "nos": "numbers", "p": "page", "pp": "pages", "fig": "figure", "figs": "figures",
    "vol": "volume", "vols": "volumes", "ch": "chapter", "chap": "chapter", "sec": "section",
    "eq": "equation", "art": "article", "para": "paragraph", "ca": "circa", "c": "circa", "ep": "episode",
}
_DOT_NUMBER = lazy(r"\.\s*#?\d")
_BEFORE_NUMBER_RE = lazy(
    r"(?<![\w.])(" + "|".join(sorted(BEFORE_NUMBER, key=len, reverse=True)) + r")\.\s*(?=[#]?\d)", re.I)
_DIGIT = lazy(r"\d")
HASH_NUMBER = lazy(r"(?<![\w&])#\s?(?=\d)")
SAINT_STREET = lazy(r"(?=S)\b(St|ST)(?:(\.)|(?![\w'’]))")
_CAP_WORD_BEFORE = lazy(r"(?:^|\s)(?:\d+\w*|[A-Z][\w'’-]*)\s+$")
_ROADS = {"Dr": "Drive", "Rd": "Road", "Ln": "Lane", "Ct": "Court", "Pl": "Place", "Sq": "Square", "Hwy": "Highway"}
ROAD = lazy(r"(" + "|".join(_ROADS) + r")\.(?!\s+[A-Z][a-z])")
_NAME_BEFORE = lazy(r"\b[A-Z][a-z]\w* $")
VERSUS_LEGAL = lazy(r"\b([A-Z]\w*) v\. (?=[A-Z])")
# "U.S.", "U.K.", "Ph.D.": read letter by letter; espeak-ng would end a clause at each stop.
_DOTTED = lazy(r"\.[A-Za-z]\.")
INITIALISM = lazy(r"(?<![\w.])(?:[A-Za-z]\.){2,}(?![\w])|(?<![\w.])Ph\.D\.")
WITH = lazy(r"(?<![\w/])w/(?=\s|\w)")


def _title(m: re.Match) -> str:
    abbr, dot = m.group(1), m.group(2)
    if not dot and abbr in _NEED_DOT:
        return m.group()
    return TITLES[abbr] + m.group(3)


def _dotted(text: str) -> str:
    """Expand the GENERAL abbreviations that end in a full stop, keeping the stop when it ends a sentence."""
    out: list[str] = []
    pos = 0
    for m in _PERIOD.finditer(text):
        token = _TOKEN_BEFORE.search(text, max(pos, m.start() - 9), m.start())
        if token is None:
            continue
        key, start = token.group() + ".", token.start()
        if key == "al." and text[max(0, start - 3):start] == "et ":
            key, start = "et al.", start - 3
        spoken = GENERAL.get(key)
        if spoken is None:
            continue
        out.append(text[pos:start])
        if key in _CONNECTIVES:
            final = not text[m.end():].strip() and ends_sentence_at(text, m.end())
        else:
            final = ends_sentence_at(text, m.end())
        out.append(spoken + ("." if final else ""))
        pos = m.end()
    if not out:
        return text
    out.append(text[pos:])
    return "".join(out)


def _before_number(m: re.Match) -> str:
    """"No. 5" → "number five"; capitalised only where a sentence starts."""
    word = BEFORE_NUMBER[m.group(1).lower()]
    starts = not m.string[:m.start()].strip() or m.string[:m.start()].rstrip()[-1] in ".!?\""
    return (word[0].upper() + word[1:] if starts and m.group(1)[0].isupper() else word) + " "


def _saint_or_street(m: re.Match) -> str:
    """St. before a name after a non-name is Saint; after a name (Main St.) it is Street."""
    text = m.string
    before = text[max(0, m.start() - 40):m.start()]
    after = text[m.end():m.end() + 3]
    next_is_name = bool(re.match(r"\s+[A-Z]", after))
    after_name = bool(_CAP_WORD_BEFORE.search(before)) and not before.rstrip().endswith((".", "!", "?"))
    if after_name:
        return "Street" + stop(m)
    if next_is_name:
        return "Saint"
    return ("Street" + stop(m)) if m.group(2) else m.group()


def expand(text: str) -> str:
    if "#" in text:
        text = HASH_NUMBER.sub("number ", text)
    if _DOT_NUMBER.search(text):
        text = _BEFORE_NUMBER_RE.sub(_before_number, text)
    text = TITLE.sub(_title, text)
    if "St" in text or "ST" in text:
        text = SAINT_STREET.sub(_saint_or_street, text)
    if any(f"{r}." in text for r in _ROADS):
        text = ROAD.sub(_road, text)
    if " v. " in text:
        text = VERSUS_LEGAL.sub(lambda m: m.group(1) + " versus ", text)
    if "." in text:
        text = _dotted(text)
    if "vs" in text or "aka" in text or "w/o" in text:
        text = _UNDOTTED.sub(lambda m: GENERAL[m.group(1)], text)
    if "w/" in text:
        text = WITH.sub("with ", text)
    return INITIALISM.sub(_initialism, text) if _DOTTED.search(text) else text


def _road(m: re.Match) -> str:
    """"Sunset Dr." after a capitalised name is Drive (before a name, TITLE made it Doctor)."""
    if not _NAME_BEFORE.search(m.string, max(0, m.start() - 30), m.start()):
        return m.group()
    return _ROADS[m.group(1)] + stop(m)


_STARTERS = lazy(r"\s+[\"'(]*(?:The|He|She|It|They|We|I|You|But|And|Then|In|On|At|This|That|There|A|An|His|Her|"
                       r"Our|My|Its|Their|When|While|After|Before|So|Yet|If|As|What|Why|How|Who|No|Yes)\b|\s*$")


def _initialism(m: re.Match) -> str:
    """Letters joined by hyphens; the stop stays only when a sentence clearly starts next
    ("in the U.S. Then ..."), not before a name ("the U.S. Army")."""
    letters = "-".join(c.upper() for c in m.group() if c.isalpha())
    return letters + ("." if _STARTERS.match(m.string, m.end()) else "")
