"""One batch run: books → chunks → chapter WAVs → chapter files and .m4b, resumable.

Layout of the output directory ``OUT`` for a book ``name``::

    OUT/name.m4b                      the audiobook (--format m4b, the default)
    OUT/name/01 - Title.flac          per-chapter files (--format flac|ogg|opus|mp3|wav)
    OUT/.ttscli/lock                  held while a batch works here (a second one exits 9)
    OUT/.ttscli/name/manifest.json    settings, chapters and their chunk keys, outputs written
    OUT/.ttscli/name/chunks/KEY.wav   finished chunks, named by content hash
    OUT/.ttscli/name/chapters/KEY.wav normalized chapters

Every file is written under a temporary name and renamed, chunks are named by
what they contain, and encoding is bit-exact, so after a kill -9 at any moment
a re-run gives the same bytes an uninterrupted run would have.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from .chunks import Chunk, Voice
from .model import Book, Chapter
from .tags import Tags

WORK = ".ttscli"
CHAPTER_FORMATS = ("flac", "ogg", "opus", "mp3", "wav")


@dataclass
class Settings:
    voice: Voice
    formats: tuple[str, ...] = ("m4b",)
    bitrate: str | None = None
    loudness: float | None = -20.0
    narrator: str | None = None
    cover: bytes | None = None  # --cover (wins over the EPUB's)
    cover_type: str | None = None
    clean: bool = False


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


def _hash(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]


def file_title(number: int, title: str) -> str:
    """"03 - The Storm": a safe file name (no slashes, no leading dot, at most 80 characters)."""
    clean = re.sub(r"[^\w\s.,'()&-]+", " ", title, flags=re.UNICODE)
    clean = " ".join(clean.split()).strip(" .")[:70] or "Chapter"
    return f"{number:02d} - {clean}"


class Job:
    """Runs plans one after the other with one synthesizer (the model is loaded once)."""

    def __init__(self, out: Path, settings: Settings, synthesizer, emit: Callable[..., None]) -> None:
        self.out = out
        self.settings = settings
        self.synth = synthesizer
        self.emit = emit
        self.rate: int | None = None

    # --- chunks
    def _chunk_path(self, work: Path, key: str) -> Path:
        return work / "chunks" / f"{key}.wav"

    def _have(self, path: Path) -> bool:
        try:
            return path.stat().st_size > 44
        except FileNotFoundError:
            return False

    def _rate_of(self, path: Path) -> int:
        import soundfile as sf

        return sf.info(str(path)).samplerate

    def pending(self, plan: Plan) -> list[tuple[Chunk, str]]:
        """(chunk, path) of every chunk of ``plan`` whose audio is not in the store yet."""
        work = self.out / WORK / plan.name
        (work / "chunks").mkdir(parents=True, exist_ok=True)
        return [(k, str(self._chunk_path(work, k.key))) for _, _, chunks in plan.chapters for k in chunks
                if not self._have(self._chunk_path(work, k.key))]

    def run(self, plan: Plan) -> Result:
        from .manifest import Manifest

        work = self.out / WORK / plan.name
        shutil.rmtree(work / "tmp", ignore_errors=True)  # what a killed run was muxing with
        for sub in ("chunks", "chapters", "tmp"):
            (work / sub).mkdir(parents=True, exist_ok=True)
        _remove_parts(work)
        _remove_parts(self.out)
        manifest = Manifest(work, {
            "input": plan.book.source, "title": plan.book.title, "author": plan.book.author,
            "settings": {**self.settings.voice.key(), "formats": list(self.settings.formats),
                         "bitrate": self.settings.bitrate, "loudness": self.settings.loudness},
            "chapters": [{"number": n, "title": c.title, "chunks": [k.key for k in chunks]}
                         for n, c, chunks in plan.chapters],
        })
        manifest.save(force=True)
        result = Result(plan.name)
        total = plan.chunk_count
        have = {k.key for _, _, chunks in plan.chapters for k in chunks
                if self._have(self._chunk_path(work, k.key))}
        have -= getattr(self.synth, "ahead", set())  # written this run ahead of their book (cluster)
        self.emit("book", input=plan.book.source, title=plan.book.title, chapters=len(plan.chapters),
                  chunks=total, cached=len(have))
        started = time.perf_counter()
        done = 0
        produced = 0.0
        tasks = ((k, str(self._chunk_path(work, k.key))) for _, _, chunks in plan.chapters for k in chunks
                 if k.key not in have)
        results = self.synth.run(tasks)
        chapter_wavs: list[tuple[str, Path, int]] = []
        for number, chapter, chunks in plan.chapters:
            for chunk in chunks:
                path = self._chunk_path(work, chunk.key)
                if chunk.key in have:
                    result.reused += 1
                    if self.rate is None:
                        self.rate = self._rate_of(path)
                else:
                    key, frames, rate, seconds = next(results)
                    assert key == chunk.key, "worker results out of order"
                    self.rate = rate
                    result.synthesized += 1
                    result.compute_seconds += seconds
                    produced += frames / rate
                    manifest.chunk_done(key)
                done += 1
                elapsed = time.perf_counter() - started
                self.emit("chunk", chapter=number, title=chapter.title, done=done, total=total,
                          cached=chunk.key in have,
                          audio_seconds=round(produced, 2), elapsed=round(elapsed, 2),
                          rtf=round(elapsed / produced, 4) if produced else None)
            chapter_wavs.append(self._chapter(work, plan, number, chapter, chunks, manifest, result))
        result.audio_seconds = sum(f for _, _, f in chapter_wavs) / float(self.rate or 1)
        if "m4b" in self.settings.formats:
            self._m4b(plan, chapter_wavs, manifest, result)
        manifest.save(force=True)
        self._tidy(work, plan)
        return result

    # --- chapters and outputs
    def _tags(self, plan: Plan, title: str, track: int | None = None) -> Tags:
        s, book = self.settings, plan.book
        cover = s.cover or book.cover
        return Tags(title=title, album=book.title, author=book.author, narrator=s.narrator, track=track,
                    tracks=len(plan.chapters) if track else None, cover=cover,
                    cover_type=s.cover_type if s.cover else book.cover_type)

    def _chapter(self, work: Path, plan: Plan, number: int, chapter: Chapter, chunks: list[Chunk],
                 manifest, result: Result) -> tuple[str, Path, int]:
        from .assemble import chapter_wav, encode

        key = _hash([k.key for k in chunks], self.rate, self.settings.loudness, "chapter-1")
        target = work / "chapters" / f"{key}.wav"
        if self._have(target):
            import soundfile as sf

            frames = sf.info(str(target)).frames
        else:
            frames = chapter_wav([self._chunk_path(work, k.key) for k in chunks], self.rate, target,
                                 self.settings.loudness)
        for fmt in self.settings.formats:
            if fmt not in CHAPTER_FORMATS:
                continue
            folder = self.out / plan.name
            folder.mkdir(exist_ok=True)
            path = folder / f"{file_title(number, chapter.title)}.{fmt}"
            tags = self._tags(plan, chapter.title, number)
            out_key = _hash(key, fmt, self.settings.bitrate, tags.__dict__ | {"cover": _hash(tags.cover)})
            if manifest.output_key(str(path.relative_to(self.out))) != out_key or not path.exists():
                encode([target], self.rate, path, fmt, bitrate=self.settings.bitrate,
                       tags=None if fmt == "wav" else tags)
                manifest.output_done(str(path.relative_to(self.out)), out_key)
            result.outputs.append(path)
            self.emit("output", path=str(path), chapter=number)
        self.emit("chapter", chapter=number, title=chapter.title, seconds=round(frames / self.rate, 2))
        return chapter.title, target, frames

    def _m4b(self, plan: Plan, chapter_wavs: list[tuple[str, Path, int]], manifest, result: Result) -> None:
        from ..store import space
        from . import m4b

        path = self.out / f"{plan.name}.m4b"
        bitrate = self.settings.bitrate or m4b.DEFAULT_BITRATE
        tags = self._tags(plan, plan.book.title)
        key = _hash([p.name for _, p, _ in chapter_wavs], [t for t, _, _ in chapter_wavs], bitrate,
                    tags.__dict__ | {"cover": _hash(tags.cover)})
        if manifest.output_key(path.name) != key or not path.exists():
            seconds = sum(f for _, _, f in chapter_wavs) / float(self.rate)
            space.check({self.out: m4b.bytes_needed(seconds, bitrate, tags.cover)}, what=f"{path.name}",
                        hint="free some space or write the audiobook elsewhere (-o)")
            self.emit("mux", path=str(path))
            m4b.write(path, chapter_wavs, self.rate, tags, bitrate, scratch=self.out / WORK / plan.name / "tmp")
            manifest.output_done(path.name, key)
        result.outputs.append(path)
        self.emit("output", path=str(path))

    def _tidy(self, work: Path, plan: Plan) -> None:
        """--clean: the finished chunks and chapters go (a re-run then starts from scratch)."""
        if self.settings.clean:
            shutil.rmtree(work, ignore_errors=True)


def _remove_parts(folder: Path) -> None:
    """Temporary files a killed run left behind (``.name.XXXX.part``)."""
    for pattern in (".*.part", "*/.*.part"):
        for path in folder.glob(pattern):
            try:
                path.unlink()
            except OSError:
                pass
