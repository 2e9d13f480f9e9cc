"""What a book job works on and returns: the :class:`Plan` (chapters cut into chunks) and the
:class:`Result` (files written, seconds, counts). Kept apart from ``job`` so that its mixins
(``outputs``) can name them without importing the job."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .chunks import Chunk
from .model import Book, Chapter


@dataclass
class Plan:
    """A book with its selected chapters cut into chunks."""

    book: Book
    name: str  # output stem
    chapters: list[tuple[int, Chapter, list[Chunk]]]

    @property
    def chunk_count(self) -> int:
        return sum(len(c) for _, _, c in self.chapters)


@dataclass
class Result:
    name: str
    outputs: list[Path] = field(default_factory=list)
    audio_seconds: float = 0.0
    synthesized: int = 0
    reused: int = 0
    compute_seconds: float = 0.0
    unverified: list[tuple[int, str, str, dict]] = field(default_factory=list)  # (chapter, title, text, record)
