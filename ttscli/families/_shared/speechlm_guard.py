"""Guardrails for autoregressive speech LMs: how long should this text sound?

Speech LMs fail in ways a duration model cannot: they skip or repeat words,
stop early, or never emit their end-of-speech token and babble until a token
cap (llama.cpp#26700, orpheus-tts-local#7). We bound each piece of text by its
phoneme count — espeak-ng IPA letters, which track spoken duration far better
than characters — and:

* cap generation at the token count of the longest plausible rendering
  (so the cap grows with the text instead of cutting long sentences);
* reject a rendering shorter than the shortest plausible one;
* regenerate a rejected piece with a new seed, a bounded number of times,
  then fail with a clear error.

The bounds are deliberately loose (roughly 0.25× and 3× normal speech rate):
they catch failures, not style.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass

from ...phonemize import espeak
from ...runtime.seeded import text_seed
from ...text.segments import has_phonemes, runs, words_only


@dataclass(frozen=True)
class Plausibility:
    min_s_per_phoneme: float = 0.02  # 50 phonemes/s: faster than anyone speaks
    max_s_per_phoneme: float = 0.25  # 4 phonemes/s: three times slower than usual
    max_extra_s: float = 2.0  # pauses and breaths at the ends
    attempts: int = 3  # renderings tried per piece before giving up

    def bounds(self, n_phonemes: int, extra_s: float = 0.0) -> tuple[float, float]:
        low = max(0.0, n_phonemes * self.min_s_per_phoneme - 0.1)
        high = n_phonemes * self.max_s_per_phoneme + self.max_extra_s + extra_s
        return low, high


@dataclass(frozen=True)
class Piece:
    """A stretch of text rendered in one generation."""

    text: str  # what the model reads (Orpheus, BPE-format NeuTTS)
    phonemes: str  # espeak IPA, phonemizer style (NeuTTS phoneme prompts)
    n_phonemes: int
    extra_s: float = 0.0  # allowance for non-speech tags such as <laugh>


def count_phonemes(ipa: str) -> int:
    """IPA letters, not counting stress and length marks, spaces or punctuation."""
    return sum(1 for ch in ipa if unicodedata.category(ch) in ("Ll", "Lu", "Lo"))


def ipa(text: str, lang: str) -> str:
    """Phonemizer-style IPA (words separated by spaces, punctuation kept), as
    NeuTTS was trained on: ``phonemizer`` with preserve_punctuation and stress.
    ``[[...]]`` blocks (from the lexicon or the user) are IPA already and kept."""
    if has_phonemes(text):
        return " ".join(p for p in (" ".join(run.text.split()) if run.is_phonemes else ipa(run.text, lang)
                                    for run in runs(text)) if p)
    parts = [c.phonemes + c.terminator for c in espeak.clauses(text, lang)]
    return " ".join(" ".join(p for p in parts if p).split())


def without_phoneme_blocks(text: str) -> str:
    """Text for models that read words, not IPA: ``[[...]]`` blocks removed."""
    return words_only(text) if has_phonemes(text) else text


_CLAUSE_BREAK = re.compile(r"(?<=[,;:\u2013\u2014])\s+")


def split_text(text: str, lang: str, max_phonemes: int, *, tags: re.Pattern | None = None,
               tag_seconds: float = 0.0) -> list[Piece]:
    """Pieces of at most ``max_phonemes`` each: whole text if it fits, else clauses,
    else groups of words. ``tags`` (e.g. Orpheus' <laugh>) are kept in the text,
    left out of the phonemes, and granted ``tag_seconds`` each."""

    def piece(chunk: str) -> Piece:
        spoken = tags.sub(" ", chunk) if tags else chunk
        phon = ipa(spoken, lang) if spoken.strip() else ""
        n_tags = len(tags.findall(chunk)) if tags else 0
        return Piece(chunk, phon, count_phonemes(phon), n_tags * tag_seconds)

    whole = piece(text.strip())
    if whole.n_phonemes <= max_phonemes:
        return [whole]
    units: list[Piece] = []
    for clause in _CLAUSE_BREAK.split(text.strip()):
        p = piece(clause)
        if p.n_phonemes <= max_phonemes:
            units.append(p)
            continue
        words = clause.split()
        step = max(1, len(words) * max_phonemes // max(p.n_phonemes, 1))
        units.extend(piece(" ".join(words[i : i + step])) for i in range(0, len(words), step))
    grouped: list[Piece] = []
    for unit in units:
        if grouped and grouped[-1].n_phonemes + unit.n_phonemes <= max_phonemes:
            last = grouped[-1]
            grouped[-1] = Piece(f"{last.text} {unit.text}", f"{last.phonemes} {unit.phonemes}".strip(),
                                last.n_phonemes + unit.n_phonemes, last.extra_s + unit.extra_s)
        else:
            grouped.append(unit)
    return [g for g in grouped if g.text.strip()]


def attempt_seed(text: str, base: int | None, attempt: int) -> int:
    """The seed of one rendering: fixed by the text, --seed and the attempt number."""
    return text_seed(text if attempt == 0 else f"{text}\x1fretry{attempt}", base)


def tokens_for(seconds: float, tokens_per_second: float, tokens_per_frame: int = 1) -> int:
    """Tokens that carry ``seconds`` of audio, rounded up to whole frames."""
    frames = math.ceil(seconds * tokens_per_second / tokens_per_frame)
    return max(1, frames) * tokens_per_frame


def snippet(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
