"""Integrated loudness (ITU-R BS.1770, as pyloudnorm measures it) without holding the audio.

pyloudnorm's ``integrated_loudness`` wants the whole signal in memory (an hour
of speech is ~600 MB as float64). Here the K-weighting filters (pyloudnorm's
coefficients) run block by block with their state carried over, and only the
mean square of every 100 ms step is kept (36,000 floats for an hour); the
400 ms gating blocks and the two gates are computed from those at the end.
"""

from __future__ import annotations

import math

import numpy as np

STEP = 0.1  # s: 75 % overlap of 400 ms blocks
BLOCK_STEPS = 4
ABSOLUTE_GATE = -70.0
CHANNEL_GAINS = (1.0, 1.0, 1.0, 1.41, 1.41)
PEAK_CEILING_DB = -1.0  # normalization never pushes a sample peak above this


class LoudnessMeter:
    def __init__(self, rate: int, channels: int = 1):
        import pyloudnorm
        from scipy.signal import lfilter_zi

        meter = pyloudnorm.Meter(rate)
        self.rate = rate
        self.channels = channels
        self.stages = []
        for stage in meter._filters.values():  # high shelf, then high pass (pyloudnorm's K-weighting)
            b, a = np.asarray(stage.b, dtype=np.float64), np.asarray(stage.a, dtype=np.float64)
            zi = np.repeat((lfilter_zi(b, a) * 0.0)[:, None], channels, axis=1)
            self.stages.append([b, a, stage.passband_gain, zi])
        self.step = int(round(STEP * rate))
        self.sums: list[np.ndarray] = []  # per step: sum of squares per channel
        self._partial = np.zeros(channels)
        self._filled = 0
        self.peak = 0.0
        self.frames = 0

    def feed(self, block: np.ndarray) -> None:
        from scipy.signal import lfilter

        x = np.asarray(block, dtype=np.float64)
        if x.ndim == 1:
            x = x[:, None]
        if not len(x):
            return
        self.frames += len(x)
        self.peak = max(self.peak, float(np.max(np.abs(x))))
        for stage in self.stages:
            b, a, gain, zi = stage
            x, stage[3] = lfilter(b, a, x, axis=0, zi=zi)
            x = x * gain
        sq = np.square(x)
        i = 0
        while i < len(sq):
            take = min(self.step - self._filled, len(sq) - i)
            self._partial += sq[i:i + take].sum(axis=0)
            self._filled += take
            i += take
            if self._filled == self.step:
                self.sums.append(self._partial)
                self._partial = np.zeros(self.channels)
                self._filled = 0

    def integrated(self) -> float:
        """Integrated loudness in LUFS (-inf for silence or less than 400 ms of audio)."""
        if len(self.sums) < BLOCK_STEPS:
            return -math.inf
        steps = np.array(self.sums)  # (n, channels)
        window = np.lib.stride_tricks.sliding_window_view(steps, BLOCK_STEPS, axis=0).sum(axis=-1)
        z = window / (BLOCK_STEPS * self.step)
        gains = np.array([CHANNEL_GAINS[c] if c < len(CHANNEL_GAINS) else 1.0 for c in range(self.channels)])
        power = (z * gains).sum(axis=1)
        with np.errstate(divide="ignore"):
            loud = -0.691 + 10.0 * np.log10(power)
        gated = loud >= ABSOLUTE_GATE
        if not gated.any():
            return -math.inf
        relative = -0.691 + 10.0 * np.log10(power[gated].mean()) - 10.0
        final = gated & (loud > relative)
        if not final.any():
            return -math.inf
        return float(-0.691 + 10.0 * np.log10(power[final].mean()))

    def gain_to(self, target: float) -> float:
        """Linear gain that brings the audio to ``target`` LUFS without the peak passing -1 dBFS."""
        loud = self.integrated()
        if not math.isfinite(loud) or self.peak <= 0:
            return 1.0
        gain = 10 ** ((target - loud) / 20.0)
        ceiling = 10 ** (PEAK_CEILING_DB / 20.0) / self.peak
        return float(min(gain, ceiling))
