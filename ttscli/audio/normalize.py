"""Exact loudness: a target integrated loudness (EBU R128) with the true peak at most -1 dBTP.

Two or more passes over the audio, each through the bundled ffmpeg (the audio is
streamed, never held): the first measures integrated loudness and true peak.
When the gain to the target keeps the true peak under the ceiling, a plain
``volume`` filter is exact. Otherwise a look-ahead limiter (``alimiter`` at 4×
the rate, so it sees inter-sample peaks) holds the peaks down; limiting lowers
the loudness a little, so the gain is corrected from a measure of the limited
audio, up to a few times, until it is within 0.1 LU. The last measure is the
result: when it misses the target by more than 0.5 LU (silence, or a target the
limiter cannot reach) the caller says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np


TRUE_PEAK_CEILING = -1.0  # dBTP
TOLERANCE = 0.5  # LU: a result further off than this is reported as missing the target
_AIM = 0.1  # LU: how close the gain correction tries to get
_LIMIT_DB = -2.0  # the limiter's ceiling: headroom for peaks the resampling back can add
_PASSES = 6


@dataclass(frozen=True)
class Loudness:
    integrated: float  # LUFS (-inf: silent or too short to gate)
    true_peak: float  # dBTP


@dataclass(frozen=True)
class Normalization:
    audio_filter: str | None  # the ffmpeg filter that brings the audio to the target (None: leave it)
    result: Loudness  # what the filtered audio measures
    target: float

    @property
    def reached(self) -> bool:
        return (math.isfinite(self.result.integrated) and abs(self.result.integrated - self.target) <= TOLERANCE
                and self.result.true_peak <= TRUE_PEAK_CEILING + 0.05)

    def describe(self) -> str:
        return f"{self.result.integrated:.1f} LUFS, true peak {self.result.true_peak:.1f} dBTP"


def measure(blocks: Iterable[np.ndarray], rate: int, channels: int = 1, audio_filter: str | None = None) -> Loudness:
    """Integrated loudness and true peak of float32 ``blocks`` (after ``audio_filter``, if given)."""
    from .loudness import LoudnessMeter

    meter = LoudnessMeter(rate, channels, audio_filter)
    try:
        for block in blocks:
            meter.feed(block)
    except BaseException:
        meter.close()
        raise
    return Loudness(meter.integrated(), meter.true_peak)


def limiter(rate: int) -> str:
    """A true-peak limiter: alimiter at 4× the rate (latency compensated, no auto level)."""
    limit = 10 ** (_LIMIT_DB / 20.0)
    return (f"aresample={rate * 4},alimiter=limit={limit:.5f}:attack=1:release=60:level=false:latency=true,"
            f"aresample={rate}")


def _volume(db: float) -> str:
    return f"volume={db:.4f}dB"


def normalize(source: Callable[[], Iterable[np.ndarray]], rate: int, target: float, channels: int = 1,
              first: Loudness | None = None) -> Normalization:
    """The filter that brings ``source()`` (called once per pass) to ``target`` LUFS, true peak ≤ -1 dBTP."""
    now = first or measure(source(), rate, channels)
    if not math.isfinite(now.integrated):
        return Normalization(None, now, target)
    gain = target - now.integrated
    if now.true_peak + gain <= TRUE_PEAK_CEILING - 0.05:
        return Normalization(_volume(gain), Loudness(target, now.true_peak + gain), target)
    chain = None
    result = now
    slope = 1.0  # LU of loudness per dB of gain; limiting makes it smaller, so it is learnt on the way
    last: tuple[float, float] | None = None
    for _ in range(_PASSES):
        chain = f"{_volume(gain)},{limiter(rate)}"
        result = measure(source(), rate, channels, chain)
        if not math.isfinite(result.integrated):
            break
        miss = target - result.integrated
        if abs(miss) <= _AIM and result.true_peak <= TRUE_PEAK_CEILING:
            break
        if last is not None and abs(gain - last[0]) > 1e-3:
            slope = min(1.0, max(0.1, (result.integrated - last[1]) / (gain - last[0])))
        last = (gain, result.integrated)
        gain += min(miss / slope, 20.0)
    return Normalization(chain, result, target)
