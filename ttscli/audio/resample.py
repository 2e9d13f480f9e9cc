"""Streaming resampling with soxr (keeps state across chunks)."""

from __future__ import annotations

import numpy as np


class StreamResampler:
    def __init__(self, in_rate: int, out_rate: int):
        import soxr

        self._rs = soxr.ResampleStream(in_rate, out_rate, 1, dtype="float32", quality="HQ")

    def process(self, samples: np.ndarray) -> np.ndarray:
        return self._rs.resample_chunk(np.asarray(samples, dtype=np.float32), last=False)

    def flush(self) -> np.ndarray:
        return self._rs.resample_chunk(np.zeros(0, dtype=np.float32), last=True)


def resample(samples: np.ndarray, in_rate: int, out_rate: int) -> np.ndarray:
    if in_rate == out_rate:
        return np.asarray(samples, dtype=np.float32)
    import soxr

    return soxr.resample(np.asarray(samples, dtype=np.float32), in_rate, out_rate, quality="HQ")
