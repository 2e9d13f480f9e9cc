"""Subtitles for `batch --subtitles srt,vtt,json`: per chapter and for the whole book.

Each chunk's spoken words are timed when it is synthesized and stored beside its
audio (``chunks/KEY.timing.json``), so a resumed run (or one with --jobs N) reads
the same timings back. A chapter's words are the chunks' words shifted by the
audio before them, mapped back to the chapter's own text; the book's are the
chapters' shifted by the chapters before them (each chapter closes with
``assemble.CHAPTER_TAIL`` of silence, included in its frames).

Layout: ``OUT/name/NN - Title.srt`` per chapter, ``OUT/name.srt`` for the book.
"""

from __future__ import annotations

import json
from pathlib import Path

from ..timing import cues as cue_rules
from ..timing import writers
from ..timing.model import Spoken, TimedWord, map_words

TIMING_VERSION = 1
WORDS = "words"  # timing mode for subtitles: every word timed (Whisper where the model gives no timings)
EPUB = "epub"  # for the read-along only: the model's word timings, else each sentence's span
SENTENCE = "sentence"  # the source of timings spread over a sentence


def timing_path(chunk_wav: Path) -> Path:
    return chunk_wav.with_name(chunk_wav.stem + ".timing.json")


def timing_record(collector) -> dict:
    """What is stored of a chunk's timed words (``source``: model, aligned, or sentence: each
    sentence's words spread over its audio, for a family without word timings in an EPUB-only run)."""
    return {"version": TIMING_VERSION, "rate": collector.rate, "samples": collector.samples,
            "source": collector.source, "words": [[s.word, s.start, s.end, s.last] for s in collector.spoken]}


def save_chunk(chunk_wav: Path, record: dict) -> None:
    """The chunk's timed words (written after its audio, atomically)."""
    from .manifest import write_json

    write_json(timing_path(chunk_wav), record)


def read_chunk(chunk_wav: Path) -> dict:
    return json.loads(timing_path(chunk_wav).read_text(encoding="utf-8"))


def have_chunk(chunk_wav: Path, mode: str = WORDS) -> bool:
    """Whether the chunk's stored timings serve ``mode`` (WORDS for subtitles needs every word timed)."""
    try:
        data = read_chunk(chunk_wav)
        return data.get("version") == TIMING_VERSION and (mode != WORDS or data.get("source") != SENTENCE)
    except (OSError, ValueError, AttributeError):
        return False


def chapter_words(chunk_wavs: list[Path], text: str) -> tuple[list[TimedWord], str]:
    """The chapter's timed words (seconds from its start) and the timing source."""
    spoken: list[Spoken] = []
    offset = 0
    sources = set()
    for wav in chunk_wavs:
        data = read_chunk(wav)
        rate = float(data["rate"])
        spoken += [Spoken(w, s, e, int(last)).shifted(offset / rate) for w, s, e, last in data["words"]]
        offset += int(data["samples"])
        sources.add(data["source"])
    return map_words(text, spoken), "aligned" if "aligned" in sources else "model"


class BookSubtitles:
    """Collects chapters and writes their files; ``finish`` writes the book's."""

    def __init__(self, out: Path, name: str, formats: tuple[str, ...]):
        self.out, self.name, self.formats = out, name, formats
        self.words: list[TimedWord] = []
        self.cues: list = []
        self.chapters: list[dict] = []
        self.offset = 0.0
        self.source = "model"

    def chapter(self, number: int, title: str, stem: str, chunk_wavs: list[Path], text: str,
                seconds: float) -> list[Path]:
        words, source = chapter_words(chunk_wavs, text)
        cues = cue_rules.build(words, seconds)
        folder = self.out / self.name
        folder.mkdir(exist_ok=True)
        written = []
        for fmt in self.formats:
            path = folder / f"{stem}.{fmt}"
            writers.write(path, writers.render(fmt, words, cues, seconds, source, chapter=number, title=title))
            written.append(path)
        shift = self.offset
        self.words += [w.shifted(shift) for w in words]
        self.cues += [cue_rules.Cue(round(c.start + shift, 3), round(c.end + shift, 3), c.lines, c.words)
                      for c in cues]
        self.chapters.append({"number": number, "title": title, "start": round(shift, 3),
                              "duration": round(seconds, 3), "file": f"{self.name}/{stem}"})
        self.offset += seconds
        self.source = "aligned" if source == "aligned" else self.source
        return written

    def finish(self) -> list[Path]:
        written = []
        for fmt in self.formats:
            path = self.out / f"{self.name}.{fmt}"
            writers.write(path, writers.render(fmt, self.words, self.cues, self.offset, self.source,
                                               chapters=self.chapters))
            written.append(path)
        return written
