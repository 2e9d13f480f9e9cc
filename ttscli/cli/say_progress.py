"""`say` progress on a terminal: one self-updating line on stderr for long work.

Shown only when stderr is a terminal and the work runs past a couple of seconds;
never in pipes, logs or CI (scripts see nothing but the result or one error line):

    ttscli: sentence 12/40, 31.5 s of audio, 0:14 left
"""

from __future__ import annotations

import sys
import time
from typing import Iterable, Iterator

SHOW_AFTER = 2.0  # seconds of work before the line appears
EVERY = 0.25  # seconds between redraws


def wanted(stream=None) -> bool:
    stream = stream if stream is not None else sys.stderr
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


class SayProgress:
    """Counts segments as they are synthesized and audio as it is written; draws the line."""

    def __init__(self, segments: Iterable, stream=None):
        self.segments = list(segments)  # the total is needed for an ETA
        self.stream = stream if stream is not None else sys.stderr
        self.total_chars = sum(len(s.text) for s in self.segments) or 1
        self.done = 0
        self.done_chars = 0
        self.audio_seconds = 0.0
        self.started = time.monotonic()
        self._drawn = 0.0
        self._visible = False

    def iterate(self) -> Iterator:
        for seg in self.segments:
            yield seg
            self.done += 1
            self.done_chars += len(seg.text)
            self._draw()

    def audio(self, seconds: float) -> None:
        self.audio_seconds += seconds
        self._draw()

    def line(self) -> str:
        elapsed = time.monotonic() - self.started
        left = elapsed / self.done_chars * (self.total_chars - self.done_chars) if self.done_chars else None
        eta = f"{int(left // 60)}:{int(left % 60):02d} left" if left is not None else "estimating"
        return (f"ttscli: sentence {min(self.done + 1, len(self.segments))}/{len(self.segments)}, "
                f"{self.audio_seconds:.1f} s of audio, {eta}")

    def _draw(self) -> None:
        now = time.monotonic()
        if now - self.started < SHOW_AFTER or now - self._drawn < EVERY:
            return
        self._drawn = now
        self._visible = True
        self._emit("\r" + self.line() + "\x1b[K")

    def close(self) -> None:
        if self._visible:
            self._emit("\r\x1b[K")  # the line goes; what follows starts clean
            self._visible = False

    def _emit(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            self._visible = False


class CountingSink:
    """A sink that reports the audio written to a :class:`SayProgress`."""

    def __init__(self, sink, progress: SayProgress):
        self.sink = sink
        self.progress = progress

    def start(self, sample_rate: int) -> None:
        self.sink.start(sample_rate)

    def write(self, samples) -> None:
        self.sink.write(samples)
        if self.sink.sample_rate:
            self.progress.audio(len(samples) / self.sink.sample_rate)

    @property
    def samples_written(self) -> int:
        return self.sink.samples_written
