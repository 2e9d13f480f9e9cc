"""Pieces shared by the Spanish, Italian and French rules (text.es, text.it, text.fr).

Numbers are written "1.234,5" or "1 234,5" in these languages: a comma before
the decimals, a dot or a space between groups of three. The digits after the
comma are read as one number when there are at most three of them ("3,25" →
"three comma twenty-five") and in pairs when there are more ("3,1415" →
"three comma fourteen fifteen"); a leading zero is read as a zero.
"""

from __future__ import annotations

import re
from typing import Callable

from .cleanup import tidy
from .en import web
from .intl import MINUS_SIGN, NumberNormalizer

# A number: groups of three after a dot or a space, then an optional comma and decimals.
NUMBER = r"\d{1,3}(?:[.\u00a0\u202f ]\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
MINUS = r"(?:(?<=^)|(?<=[\s(]))[-−]"
ROMAN = re.compile(r"M{0,3}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})", re.IGNORECASE)
_ROMAN_VALUES = {"m": 1000, "d": 500, "c": 100, "l": 50, "x": 10, "v": 5, "i": 1}
SUPERSCRIPT = str.maketrans("ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻ", "abcdefghijklmnoprstuvwxyz")


_ANY_DIGIT = re.compile(r"\d")
_GROUP_MARKS = re.compile(r"[.\s\u00a0\u202f]")
_LEFT = re.compile(r"(?=\d)\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:[,.]\d+)?")


def finish(text: str, say: Callable[[str], str], minus: str) -> str:
    """The numbers no rule took, read as numbers; a leading minus sign said; spaces tidied."""
    if _ANY_DIGIT.search(text):
        if "-" in text or "−" in text:
            text = MINUS_SIGN.sub(minus + " ", text)
        text = _LEFT.sub(lambda m: " " + say(m.group()) + " ", text)
    return tidy(text)


# Between sentences: after a word of three letters or more and . ! or ?, before a capital.
_SENTENCE_GAP = re.compile(r"(?<=\w{3}[.!?])(\s+)(?=[A-ZÁÉÍÓÚÑ¿¡«\"(])")


def digit_sentences(text: str, rules: Callable[[str, str], str], digit: re.Pattern = _ANY_DIGIT) -> str:
    """``rules(sentence, sentence.lower())`` on each sentence that has a digit; the others as they are.

    No rule for written numbers reaches over a sentence end, and most sentences of prose have
    no digit: this keeps the many number rules off most of the text.
    """
    parts = _SENTENCE_GAP.split(text)
    for i in range(0, len(parts), 2):
        if digit.search(parts[i]):
            parts[i] = rules(parts[i], parts[i].lower())
    return "".join(parts)


_BETWEEN_DIGITS = re.compile(r"(?=\d)\d([/.:,\s-])(?=\d)")


def separators(text: str) -> set[str]:
    """The marks that stand between two digits somewhere in ``text`` ("3/4", "1.000", "14:30" → {"/", ".", ":"})."""
    return {c if not c.isspace() else " " for c in _BETWEEN_DIGITS.findall(text)}


def has_any(text: str, words) -> bool:
    """A quick look (plain substring search) before a rule's regex runs over the whole text."""
    return any(map(text.__contains__, words))


def integer(text: str) -> int:
    """'1.234' / '1 234' / '1234' → 1234."""
    return int(_GROUP_MARKS.sub("", text))


def roman(numeral: str) -> int | None:
    """The value of a well-formed Roman numeral (either case), else None."""
    if not numeral or not ROMAN.fullmatch(numeral):
        return None
    total, prev = 0, 0
    for c in reversed(numeral.lower()):
        v = _ROMAN_VALUES[c]
        total, prev = (total - v, prev) if v < prev else (total + v, v)
    return total or None


def decimals(frac: str, say: Callable[[int], str], zero: str) -> list[str]:
    """The words for the digits after the decimal comma (see the module doc)."""
    if len(frac) > 3:
        chunks = [frac[i:i + 2] for i in range(0, len(frac), 2)]
    else:
        chunks = [frac]
    out: list[str] = []
    for chunk in chunks:
        lead = len(chunk) - len(chunk.lstrip("0"))
        out += [zero] * lead
        if chunk.lstrip("0"):
            out.append(say(int(chunk)))
    return out


def digits(text: str, say: Callable[[int], str]) -> str:
    return " ".join(say(int(d)) for d in text if d.isdigit())


def cased(words, upper: bool = False) -> str:
    """An alternation of ``words`` as written, in lower case, capitalized (and in upper case).

    Patterns list the case variants instead of using re.IGNORECASE: a case-blind alternation
    is tried at every position of the text, a case-exact one is found by a fast prefix scan.
    """
    variants = set()
    for w in words:
        variants |= {w, w.lower(), w[:1].upper() + w[1:]} | ({w.upper()} if upper else set())
    return "|".join(re.escape(v) for v in sorted(variants, key=len, reverse=True))


def table_keys(table: dict[str, str]) -> frozenset[str]:
    """What :func:`has_any` looks for in the lower-cased text before a table's regex runs."""
    return frozenset(k.lower().replace(" ", "") for k in table) | frozenset(k.lower() for k in table)


def table_pattern(table: dict[str, str], any_case: bool = True) -> re.Pattern:
    """One regex for a table of written abbreviations, longest first, not inside a word."""
    alts = cased(table, upper=True) if any_case else "|".join(re.escape(a) for a in sorted(table, key=len, reverse=True))
    return re.compile(rf"(?<![\w.])(?:{alts.replace(chr(92) + ' ', chr(92) + 's?')})(?![\w])")


def lookup(table: dict[str, str], written: str) -> str | None:
    key = " ".join(written.split())
    if key in table:
        return table[key]
    low = {k.lower().replace(" ", ""): v for k, v in table.items()}
    return low.get(key.lower().replace(" ", ""))


# Names people say as words inside an address; every other name is spelled letter by letter.
KNOWN_NAMES = frozenset(
    "com gmail hotmail yahoo outlook google youtube facebook twitter instagram amazon wikipedia github nvidia "
    "microsoft apple linkedin whatsapp netflix gov html php".split())


class Spelled(web.Reading):
    """A language's reading of addresses: symbols named, digits one by one, names letter by letter."""

    def __init__(self, symbols: dict[str, str], say_digit: Callable[[int], str],
                 extensions: dict[str, str] | None = None):
        super().__init__(symbols, lambda ds: digits(ds, say_digit))
        self.extensions = extensions or {}

    def name(self, word: str) -> str:
        low = word.lower()
        if low in self.extensions:
            return self.extensions[low]
        if low in KNOWN_NAMES:
            return low
        return " ".join(word)


_PARTS = re.compile(r"([./\\@:_+?=&#%~!|^-])")


def spell_address(text: str, reading: Spelled) -> str:
    out = []
    for i, part in enumerate(_PARTS.split(text)):
        if i % 2:
            out.append(reading.symbols.get(part, part))
            continue
        for piece in re.findall(r"\d+|[^\W\d_]+", part):
            out.append(reading.digits(piece) if piece.isdigit() else reading.name(piece))
    return " ".join(" ".join(out).split())


_SCHEME = re.compile(r"(https?|ftp)://", re.IGNORECASE)


def expand_addresses(text: str, reading: Spelled) -> str:
    """E-mail addresses, URLs and @handles read the language's way."""
    if "@" not in text and "." not in text:
        return text

    def url(m: re.Match) -> str:
        raw = m.group()
        core = raw.rstrip(".,;:!?)]}'\"")
        tail = raw[len(core):]
        head = ""
        scheme = _SCHEME.match(core)
        if scheme:
            slash = reading.symbols["/"].strip()
            head = f"{' '.join(scheme.group(1).lower())} {reading.symbols[':'].strip()} {slash} {slash} "
            core = core[scheme.end():]
        return " " + head + spell_address(core, reading) + " " + tail

    if "@" in text:
        text = web.EMAIL.sub(lambda m: " " + spell_address(m.group(), reading) + " ", text)
        text = HANDLE.sub(lambda m: " " + spell_address(m.group(), reading) + " ", text)
    if "://" in text or "www." in text or _TLD_HINT.search(text):
        text = web.URL.sub(url, text)
    return text


HANDLE = re.compile(r"(?<![\w@])@[A-Za-z_][\w.]*\w")
_TLD_HINT = re.compile(r"\.(?:com|org|net|edu|gov|es|it|fr|eu|io|info|mx|ar|co|uk|de|COM|ORG|NET|IT|ES|FR)(?![\w-])")


class RomanceNormalizer(NumberNormalizer):
    """The order a Romance language's rules run in (Spanish, Italian): addresses spelled first,
    the number rules on each sentence with a digit, the language's word rules, then the
    remaining numbers and signs. Each rule runs only after a quick look finds what it needs.

    A language sets ``web`` (how addresses are spelled), ``minus`` (its word for −), ``digit``
    (what counts as a digit), ``with_digits(sentence, lower)`` and ``ordinal(n, gender)``, and
    may add ``words(text, lower)``."""

    web: Spelled
    minus: str
    digit: re.Pattern = _ANY_DIGIT

    def normalize(self, text: str, heading: bool = False) -> str:
        if "@" in text or "www." in text or "://" in text or "." in text:
            text = expand_addresses(text, self.web)
        low = text.lower()  # the word rules' quick looks read the text as it was before the numbers
        if self.digit.search(text):
            text = digit_sentences(text, self.with_digits, self.digit)
        return finish(self.words(text, low), self._number, self.minus)

    def with_digits(self, text: str, low: str) -> str:
        raise NotImplementedError

    def words(self, text: str, low: str) -> str:
        return text

    def ordinal(self, n: int, gender: str) -> str:
        raise NotImplementedError

    def say_as(self, kind: str, text: str, fmt: str | None = None) -> str | None:
        if kind == "ordinal" and text.strip().isdigit():
            return self.ordinal(int(text.strip()), "f" if fmt in ("f", "feminine") else "m")
        return super().say_as(kind, text, fmt)
