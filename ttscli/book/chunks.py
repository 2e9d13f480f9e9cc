"""Chapter text → chunks: the unit of synthesis, caching and resume.

A chunk is one paragraph's segments from the text front end (long paragraphs
are cut at segment boundaries). Its key is a hash of the segments and of every
setting that changes the sound (model id and revision, voice, speed, volume,
seed), so a chunk's audio file is named by what it contains: a re-run finds
finished chunks by name and redoes only the ones whose text or settings changed.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from typing import Iterable, Iterator

from ..text.segments import Segment

KEY_VERSION = 1
MAX_CHUNK_CHARS = 1200  # a chunk is never longer than this (unless one segment is)


@dataclass(frozen=True)
class Voice:
    """Everything besides the text that decides a chunk's audio."""

    model: str | None  # what the user asked for (None: the default model)
    model_id: str  # resolved id
    revision: str | None
    voice: str | None
    speed: float = 1.0
    volume: float = 1.0
    seed: int | None = None
    lang: str | None = None
    rate: int | None = None  # resample to this rate (a book with voices of several rates)
    level: float | None = None  # bring the speech to this level, dBFS (a book with several voices)

    def key(self) -> dict:
        data = asdict(self)
        data.pop("model")  # the resolved id is what counts
        for name in ("rate", "level"):  # absent unless set, so single-voice keys stay as they were
            if data[name] is None:
                data.pop(name)
        return data


@dataclass(frozen=True)
class Chunk:
    key: str
    segments: tuple[tuple[str, float, bool, str | None], ...]  # (text, pause_after, paragraph_end, phonemes)
    voice: Voice | None = None  # who speaks it, when not the book's voice (a cast)

    def as_segments(self) -> list[Segment]:
        return [Segment(text, pause, end, phonemes) for text, pause, end, phonemes in self.segments]


def chunk_key(voice: Voice, segments: Iterable[tuple]) -> str:
    payload = json.dumps([KEY_VERSION, voice.key(), list(segments)], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


def group(segments: Iterable[Segment], voice: Voice) -> Iterator[Chunk]:
    current: list[tuple] = []
    size = 0
    for seg in segments:
        item = (seg.text, round(float(seg.pause_after), 3), bool(seg.paragraph_end), seg.phonemes)
        if current and size + len(seg.text) > MAX_CHUNK_CHARS:
            yield Chunk(chunk_key(voice, current), tuple(current))
            current, size = [], 0
        current.append(item)
        size += len(seg.text)
        if seg.paragraph_end:
            yield Chunk(chunk_key(voice, current), tuple(current))
            current, size = [], 0
    if current:
        yield Chunk(chunk_key(voice, current), tuple(current))
