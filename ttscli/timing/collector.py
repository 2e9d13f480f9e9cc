"""Follows the engine's chunk stream and times the words of each segment.

``engine.chunks(..., timings=Collector(rate))`` tells it each segment and each
chunk. At each segment's end its words are timed: from the chunks' own
:class:`~.groups.PhoneGroup`s (``"model"``), else by the aligner on the
segment's audio (``"aligned"``), else spread over the segment by letter count.
``on_words`` receives each segment's :class:`~.model.Spoken` words as soon as
they are known (streamed timings).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from ..text.alignment import spoken_words
from .groups import PhoneGroup
from .model import PARAGRAPH_END, SEGMENT_END, Spoken
from .words import spread, time_words


class Collector:
    def __init__(self, sample_rate: int, aligner=None, on_words: Callable[[list[Spoken]], None] | None = None):
        self.rate = sample_rate
        self.aligner = aligner  # timing.aligned.Aligner for families without durations
        self.on_words = on_words
        self.spoken: list[Spoken] = []
        self.samples = 0  # audio so far
        self._words: list[str] = []
        self._start = 0
        self._ending = SEGMENT_END
        self._speech_end = 0
        self._groups: list[PhoneGroup] = []
        self._audio: list[np.ndarray] = []
        self.source = "model" if aligner is None else "aligned"

    def segment(self, segment) -> None:
        self._close()
        self._words = spoken_words(segment.text) if segment.text.strip() else (
            [f"[[{segment.phonemes}]]"] if segment.phonemes else [])
        self._start = self._speech_end = self.samples
        self._ending = PARAGRAPH_END if segment.paragraph_end else SEGMENT_END

    def chunk(self, chunk, speech: bool = True) -> None:
        n = len(chunk.samples)
        if speech:
            if self.aligner is not None:  # an aligner, when given, times every segment
                self._audio.append(np.asarray(chunk.samples, dtype=np.float32))
            elif chunk.words:
                self._groups += [PhoneGroup(g.size, g.start + self.samples, g.end + self.samples) for g in chunk.words]
            self._speech_end = self.samples + n
        self.samples += n

    def finish(self) -> list[Spoken]:
        self._close()
        return self.spoken

    @property
    def seconds(self) -> float:
        return self.samples / float(self.rate)

    def _close(self) -> None:
        words, self._words = self._words, []
        groups, self._groups = self._groups, []
        audio, self._audio = self._audio, []
        if not words or self._speech_end <= self._start:
            return
        spans = time_words(words, groups) if groups else []
        if audio and self.aligner is not None:
            spans = [(a + self._start, b + self._start)
                     for a, b in self.aligner.align(np.concatenate(audio), self.rate, words)]
        if len(spans) != len(words):  # nothing timed this segment: spread it
            spans = spread([max(1, len(w)) for w in words], self._start, self._speech_end)
        rate = float(self.rate)
        new = [Spoken(w, round(a / rate, 4), round(max(a, b) / rate, 4), self._ending if k == len(words) - 1 else 0)
               for k, (w, (a, b)) in enumerate(zip(words, spans))]
        self.spoken += new
        if self.on_words is not None:
            self.on_words(new)
