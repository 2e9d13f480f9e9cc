"""Spoken words → the words of the original input, with character offsets.

The front end rewrites text (numbers, money, dates, abbreviations, Markdown and
SSML markup) without keeping track of where each word came from; instead of
asking every normalization rule to record its spans, the spoken words are
aligned back to the input afterwards. The input is tokenized on whitespace with
markup blanked out (so its offsets stay those of the input); a sequence match
pairs equal words, and each stretch that differs becomes one unit: "$42.50"
spans "forty-two dollars and fifty cents". Any rule, present or future, is
covered without knowing it.

:class:`OriginalMap` works incrementally (segment by segment, committing up to
the last word both sides agree on), so a book is aligned in linear time and
streamed timings need not wait for the end.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from .segments import PHONEME_BLOCK, is_phonemes

_KEY = re.compile(r"[\W_]+", re.UNICODE)
_SSML_TAG = re.compile(r"<[^>]*>")
_PAUSE = re.compile(r"\[pause:[^\]]*\]", re.IGNORECASE)
_MD_LINK_TARGET = re.compile(r"\]\([^)]*\)")
# Markdown syntax the front end does not speak (text.markdown): heading and quote marks, list bullets
# and numbers at any indentation (as its block reader takes them), emphasis, code, links, table rules
_MD_MARKS = re.compile(r"(?m)^\s{0,3}(?:#{1,6}|>)(?=\s)|^\s*(?:[-*+•‣◦▪]|\d{1,3}[.)])(?=\s)|[*_`~]+|!?\[|\]"
                       r"|^\s*\|?[-:| ]{3,}$|\|")
_ENTITY = re.compile(r"&(?:[a-z]+|#\d+);", re.IGNORECASE)
_AUTOLINK = re.compile(r"<((?:https?|ftp)://[^>\s]+|[^>\s@]+@[^>\s]+)>")
_TOKEN = re.compile(r"\S+")
_WINDOW = 64  # extra input words looked at beyond twice the pending spoken words
_MAX_PENDING = 4000


def key(word: str) -> str:
    """What two words are compared by: lower-case letters and digits only."""
    return _KEY.sub("", word).lower()


def spoken_words(text: str) -> list[str]:
    """The words of a normalized segment that carry sound ([[phonemes]] count as one)."""
    words: list[str] = []
    pos = 0
    for block in list(PHONEME_BLOCK.finditer(text)) + [None]:
        part = text[pos : block.start() if block else len(text)]
        words += [w for w in part.split() if key(w)]
        if block is None:
            break
        words.append(block.group(0))
        pos = block.end()
    return words


def mask_markup(text: str) -> str:
    """``text`` with markup replaced by spaces (same length, so offsets hold)."""
    blank = lambda m: " " * len(m.group(0))
    from .ssml import looks_like_ssml

    if looks_like_ssml(text):
        return _ENTITY.sub(blank, _SSML_TAG.sub(blank, text))
    text = PHONEME_BLOCK.sub(blank, _PAUSE.sub(blank, text))
    text = _AUTOLINK.sub(lambda m: f" {m.group(1)} ", text)  # <https://…> is read out: only <> go
    return _MD_MARKS.sub(blank, _MD_LINK_TARGET.sub(blank, _SSML_TAG.sub(blank, text)))


@dataclass(frozen=True)
class Unit:
    """Original words ``text`` (chars ``start``..``end`` of the input) read as spoken words ``first``..``last``."""

    text: str
    start: int
    end: int
    first: int
    last: int  # exclusive


class OriginalMap:
    """Feeds spoken words in order; hands back units of the original text as they are settled."""

    def __init__(self, original: str):
        self.original = original
        masked = mask_markup(original)
        # A word is what whitespace of the input delimits: "[the docs](url)." and "**stop**." end in
        # their full stop (markup between two pieces does not make them two words).
        pieces: list[list[tuple[int, int]]] = []
        for m in _TOKEN.finditer(masked):
            if pieces and not any(ch.isspace() for ch in original[pieces[-1][-1][1]:m.start()]):
                pieces[-1].append((m.start(), m.end()))
            else:
                pieces.append([(m.start(), m.end())])
        self.pieces = pieces
        self.tokens = [(p[0][0], p[-1][1]) for p in pieces]
        self.keys = [key("".join(masked[s:e] for s, e in p)) for p in pieces]
        self.cursor = 0  # next input token
        self.pending: list[str] = []
        self.done = 0  # spoken words already placed

    def feed(self, words: list[str]) -> list[Unit]:
        self.pending += words
        return self._settle(final=len(self.pending) > _MAX_PENDING)

    def finish(self) -> list[Unit]:
        return self._settle(final=True)

    def _settle(self, final: bool) -> list[Unit]:
        if not self.pending:
            return self._rest_of_input() if final else []
        end = len(self.tokens) if final else min(len(self.tokens), self.cursor + 2 * len(self.pending) + _WINDOW)
        theirs = self.keys[self.cursor : end]
        ours = [key(w) if not is_phonemes(w) else "" for w in self.pending]
        ops = SequenceMatcher(None, theirs, ours, autojunk=False).get_opcodes()
        if not final:  # keep everything after the last agreement for the next round
            last_equal = max((k for k, op in enumerate(ops) if op[0] == "equal"), default=-1)
            if last_equal < 0:
                return []
            ops = ops[: last_equal + 1]
        units: list[Unit] = []
        for tag, i1, i2, j1, j2 in ops:
            if tag == "equal":
                units += [self._unit(self.cursor + i1 + k, self.cursor + i1 + k + 1, j1 + k, j1 + k + 1)
                          for k in range(i2 - i1)]
            elif j1 == j2:  # input words nothing was said for: part of the unit before (or after)
                units.append(self._unit(self.cursor + i1, self.cursor + i2, j1, j1))
            elif i1 == i2:  # said but not written (a symbol read out): joins the unit before
                units.append(Unit("", -1, -1, j1, j2))
            else:
                units.append(self._unit(self.cursor + i1, self.cursor + i2, j1, j2))
        used_in, used_out = ops[-1][2], ops[-1][4]
        self.cursor += used_in
        base = self.done
        self.pending = self.pending[used_out:]
        self.done += used_out
        units = [Unit(u.text, u.start, u.end, u.first + base, u.last + base) for u in units]
        if final:
            units += self._rest_of_input()
        return _merge_unspoken(units)

    def _rest_of_input(self) -> list[Unit]:
        if self.cursor >= len(self.tokens):
            return []
        unit = self._unit(self.cursor, len(self.tokens), self.done, self.done)
        self.cursor = len(self.tokens)
        return [unit]

    def _unit(self, t1: int, t2: int, first: int, last: int) -> Unit:
        start, end = self.tokens[t1][0], self.tokens[t2 - 1][1]
        return Unit(self._text(t1, t2), start, end, first, last)

    def _text(self, t1: int, t2: int) -> str:
        """Tokens t1..t2 as written, without their markup, one space between two."""
        return " ".join("".join(self.original[s:e] for s, e in self.pieces[k]) for k in range(t1, t2))


def _merge_unspoken(units: list[Unit]) -> list[Unit]:
    """Fold units with no spoken words (or no input words) into a neighbour."""
    out: list[Unit] = []
    carry: Unit | None = None
    for unit in units:
        if unit.first == unit.last or unit.start < 0:
            if out:
                out[-1] = _join(out[-1], unit)
            else:
                carry = unit if carry is None else _join(carry, unit)
            continue
        if carry is not None:
            unit, carry = _join(carry, unit), None
        out.append(unit)
    if carry is not None and carry.first != carry.last and carry.start >= 0:
        out.append(carry)
    return out


def _join(a: Unit, b: Unit) -> Unit:
    if a.start < 0:
        return Unit(b.text, b.start, b.end, min(a.first, b.first), max(a.last, b.last))
    if b.start < 0:
        return Unit(a.text, a.start, a.end, min(a.first, b.first), max(a.last, b.last))
    return Unit(f"{a.text} {b.text}".strip(), a.start, b.end, min(a.first, b.first), max(a.last, b.last))
