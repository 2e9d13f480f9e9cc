"""Hold back part of the reference: search on one part, select and report on the other.

An encoder that searches (Kokoro voice matching) would otherwise fit the
recording it scores on, its sentences and channel, rather than the voice.
``split`` cuts the conditioned clip at a quiet frame near ``1 - share`` of its
length; both parts must hold at least :data:`MIN_PART_SECONDS` of audio (the
speaker encoder's windows are 1.6 s), else nothing is held back and the caller
says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


MIN_PART_SECONDS = 2.0
SHARE = 0.4  # of the clip held back
SLACK = 0.15  # the cut may move this share of the clip to find a pause


@dataclass(frozen=True)
class Split:
    fit: np.ndarray  # audio to optimise on
    held: np.ndarray | None  # audio the search never optimises on (None: too short to split)
    rate: int

    @property
    def seconds(self) -> tuple[float, float]:
        return len(self.fit) / self.rate, (0.0 if self.held is None else len(self.held) / self.rate)


def split(samples: np.ndarray, rate: int, share: float = SHARE) -> Split:
    """``samples`` cut in two at the quietest frame near ``1 - share`` of its length."""
    need = int(MIN_PART_SECONDS * rate)
    if len(samples) < 2 * need:
        return Split(samples, None, rate)
    hop = max(1, rate // 50)  # 20 ms frames
    frames = samples[: len(samples) // hop * hop].astype(np.float64).reshape(-1, hop)
    rms = np.sqrt(np.mean(np.square(frames), axis=1))
    target = int(len(rms) * (1.0 - share))
    low = max(need // hop, target - int(len(rms) * SLACK))
    high = min(len(rms) - need // hop, target + int(len(rms) * SLACK))
    cut = (low + int(np.argmin(rms[low:high + 1]))) * hop if high >= low else target * hop
    return Split(samples[:cut], samples[cut:], rate)
