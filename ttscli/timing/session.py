"""Subtitles and streamed timings for one `say` run.

    subs = Subtitles.open(text, subtitles="out.srt", jsonl="words.jsonl")  # paths checked
    subs.attach(loaded.backend, lang)        # after the model is loaded: aligner if needed
    engine.speak(..., timings=subs.collector)
    subs.close()                             # writes the subtitle file
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import IO

from ..errors import OutputError
from ..fsio import output_target
from . import cues as cue_rules
from . import writers
from .collector import Collector
from .model import Mapper, Spoken, TimedWord


class Subtitles:
    def __init__(self, original: str, subtitles: Path | None, jsonl: Path | None):
        self.original = original
        self.path = subtitles
        self.format = writers.format_for(subtitles) if subtitles else None
        self.jsonl_path = jsonl
        self.mapper = Mapper(original)
        self.words: list[TimedWord] = []
        self.collector: Collector | None = None
        self._jsonl: IO[str] | None = None
        self._offset = 0  # of the current piece in ``original`` (live input)

    @classmethod
    def open(cls, original: str, subtitles: str | None, jsonl: str | None, inputs: tuple = (),
             others: tuple = ()) -> Subtitles | None:
        """Checked like ``-o`` (fsio.output_target): never an input, also not through a symlink,
        and not the same file as another output of the command (``others``)."""
        if not subtitles and not jsonl:
            return None
        from ..fsio import distinct_outputs

        paths = [Path(p).expanduser() if p else None for p in (subtitles, jsonl)]
        distinct_outputs([*paths, *others])
        for path in paths:
            if path is not None:
                output_target(path, inputs=inputs)
        return cls(original, *paths)

    def attach(self, backend, lang: str | None = None) -> Collector:
        """The collector for ``backend``; a family without durations gets Whisper (checked here)."""
        aligner = None
        if getattr(backend, "timings", "aligned") != "model":
            from .aligned import Aligner, check_available

            check_available(backend.family or backend.model.id)
            aligner = Aligner(lang or backend.language)
        if self.jsonl_path is not None:
            try:
                self._jsonl = open(self.jsonl_path, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
            except OSError as exc:
                raise OutputError(f"cannot write {self.jsonl_path}: {exc.strerror or exc}") from exc
        self.collector = Collector(backend.sample_rate, aligner, on_words=self._said)
        return self.collector

    def _said(self, spoken: list[Spoken]) -> None:
        self._emit(self.mapper.feed(spoken))

    def piece(self, text: str) -> None:
        """Live input (``say`` reading a pipe): the words from now on are of ``text``, the next
        piece of the input. Character offsets count the pieces joined by newlines."""
        if self.collector is not None:
            self.collector.finish()  # the last segment's words go to the piece they belong to
        self._emit(self.mapper.finish())
        self._offset = len(self.original) + (1 if self.original else 0)
        self.original += ("\n" if self.original else "") + text
        self.mapper = Mapper(text)

    def _emit(self, words: list[TimedWord]) -> None:
        if self._offset:
            words = [replace(w, char_start=w.char_start + self._offset, char_end=w.char_end + self._offset)
                     for w in words]
        self.words += words
        if self._jsonl is not None:
            writers.jsonl(self._jsonl, words)

    def close(self, complete: bool = True) -> None:
        """Finish the streamed lines and, when the audio is ``complete``, write the subtitle file."""
        if self.collector is None:
            return
        try:
            if complete:
                self.collector.finish()
                self._emit(self.mapper.finish())
        finally:
            if self._jsonl is not None:
                self._jsonl.close()
                self._jsonl = None
        if complete and self.path is not None and self.format:
            duration = self.collector.seconds
            cues = cue_rules.build(self.words, duration)
            writers.write(self.path, writers.render(self.format, self.words, cues, duration, self.collector.source))
