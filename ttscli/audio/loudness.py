"""Integrated loudness (ITU-R BS.1770 / EBU R128) measured without holding the audio.

The samples are piped into the bundled ffmpeg's ``ebur128`` filter, which keeps
its own gating state, so the measure costs neither memory in this process nor
the ~75 MB that importing scipy.signal (for pyloudnorm's filters) would add
to the peak RSS of a long batch run. ffmpeg reports to 0.1 LU.
"""

from __future__ import annotations

import math
import re
import numpy as np

from ..errors import RuntimeFailure

SILENT = -70.0  # ebur128's absolute gate: at or below it there is nothing to measure
_INTEGRATED = re.compile(r"Integrated loudness:\s*I:\s*(-?[\d.]+|-inf|nan)\s*LUFS", re.S)
_TRUE_PEAK = re.compile(r"True peak:\s*Peak:\s*(-?[\d.]+|-?inf|nan)\s*dBFS", re.S)


class LoudnessMeter:
    """``feed(block)`` float32 blocks (frames × channels, or 1-D mono), then ``integrated()``.

    ``audio_filter`` (an ffmpeg filter chain) is applied before the measure, and ``true_peak``
    (dBTP, after ``integrated()``) is measured too (4× oversampled by ebur128)."""

    def __init__(self, rate: int, channels: int = 1, audio_filter: str | None = None):
        from .encode import PcmPipe
        from .ffmpeg import exe

        self.rate = rate
        self.channels = channels
        self.peak = 0.0
        self.frames = 0
        self._result: float | None = None
        self.true_peak = -math.inf
        chain = (audio_filter + "," if audio_filter else "") + "ebur128=peak=true:framelog=quiet"
        self._pipe = PcmPipe([exe(), "-nostdin", "-hide_banner", "-nostats", "-loglevel", "info", "-f", "f32le",
                              "-ar", str(rate), "-ac", str(channels), "-i", "pipe:0",
                              "-af", chain, "-f", "null", "-"])

    def feed(self, block: np.ndarray) -> None:
        x = np.asarray(block, dtype="<f4")
        if len(x):
            self.frames += len(x)
            self.peak = max(self.peak, float(np.max(np.abs(x))))
            self._pipe.write(x)

    def integrated(self) -> float:
        """Integrated loudness in LUFS (-inf for silence or audio too short to gate)."""
        if self._result is None:
            code, text = self._pipe.finish()
            summary = text[text.rfind("Summary:"):]
            match = _INTEGRATED.search(summary)
            if code != 0 or not match:
                raise RuntimeFailure(f"ffmpeg could not measure loudness ({' '.join(text.split())[-200:]})")
            peak = _TRUE_PEAK.search(summary)
            if peak and math.isfinite(float(peak.group(1))):
                self.true_peak = float(peak.group(1))
            value = float(match.group(1))
            self._result = value if math.isfinite(value) and value > SILENT else -math.inf
        return self._result

    def close(self) -> None:
        if self._result is None:
            self._pipe.kill()


def integrated_loudness(samples: np.ndarray, rate: int) -> float:
    """Integrated loudness of a whole clip in LUFS (-inf for silence or under one 0.4 s gating block)."""
    meter = LoudnessMeter(rate, 1 if np.ndim(samples) == 1 else int(np.shape(samples)[1]))
    try:
        meter.feed(samples)
        return meter.integrated()
    finally:
        meter.close()
