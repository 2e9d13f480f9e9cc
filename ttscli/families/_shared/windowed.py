"""Streaming decode of a growing code sequence: overlapping windows joined by crossfades.

Speech LMs produce codec frames one token at a time. Decoding the whole
sequence at the end would hold all audio back until generation finishes;
decoding each new frame alone would click at every boundary, because a neural
codec decoder needs context on both sides. So each step decodes a window:

    [ lookback | new region (chunk frames) | lookahead ]

and emits only the new region. The first ``crossfade`` samples of the region
are blended with the previous window's estimate of the same samples (taken
from its lookahead), so consecutive regions join without a step. The region
ends before the lookahead, so its last samples are decoded with right context
too. At the end, :meth:`flush` decodes what is left with whatever context
exists. Every frame is emitted exactly once: the output has
``frames × hop`` samples, the same length as a one-shot decode.

Regions start small (the first audio comes early) and grow (each window
re-decodes its lookback and lookahead, so long regions waste less work once
playback has a lead).

``context`` frames (for NeuTTS, the reference voice's codes) serve as
lookback for the first windows but are never emitted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np


@dataclass(frozen=True)
class WindowPlan:
    hop: int  # samples per frame
    first_chunk: int  # frames in the first region (small: time to first audio)
    chunk: int  # frames in the second region; each later one doubles, up to max_chunk
    lookback: int  # frames of left context
    lookahead: int  # frames of right context (>= 1 when crossfading)
    crossfade: int  # samples blended at each boundary (<= lookahead * hop)
    max_chunk: int = 0  # 0 = chunk (no growth). Larger regions re-decode less context per frame.

    def __post_init__(self) -> None:
        if min(self.hop, self.first_chunk, self.chunk) < 1 or self.lookback < 0 or self.lookahead < 0:
            raise ValueError(f"invalid window plan {self}")
        if self.crossfade > self.lookahead * self.hop:
            raise ValueError("the crossfade must fit in the lookahead")


class WindowedDecoder:
    def __init__(self, decode: Callable[[np.ndarray], np.ndarray], plan: WindowPlan,
                 context: Sequence | np.ndarray = ()):
        self.decode_fn = decode
        self.plan = plan
        self.frames: list = list(context)
        self.start = len(self.frames)  # index of the first frame to emit
        self.done = self.start  # frames before this index have been emitted
        self._tail: np.ndarray | None = None  # the previous window's audio just past `done`
        self._chunk = plan.chunk
        self.windows = 0  # decoder calls (for stats)

    @property
    def generated(self) -> int:
        return len(self.frames) - self.start

    def push(self, frames: Sequence) -> list[np.ndarray]:
        """Add frames; return the audio regions that are now final (possibly none)."""
        self.frames.extend(frames)
        out: list[np.ndarray] = []
        plan = self.plan
        while True:
            first = self.done == self.start
            step = plan.first_chunk if first else self._chunk
            if len(self.frames) - self.done < step + plan.lookahead:
                return out
            out.append(self._region(self.done, self.done + step, final=False))
            if not first:
                self._chunk = min(max(plan.max_chunk, plan.chunk), self._chunk * 2)

    def flush(self) -> np.ndarray:
        """The audio of every frame not yet emitted (empty if none)."""
        if len(self.frames) <= self.done:
            return np.zeros(0, dtype=np.float32)
        return self._region(self.done, len(self.frames), final=True)

    def _region(self, begin: int, end: int, *, final: bool) -> np.ndarray:
        plan, hop = self.plan, self.plan.hop
        w_start = max(0, begin - plan.lookback)
        w_end = len(self.frames) if final else end + plan.lookahead
        audio = self._decode(w_start, w_end)
        lo, hi = (begin - w_start) * hop, (end - w_start) * hop
        region = audio[lo:hi].copy()
        if self._tail is not None and len(self._tail):
            n = min(len(self._tail), len(region))
            fade_in = (np.arange(n, dtype=np.float32) + 0.5) / n
            region[:n] = self._tail[:n] * (1.0 - fade_in) + region[:n] * fade_in
        self._tail = None if final else audio[hi : hi + plan.crossfade].copy()
        self.done = end
        return region

    def _decode(self, w_start: int, w_end: int) -> np.ndarray:
        self.windows += 1
        audio = np.asarray(self.decode_fn(np.asarray(self.frames[w_start:w_end])), dtype=np.float32).reshape(-1)
        want = (w_end - w_start) * self.plan.hop
        if len(audio) < want:  # a decoder that trims its edges: keep positions aligned
            audio = np.concatenate([audio, np.zeros(want - len(audio), dtype=np.float32)])
        return audio[:want]
