"""The unit of audio that flows from a backend to a sink."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

PCM16_MAX = 32767.0


@dataclass(frozen=True)
class AudioChunk:
    """Mono float32 samples in [-1, 1] at ``sample_rate``.

    ``words``: the spoken words of this audio as ``timing.groups.PhoneGroup`` sample
    spans, when the model knows its durations (None: it does not).
    """

    samples: np.ndarray
    sample_rate: int
    words: tuple[Any, ...] | None = None

    @property
    def duration(self) -> float:
        return len(self.samples) / float(self.sample_rate)


def silence(seconds: float, sample_rate: int) -> AudioChunk:
    n = max(0, int(round(seconds * sample_rate)))
    return AudioChunk(np.zeros(n, dtype=np.float32), sample_rate)


def to_pcm16(samples: np.ndarray) -> np.ndarray:
    """Float samples to int16 with clipping (NaN becomes 0)."""
    x = np.nan_to_num(np.asarray(samples, dtype=np.float32), nan=0.0, posinf=1.0, neginf=-1.0)
    return np.clip(np.rint(x * PCM16_MAX), -PCM16_MAX, PCM16_MAX).astype("<i2")
