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

import logging
import math
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from . import subtitles
from .chunks import Chunk, Voice
from .model import Chapter
from .outputs import WORK, BookOutputs, _hash
from .plan import CHAPTER_FORMATS, Plan, Result, file_title
from .tags import Tags

log = logging.getLogger(__name__)


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
    one_file: bool = False  # -o book.mp3: the whole book in that one file (no per-chapter files)
    verify: object | None = None  # verify.VerifySettings for --verify
    subtitles: tuple[str, ...] = ()  # srt, vtt, json (see book.subtitles)

    @property
    def timings(self) -> str | None:
        """Which word timings the chunks need: subtitles.WORDS, subtitles.EPUB or None."""
        return subtitles.WORDS if self.subtitles else subtitles.EPUB if "epub" in self.formats else None


class Job(BookOutputs):
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
        from . import manifest as manifest_file
        from .manifest import Manifest

        work = self.out / WORK / plan.name
        checked = manifest_file.read(work).get("verify", {}) if self.settings.verify else {}
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
        have = {k.key for _, _, chunks in plan.chapters for k in chunks if self._have(self._chunk_path(work, k.key))
                and (not self.settings.timings
                     or subtitles.have_chunk(self._chunk_path(work, k.key), self.settings.timings))}
        have -= getattr(self.synth, "ahead", set())  # written this run ahead of their book (cluster)
        hearing = None
        if self.settings.verify:  # records of chunks heard before are kept; the others are heard now
            from .verify import Hearing, Listener

            manifest.data["verify"] = {k: v for k, v in checked.items() if k in have}
            hearing = Hearing(Listener())
        try:
            return self._run(plan, work, manifest, have, hearing)
        finally:
            if hearing is not None:
                hearing.close()

    def _run(self, plan: Plan, work: Path, manifest, have: set[str], hearing) -> Result:
        result = Result(plan.name)
        total = plan.chunk_count
        subs = subtitles.BookSubtitles(self.out, plan.name, self.settings.subtitles) if self.settings.subtitles else None
        self.emit("book", input=plan.book.source, title=plan.book.title, chapters=len(plan.chapters),
                  chunks=total, cached=len(have))
        started = time.perf_counter()
        done = 0
        produced = 0.0
        heard: set[str] = set()
        tasks = ((k, str(self._chunk_path(work, k.key))) for _, _, chunks in plan.chapters for k in chunks
                 if k.key not in have)
        results = self.synth.run(tasks)
        chapter_wavs: list[tuple[str, Path, int]] = []
        for track, (number, chapter, chunks) in enumerate(plan.chapters, 1):
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
                if hearing is not None and chunk.key not in manifest.data["verify"] and chunk.key not in heard:
                    heard.add(chunk.key)  # heard while the next chunks are synthesized
                    hearing.add(chunk.key, " ".join(s[0] for s in chunk.segments), self._chunk_path(work, chunk.key))
                done += 1
                elapsed = time.perf_counter() - started
                self.emit("chunk", chapter=number, title=chapter.title, done=done, total=total,
                          cached=chunk.key in have,
                          audio_seconds=round(produced, 2), elapsed=round(elapsed, 2),
                          rtf=round(elapsed / produced, 4) if produced else None)
            if hearing is not None:
                self._verify(work, number, chapter, chunks, manifest, hearing, result)
            chapter_wavs.append(self._chapter(work, plan, (number, track), chapter, chunks, manifest, result))
            if subs is not None:
                result.outputs += subs.chapter(number, chapter.title, file_title(number, chapter.title),
                                               [self._chunk_path(work, k.key) for k in chunks], chapter.text,
                                               chapter_wavs[-1][2] / float(self.rate))
        if subs is not None:
            result.outputs += subs.finish()
        result.audio_seconds = sum(f for _, _, f in chapter_wavs) / float(self.rate or 1)
        for fmt in self.settings.formats:
            if fmt == "epub":
                self._readalong(work, plan, chapter_wavs, manifest, result)
            elif fmt == "m4b" or self.settings.one_file:
                self._book_file(plan, chapter_wavs, manifest, result, fmt)
        manifest.save(force=True)
        return result

    def _verify(self, work: Path, number: int, chapter: Chapter, chunks: list[Chunk], manifest, hearing,
                result: Result) -> None:
        """--verify: scores of the chapter's chunks heard meanwhile; re-take the wrong ones (see verify.py)."""
        from .verify import retake_bad, take_seed

        records = manifest.data["verify"]
        by_key = {c.key: c for c in chunks}
        todo = [(c.key, " ".join(s[0] for s in c.segments), self._chunk_path(work, c.key))
                for c in by_key.values() if c.key not in records]
        first = hearing.results()

        def retake(key: str, take: int, path: Path) -> None:
            chunk = by_key[key]
            next(self.synth.run([(chunk, str(path), take_seed((chunk.voice or self.settings.voice).seed, take))]))

        fresh = retake_bad(todo, first, hearing.listener, self.settings.verify, retake) if todo else {}
        if fresh:
            records.update(fresh)
            manifest.save(force=True)
        stats = result.verified
        for name, value in (("heard", len(fresh)), ("retaken", sum(len(r["takes"]) > 1 for r in fresh.values())),
                            ("extra_takes", sum(len(r["takes"]) - 1 for r in fresh.values()))):
            stats[name] = stats.get(name, 0) + value
        for chunk in chunks:
            record = records[chunk.key]
            count = len(" ".join(s[0] for s in chunk.segments).split())
            stats["chunks"] = stats.get("chunks", 0) + 1
            stats["words"] = stats.get("words", 0) + count
            stats["errors"] = stats.get("errors", 0) + record["wer"] * count
            if record["wer"] > self.settings.verify.max_wer:
                result.unverified.append((number, chapter.title, " ".join(s[0] for s in chunk.segments), record))

    # --- chapters and outputs
    def _tags(self, plan: Plan, title: str, track: int | None = None) -> Tags:
        s, book = self.settings, plan.book
        cover = s.cover or book.cover
        return Tags(title=title, album=book.title, author=book.author, narrator=s.narrator, track=track,
                    tracks=len(plan.chapters) if track else None, cover=cover,
                    cover_type=s.cover_type if s.cover else book.cover_type)

    def _chapter(self, work: Path, plan: Plan, numbers: tuple[int, int], chapter: Chapter, chunks: list[Chunk],
                 manifest, result: Result) -> tuple[str, Path, int]:
        """``numbers``: (the chapter's number in the book, its track number among the chapters spoken)."""
        from .assemble import chapter_wav, encode

        number, track = numbers
        key = _hash([k.key for k in chunks], self.rate, self.settings.loudness, "chapter-2")
        target = work / "chapters" / f"{key}.wav"
        if self._have(target):
            import soundfile as sf

            frames = sf.info(str(target)).frames
        else:
            frames, level = chapter_wav([self._chunk_path(work, k.key) for k in chunks], self.rate, target,
                                        self.settings.loudness)
            if level is not None:
                manifest.data.setdefault("loudness", {})[str(number)] = {
                    k: round(v, 2) if math.isfinite(v) else None
                    for k, v in (("lufs", level.result.integrated), ("true_peak", level.result.true_peak))}
                if not level.reached:
                    log.warning("chapter %d (%s): cannot reach %.1f LUFS with true peak <= -1 dBTP; it gets %s",
                                number, chapter.title, level.target, level.describe())
        for fmt in self.settings.formats:
            if fmt not in CHAPTER_FORMATS or self.settings.one_file:
                continue
            folder = self.out / plan.name
            folder.mkdir(exist_ok=True)
            path = folder / f"{file_title(number, chapter.title)}.{fmt}"
            tags = self._tags(plan, chapter.title, track)
            out_key = _hash(key, fmt, self.settings.bitrate, tags.__dict__ | {"cover": _hash(tags.cover)})
            if manifest.output_key(str(path.relative_to(self.out))) != out_key or not path.exists():
                encode([target], self.rate, path, fmt, bitrate=self.settings.bitrate,
                       tags=None if fmt == "wav" else tags)
                manifest.output_done(str(path.relative_to(self.out)), out_key)
            result.outputs.append(path)
            self.emit("output", path=str(path), chapter=number)
        self.emit("chapter", chapter=number, title=chapter.title, seconds=round(frames / self.rate, 2))
        return chapter.title, target, frames


def _remove_parts(folder: Path) -> None:
    """Temporary files a killed run left behind (``.name.XXXX.part``) in ``folder`` and its
    sub-folders; another process's write in flight is kept (fsio.sweep_parts)."""
    from ..fsio import sweep_parts

    sweep_parts(folder)
    try:
        subs = [p for p in folder.iterdir() if p.is_dir() and not p.is_symlink() and not p.name.endswith(".part")]
    except OSError:
        return
    for sub in subs:
        sweep_parts(sub)
