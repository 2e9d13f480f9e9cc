"""What a book reader produces."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Chapter:
    title: str
    text: str  # plain text with Markdown headings and blank-line paragraphs (the front end reads it)
    matter: str | None = None  # "front" or "back" when the heuristics call it front/back matter

    @property
    def words(self) -> int:
        return len(self.text.split())


@dataclass
class Book:
    source: str  # the input path as given
    title: str
    author: str | None = None
    language: str | None = None
    cover: bytes | None = None
    cover_type: str | None = None  # "image/jpeg" or "image/png"
    chapters: list[Chapter] = field(default_factory=list)
