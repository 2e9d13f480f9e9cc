"""What a book job works on and returns: the :class:`Plan` (chapters cut into chunks) and the
:class:`Result` (files written, seconds, counts). Kept apart from ``job`` so that its mixins
(``outputs``) can name them without importing the job."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..audio.formats import CHAPTER, names

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
    # --verify: chunks checked (heard now, or their record kept from before), heard this run, re-taken this
    # run, extra takes synthesized, and the word error rate over the whole book's words
    verified: dict[str, float] = field(default_factory=dict)


CHAPTER_FORMATS = names(CHAPTER, builtin=True)  # formats written once per chapter


TITLE_BYTES = 120  # of a chapter's file name: room for "NNN - ", an extension, ".timing.json" and a temp suffix


def file_title(number: int, title: str) -> str:
    """"03 - The Storm": a safe file name (no slashes, no leading dot, at most 70 characters and
    TITLE_BYTES bytes of title)."""
    from ..fsio import name_within

    clean = re.sub(r"[^\w\s.,'()&-]+", " ", title, flags=re.UNICODE)
    clean = name_within(" ".join(clean.split())[:70], TITLE_BYTES).strip(" .") or "Chapter"
    return f"{number:02d} - {clean}"
