"""Segments, budgets and sentence splitting.

A segment is one sentence (or a chunk of one that fits the backend's budget),
with the silence that follows it. The front end (``frontend.segments``)
produces them; backends only ever see segments. Text inside ``[[...]]`` is
phonemes that go straight to the phonemizer: it is never split or normalized.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import Callable

# The [[phonemes]] markup, defined here only: PHONEME_BLOCK (group 1: the IPA) and the helpers
# below are what every other module uses to find, split, keep whole or write it.
OPEN, CLOSE = "[[", "]]"
_BLOCK = re.escape(OPEN) + r"(.*?)" + re.escape(CLOSE)
PHONEME_BLOCK = re.compile(_BLOCK, re.S)
_TOKEN = re.compile(_BLOCK + r"|\S+", re.S)


@dataclass(frozen=True)
class Run:
    """A piece of a segment: words to phonemize, or IPA (``[[...]]`` markup) to read as it is."""

    text: str
    is_phonemes: bool = False


def runs(text: str) -> tuple[Run, ...]:
    """``text`` as runs of words and of ``[[phonemes]]``: the one parser of the markup. Word
    runs keep their spacing; phoneme runs are stripped; empty runs are dropped."""
    if OPEN not in text:
        return (Run(text),) if text.strip() else ()
    out: list[Run] = []
    for i, part in enumerate(PHONEME_BLOCK.split(text)):  # even: words, odd: phonemes
        if i % 2:
            ipa = part.strip()
            if ipa:
                out.append(Run(ipa, True))
        elif part.strip():
            out.append(Run(part))
    return tuple(out)


def has_markup(text: str) -> bool:
    """Cheap test before parsing: could ``text`` hold a [[phonemes]] block?"""
    return OPEN in text


def is_phonemes(token: str) -> bool:
    """Whether a token of :func:`markup_tokens` (or a word of a segment) is a phoneme block."""
    return token.startswith(OPEN)


def wrap_phonemes(ipa: str) -> str:
    """``ipa`` written as markup."""
    return f"{OPEN}{ipa}{CLOSE}"


def without_brackets(text: str) -> str:
    """``text`` with the markup's brackets removed (an SSML ``ph`` written as ``[[...]]``)."""
    return text.replace(OPEN, "").replace(CLOSE, "")


def markup_tokens(text: str) -> list[str]:
    """Whitespace-separated words of ``text``, each phoneme block one token, spaces and all."""
    return [m.group(0) for m in _TOKEN.finditer(text)]


def phoneme_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every phoneme block in ``text``."""
    return [m.span() for m in PHONEME_BLOCK.finditer(text)] if OPEN in text else []


def has_phonemes(text: str) -> bool:
    return any(run.is_phonemes for run in runs(text))


def words_only(text: str) -> str:
    """``text`` without its ``[[phonemes]]`` (for models that read words, not IPA)."""
    return " ".join(" ".join(run.text for run in runs(text) if not run.is_phonemes).split())


@dataclass(frozen=True)
class Segment:
    text: str
    pause_after: float = 0.0  # seconds of silence after this segment
    paragraph_end: bool = False
    phonemes: str | None = None  # raw IPA that bypasses the phonemizer
    continues: bool = False  # the next segment is the rest of this sentence (a clause cut for synthesis)

    @property
    def is_silence(self) -> bool:
        return not self.text.strip() and not self.phonemes

    @cached_property
    def runs(self) -> tuple[Run, ...]:
        """The text as runs of words and of phonemes, parsed once (``phonemes``, when set, is one
        phoneme run for the whole segment)."""
        return (Run(self.phonemes.strip(), True),) if self.phonemes else runs(self.text)

    @property
    def has_phonemes(self) -> bool:
        return any(run.is_phonemes for run in self.runs)


# Upper bound per kind when the backend gives no limit. A "sentence" backend
# (Piper) takes whole sentences, but a run-on "sentence" of 50,000 characters
# must still be cut somewhere: 600 characters is ~40 s of speech.
DEFAULT_LIMITS = {"sentence": 600, "phonemes": 510, "chars": 300}
# A model whose activation memory grows with the length of one call (Piper/VITS: ~0.5 MiB
# per phoneme id, ~2.2 ids per character) is fed sentences cut at clause punctuation to
# about this many characters (``Budget.clause_units``): peak memory stays flat with text
# length and the first audio comes sooner. Measured in docs/performance.md.
BOUNDED_SENTENCE_CHARS = 60
# Without the backend's own measure, phonemes are estimated from characters;
# English IPA with stress marks runs ~1.1-1.2 symbols per letter.
PHONEMES_PER_CHAR = 1.3


@dataclass(frozen=True)
class Budget:
    """How much text one backend call may take.

    kind: "sentence" (Piper: one sentence per call), "phonemes" (Kokoro: at most
    ``limit`` tokens) or "chars" (autoregressive models: about ``limit``
    characters). ``measure`` is the backend's own count for a piece of text (for
    Kokoro: its phoneme tokens); without it characters are counted (phonemes are
    estimated from characters).
    """

    kind: str = "sentence"
    limit: int = 0
    measure: Callable[[str], int] | None = field(default=None, compare=False, repr=False)
    # May several sentences share one call? None: yes for every kind but "sentence". Kokoro says
    # no: a call per sentence streams sooner and costs less per second of audio.
    pack: bool | None = None
    # Past this many units a sentence is cut at clause punctuation (, ; :), clauses packed up to
    # it; a clause is cut finer only past ``limit``. 0: no clause cut below ``limit``.
    clause_units: int = 0

    @property
    def max_units(self) -> int:
        return self.limit or DEFAULT_LIMITS.get(self.kind, DEFAULT_LIMITS["chars"])

    def units(self, text: str) -> int:
        if self.measure is not None:
            return int(self.measure(text))
        if self.kind == "phonemes":
            return math.ceil(len(text) * PHONEMES_PER_CHAR)
        return len(text)

    def describe(self) -> str:
        """The budget in words: what ``--dry-run`` prints and docs/text.md states."""
        unit = "phoneme tokens" if self.kind == "phonemes" else "characters"
        limit = self.max_units
        if self.packs_sentences:
            return (f"sentences packed up to {limit} {unit} per segment "
                    "(a longer one cut at clause punctuation, then spaces)")
        head = "one sentence per segment"
        if self.clause_units and self.clause_units < limit:
            return f"{head} (cut at clause punctuation past {self.clause_units} {unit}, at spaces past {limit} {unit})"
        return f"{head} (cut at clause punctuation, then spaces, past {limit} {unit})"

    @property
    def packs_sentences(self) -> bool:
        """Whether several short sentences may share one call (not for per-sentence backends)."""
        return self.pack if self.pack is not None else self.kind != "sentence"


@dataclass(frozen=True)
class TextProfile:
    """What the front end needs from a model: its language and its budget."""

    language: str | None = None
    budget: Budget = field(default_factory=Budget)
    keep_tags: frozenset[str] = frozenset()  # inline tags passed to the model as written (<laugh>)


_BOUNDARY = re.compile(r"[.!?…]+[\"')\]]*(?=\s|$)|[。！？]+[」』）]*")
_INITIAL = re.compile(r"(?:^|[\s(\"'.])[A-Z]\.$")


def split_sentences(paragraph: str) -> list[str]:
    """Sentences of already-normalized text. Never loses a character (other than
    collapsed whitespace); never splits inside [[phonemes]], after an initial
    ("J. R. R. Tolkien") or before a lower-case word ("Hey!" he said)."""
    text = " ".join(paragraph.split())
    if not text:
        return []
    blocks = phoneme_spans(text)
    out: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        end = m.end()
        if end >= len(text):
            break
        if blocks and any(a <= m.start() < b for a, b in blocks):
            continue
        nxt = text[end + 1:end + 2] if text[end:end + 1] == " " else text[end:end + 1]
        if nxt.islower():
            continue
        if m.group() == "." and _INITIAL.search(text, max(0, m.start() - 2), m.end()):
            continue
        piece = text[start:end].strip()
        if piece:
            out.append(piece)
        start = end
    tail = text[start:].strip()
    if tail:
        out.append(tail)
    return out
