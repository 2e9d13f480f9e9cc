"""Whole-book outputs of a batch job: the .m4b (or one file for the book) and the read-along EPUB.

A mixin of :class:`ttscli.book.job.Job`, which holds the chunks and chapters; each output is
keyed by what it is made of, so a re-run rewrites only what changed.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .job import Settings
    from .plan import Plan, Result

WORK = ".ttscli"


def _hash(*parts) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:32]


def planned(out: Path, plan: Plan, settings: Settings) -> list[Path]:
    """Every file the user gets from ``plan``: the book's files, the chapters' and the subtitles."""
    from .plan import CHAPTER_FORMATS, file_title

    paths = [out / f"{plan.name}.{fmt}" for fmt in settings.formats
             if fmt in ("m4b", "epub") or settings.one_file]
    paths += [out / f"{plan.name}.{fmt}" for fmt in settings.subtitles]
    chapter_formats = [f for f in settings.formats if f in CHAPTER_FORMATS and not settings.one_file]
    for number, chapter, _ in plan.chapters:
        stem = file_title(number, chapter.title)
        paths += [out / plan.name / f"{stem}.{fmt}" for fmt in (*chapter_formats, *settings.subtitles)]
    return paths


def check_outputs(out: Path, plans: list[Plan], settings: Settings, inputs: tuple) -> None:
    """Before any work: no output is an input (also through a symlink) or another output's file,
    and none is a directory or a special file (the ``-o`` policy, for every file written)."""
    import os
    import stat

    from ..errors import OutputError
    from ..fsio import distinct_outputs, not_an_input

    paths = [p for plan in plans for p in planned(out, plan, settings)]
    distinct_outputs(paths)
    for path in paths:
        not_an_input(path, inputs)
        try:
            mode = os.stat(path).st_mode
        except OSError:
            continue
        if not stat.S_ISREG(mode):
            raise OutputError(f"output {path} exists and is not a regular file", hint="move it away, or use another -o")


class BookOutputs:
    """``_book_file`` and ``_readalong`` for Job (uses its out, settings, rate, emit, _tags, _chunk_path)."""

    def _readalong(self, work: Path, plan: Plan, chapter_wavs: list[tuple[str, Path, int]], manifest,
                   result: Result) -> None:
        """--format epub: the read-along EPUB 3 (see readalong.py)."""
        from . import readalong, subtitles

        path = self.out / f"{plan.name}.epub"
        tags = self._tags(plan, plan.book.title)
        key = _hash([p.name for _, p, _ in chapter_wavs], [t for t, _, _ in chapter_wavs], self.settings.bitrate,
                    tags.__dict__ | {"cover": _hash(tags.cover)}, [c.text for _, c, _ in plan.chapters],
                    plan.book.language, "epub-2")
        if manifest.output_key(path.name) != key or not path.exists():
            spoken = []
            for (title, wav, frames), (_, chapter, chunks) in zip(chapter_wavs, plan.chapters):
                records = [subtitles.read_chunk(self._chunk_path(work, c.key)) for c in chunks]
                spoken.append(readalong.Spoken(title, wav, self.rate, chapter.text,
                                               readalong.timed_units(chapter.text, records), frames / self.rate))
            self.emit("mux", path=str(path))
            readalong.write(path, plan.book, spoken, work / "tmp", bitrate=self.settings.bitrate,
                            cover=tags.cover, cover_type=tags.cover_type)
            manifest.output_done(path.name, key)
        result.outputs.append(path)
        self.emit("output", path=str(path))

    def _book_file(self, plan: Plan, chapter_wavs: list[tuple[str, Path, int]], manifest, result: Result,
                   fmt: str = "m4b") -> None:
        """The whole book in one file: an .m4b with chapter markers, or (-o book.mp3) chapters back to back."""
        from ..store import space
        from . import m4b
        from .assemble import encode

        path = self.out / f"{plan.name}.{fmt}"
        bitrate = self.settings.bitrate or (m4b.DEFAULT_BITRATE if fmt == "m4b" else None)
        tags = self._tags(plan, plan.book.title)
        key = _hash([p.name for _, p, _ in chapter_wavs], [t for t, _, _ in chapter_wavs], bitrate,
                    tags.__dict__ | {"cover": _hash(tags.cover)})
        if manifest.output_key(path.name) != key or not path.exists():
            seconds = sum(f for _, _, f in chapter_wavs) / float(self.rate)
            space.check({self.out: m4b.bytes_needed(seconds, bitrate or "1411k", tags.cover)}, what=f"{path.name}",
                        hint="free some space or write the audiobook elsewhere (-o)")
            self.emit("mux", path=str(path))
            if fmt == "m4b":
                m4b.write(path, chapter_wavs, self.rate, tags, bitrate, scratch=self.out / WORK / plan.name / "tmp")
            else:
                encode([p for _, p, _ in chapter_wavs], self.rate, path, fmt, bitrate=bitrate,
                       tags=None if fmt == "wav" else tags)
            manifest.output_done(path.name, key)
        result.outputs.append(path)
        self.emit("output", path=str(path))
