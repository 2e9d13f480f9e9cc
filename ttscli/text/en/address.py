"""Street addresses: "2788 San Tomas Expy, Santa Clara, CA 95051", "1211 E Arques Ave", "708 N 1st St".

A house number before a street name and suffix is read the way people say
it: in pairs ("twenty-seven eighty-eight"), "sixteen hundred", "nineteen oh
five", "one twenty-three". Compass letters become words, the suffix is
expanded, and a US state code after a city becomes the state's name, its ZIP
code read digit by digit.
"""

from __future__ import annotations

import re

from ..lazy_re import lazy
from . import words
from .context import stop

SUFFIXES = {
    "St": "Street", "Ave": "Avenue", "Av": "Avenue", "Blvd": "Boulevard", "Ct": "Court", "Hwy": "Highway",
    "Expy": "Expressway", "Fwy": "Freeway", "Pkwy": "Parkway", "Ln": "Lane", "Rd": "Road", "Dr": "Drive",
    "Pl": "Place", "Sq": "Square", "Ter": "Terrace", "Terr": "Terrace", "Cir": "Circle", "Cres": "Crescent",
    "Trl": "Trail", "Aly": "Alley", "Bldg": "Building", "Ste": "Suite", "Tpke": "Turnpike", "Hts": "Heights",
}
_FULL = ("Street|Avenue|Boulevard|Court|Highway|Expressway|Freeway|Parkway|Lane|Road|Drive|Place|Square|Terrace|"
         "Circle|Crescent|Trail|Alley|Way|Plaza|Row|Walk|Close|Turnpike|Pike")
DIRECTIONS = {"N": "North", "S": "South", "E": "East", "W": "West", "NE": "Northeast", "NW": "Northwest",
              "SE": "Southeast", "SW": "Southwest"}
STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California", "CO": "Colorado",
    "CT": "Connecticut", "DE": "Delaware", "DC": "D C", "FL": "Florida", "GA": "Georgia", "HI": "Hawaii",
    "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky",
    "LA": "Louisiana", "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan",
    "MN": "Minnesota", "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee", "TX": "Texas",
    "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington", "WV": "West Virginia",
    "WI": "Wisconsin", "WY": "Wyoming",
}
_SUFFIX = "|".join(sorted(SUFFIXES, key=len, reverse=True))
_DIR = "|".join(sorted(DIRECTIONS, key=len, reverse=True))
_NAME = r"(?:[A-Z][\w'’-]*|\d+(?:st|nd|rd|th))"
STREET = lazy(
    rf"(?=\d)(?<![\w.,$€£/#-])(?<!No\. )(?<!no\. )(?P<num>\d{{1,5}})\s+(?:(?P<dir>{_DIR})\.?\s+)?(?P<name>{_NAME}(?:\s+{_NAME}){{0,3}}?)"
    rf"\s+(?:(?P<suffix>(?i:{_SUFFIX}))(?P<dot>\.)?|(?P<full>{_FULL}))(?![\w'’])(?:\s+(?P<post>{_DIR})(?![\w.]))?")
# "Santa Clara, CA 95051", "Austin, TX", "Boston, MA 02108-1234": a state code after a capitalised place.
STATE = lazy(r"(?<=[a-z]),\s(?P<code2>[A-Z]{2}),?\s(?P<zip2>\d{5})(?:-(?P<plus42>\d{4}))?(?![\w-])"
                   r"|(?<=[a-z]),\s(?P<code>[A-Z]{2})(?:\s(?P<zip>\d{5})(?:-(?P<plus4>\d{4}))?)?(?=\s*(?:$|[,.;)]))")


def house_number(digits: str, british: bool = False) -> str:
    """2788 → twenty-seven eighty-eight, 1600 → sixteen hundred, 708 → seven zero eight, 12 → twelve."""
    n = int(digits)
    if len(digits) <= 2 or digits.startswith("0"):
        return words.number(digits, british)
    if len(digits) == 3:
        rest = n % 100
        if rest == 0:
            return words.cardinal(n, british)
        tail = "zero " + words.cardinal(rest, british) if rest < 10 else words.cardinal(rest, british)
        return f"{words.cardinal(n // 100, british)} {tail}"
    if len(digits) == 4 and n % 1000:  # 2000 → two thousand
        head, rest = divmod(n, 100)
        if rest == 0:
            return f"{words.cardinal(head, british)} hundred"
        tail = "oh " + words.cardinal(rest, british) if rest < 10 else words.cardinal(rest, british)
        return f"{words.cardinal(head, british)} {tail}"
    return words.number(digits, british) if len(digits) == 4 else words.digits(digits)


def _street(m: re.Match, british: bool) -> str:
    parts = [house_number(m.group("num"), british)]
    if m.group("dir"):
        parts.append(DIRECTIONS[m.group("dir")])
    parts.append(m.group("name"))
    if m.group("suffix"):
        suffix = m.group("suffix")
        parts.append(SUFFIXES.get(suffix[0].upper() + suffix[1:].lower(), suffix))
    else:
        parts.append(m.group("full"))
    if m.group("post"):
        parts.append(DIRECTIONS[m.group("post")])
    dot = stop(m) if m.group("dot") and not m.group("post") else ""
    return " ".join(parts) + dot


def _state(m: re.Match) -> str:
    code = m.group("code") or m.group("code2")
    if code not in STATES:
        return m.group()
    out = f", {STATES[code]}" + ("," if m.group("code2") and m.group().count(",") > 1 else "")
    zip_code, plus4 = m.group("zip") or m.group("zip2"), m.group("plus4") or m.group("plus42")
    if zip_code:
        out += " " + words.digits(zip_code)
    if plus4:
        out += ", " + words.digits(plus4)
    return out


_STREET_HINT = lazy(r"\d\s+(?:[NSEW]{1,2}\.?\s+)?[A-Z0-9]")


def states(text: str) -> str:
    return STATE.sub(_state, text) if ", " in text else text


def expand(text: str, british: bool = False) -> str:
    if _STREET_HINT.search(text):
        text = STREET.sub(lambda m: _street(m, british), text)
    return states(text)
