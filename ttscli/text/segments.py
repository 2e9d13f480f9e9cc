"""Segments: the unit of text handed to a backend.

A segment is one sentence (or a chunk of one that fits the backend's budget),
with the silence that follows it. The front end produces them; backends only
ever see segments.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable, Optional


@dataclass(frozen=True)
class Segment:
    text: str
    pause_after: float = 0.0  # seconds of silence after this segment
    paragraph_end: bool = False
    phonemes: str | None = None  # raw IPA that bypasses the phonemizer

    @property
    def is_silence(self) -> bool:
        return not self.text.strip() and not self.phonemes


@dataclass(frozen=True)
class Budget:
    """How much text one backend call may take.

    kind: "sentence" (Piper), "phonemes" (Kokoro: at most ``limit`` tokens) or
    "chars" (autoregressive models: about ``limit`` characters).

    measure, when set, returns the size of a piece of text in the budget's
    unit (for "phonemes": the model's token count after phonemization with the
    current voice's language), so the front end can pack and split chunks
    exactly instead of estimating from characters.
    """

    kind: str = "sentence"
    limit: int = 0
    measure: Optional[Callable[[str], int]] = field(default=None, compare=False, repr=False)


_PARAGRAPH = re.compile(r"\n\s*\n+")
_SENTENCE = re.compile(r"(?<=[.!?…])[\"'”’)\]]*\s+(?=[\"'“‘(\[]?[A-Z0-9À-ÖØ-Þ])")


def split_sentences(paragraph: str) -> list[str]:
    text = " ".join(paragraph.split())
    if not text:
        return []
    return [s for s in (p.strip() for p in _SENTENCE.split(text)) if s]


def simple_segments(text: str, sentence_silence: float = 0.0, paragraph_silence: float = 0.0) -> list[Segment]:
    """Paragraphs on blank lines, sentences on terminal punctuation."""
    out: list[Segment] = []
    for para in _PARAGRAPH.split(text):
        sentences = split_sentences(para)
        for i, sentence in enumerate(sentences):
            last = i == len(sentences) - 1
            out.append(Segment(sentence, paragraph_silence if last else sentence_silence, paragraph_end=last))
    return out
