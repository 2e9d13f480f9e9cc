"""Reference files → one clean mono clip at the encoder's rate.

Per file: resample with soxr, trim leading/trailing silence, warn about
clipping, normalise loudness (EBU R128 integrated loudness, measured by
:mod:`ttscli.audio.loudness` like `batch` and `convert` do) so
quiet phone recordings and hot podcast masters reach the encoder alike. Files
are joined with short gaps. Then the length policy: under
:data:`MIN_SECONDS` of sound is refused (exit 3, naming the length), under
:data:`WARN_SECONDS` is used with a warning, and anything longer than the
family's window is cut to the window with the most speech in it, moved to
quiet points so no word is cut in half. Every decision is reported in
``Clip.notes`` for the CLI to print.
"""

from __future__ import annotations

import logging

import numpy as np

from ..audio.loudness import integrated_loudness
from ..audio.resample import resample
from ..backends.encoders import Clip
from ..errors import BadInput
from .reference import RawAudio

log = logging.getLogger(__name__)

MIN_SECONDS = 1.0
WARN_SECONDS = 3.0
TARGET_LUFS = -20.0
PEAK_LIMIT = 0.95
GAP_SECONDS = 0.3  # between several reference files
FRAME_SECONDS = 0.02
SILENCE_FLOOR_DB = -60.0  # a file whose loudest frame is below this (dBFS RMS) is silent
TRIM_BELOW_PEAK_DB = 40.0  # frames this far under the loudest frame count as silence at the ends
MARGIN_SECONDS = 0.1
CLIP_LEVEL = 0.999
CLIP_WARN_FRACTION = 0.001


def _frame_rms(samples: np.ndarray, rate: int) -> tuple[np.ndarray, int]:
    hop = max(1, int(rate * FRAME_SECONDS))
    n = len(samples) // hop
    if n == 0:
        return np.array([float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))] if len(samples) else []), hop
    frames = samples[: n * hop].astype(np.float64).reshape(n, hop)
    return np.sqrt(np.mean(np.square(frames), axis=1)), hop


def clipped_fraction(samples: np.ndarray) -> float:
    """Share of samples at full scale (hard clipping leaves runs of ±1.0)."""
    if samples.size == 0:
        return 0.0
    return float(np.count_nonzero(np.abs(samples) >= CLIP_LEVEL)) / samples.size


def trim_silence(samples: np.ndarray, rate: int, name: str) -> np.ndarray:
    """``samples`` without silent ends (a margin kept); BadInput when all of it is silent."""
    rms, hop = _frame_rms(samples, rate)
    peak = float(rms.max()) if rms.size else 0.0
    if peak <= 10.0 ** (SILENCE_FLOOR_DB / 20.0):
        level = f"{20 * np.log10(peak):.0f} dBFS" if peak > 0 else "digital silence"
        raise BadInput(f"{name} is silent (loudest moment {level})", hint="record the voice closer to the microphone")
    loud = np.flatnonzero(rms > peak * 10.0 ** (-TRIM_BELOW_PEAK_DB / 20.0))
    margin = int(MARGIN_SECONDS * rate)
    start = max(0, int(loud[0]) * hop - margin)
    end = min(len(samples), (int(loud[-1]) + 1) * hop + margin)
    return samples[start:end]


def normalise_loudness(samples: np.ndarray, rate: int) -> np.ndarray:
    """Scale to TARGET_LUFS, then down so no peak exceeds PEAK_LIMIT."""
    gain = 1.0
    if len(samples) >= int(0.4 * rate):  # one gating block of BS.1770
        loudness = integrated_loudness(samples, rate)
        if np.isfinite(loudness):
            gain = 10.0 ** ((TARGET_LUFS - loudness) / 20.0)
    if gain == 1.0:  # too short for a gated measurement: match RMS instead
        rms = float(np.sqrt(np.mean(np.square(samples, dtype=np.float64))))
        gain = 10.0 ** (TARGET_LUFS / 20.0) / rms if rms > 0 else 1.0
    out = samples.astype(np.float64) * gain
    peak = float(np.max(np.abs(out))) if out.size else 0.0
    if peak > PEAK_LIMIT:
        out *= PEAK_LIMIT / peak
    return out.astype(np.float32)


def speech_frames(samples: np.ndarray, rate: int) -> tuple[np.ndarray, int]:
    """Per-frame speech activity (energy within 30 dB of the loud frames) and the hop."""
    rms, hop = _frame_rms(samples, rate)
    if rms.size == 0:
        return np.zeros(0, dtype=bool), hop
    loud = float(np.percentile(rms, 95))
    return rms > max(loud * 10.0 ** (-30.0 / 20.0), 1e-5), hop


def best_window(samples: np.ndarray, rate: int, seconds: float) -> tuple[int, int]:
    """(start, end) sample indices of the ``seconds``-long window with the most speech,
    its edges moved to the quietest nearby frames."""
    active, hop = speech_frames(samples, rate)
    width = max(1, int(seconds * rate) // hop)
    if len(active) <= width:
        return 0, len(samples)
    sums = np.convolve(active.astype(np.int32), np.ones(width, dtype=np.int32), mode="valid")
    first = int(np.argmax(sums))  # earliest of the best windows
    rms, _ = _frame_rms(samples, rate)
    slack = int(0.5 / FRAME_SECONDS)

    def quiet(at: int, low: int, high: int) -> int:
        low, high = max(low, 0), min(high, len(rms) - 1)
        return int(low + np.argmin(rms[low:high + 1])) if high >= low else at

    start = quiet(first, first, first + slack)  # only inside the window: never longer than asked
    end = quiet(first + width, first + width - slack, first + width)
    return start * hop, min(len(samples), end * hop)


def condition(raws: list[RawAudio], rate: int, max_seconds: float) -> Clip:
    """Join and clean the references for an encoder working at ``rate`` Hz."""
    notes: list[str] = []
    parts: list[np.ndarray] = []
    worst_clip = 0.0
    for raw in raws:
        clip_share = clipped_fraction(raw.samples)
        worst_clip = max(worst_clip, clip_share)
        if clip_share > CLIP_WARN_FRACTION:
            log.warning("%s is clipped (%.1f%% of samples at full scale); the clone may sound distorted",
                        raw.path.name, 100 * clip_share)
        mono = resample(raw.samples, raw.sample_rate, rate)
        trimmed = trim_silence(mono, rate, raw.path.name)
        if len(trimmed) < len(mono) - int(0.25 * rate):
            notes.append(f"{raw.path.name}: trimmed {(len(mono) - len(trimmed)) / rate:.1f} s of silence")
        parts.append(normalise_loudness(trimmed, rate))
    gap = np.zeros(int(GAP_SECONDS * rate), dtype=np.float32)
    joined = parts[0]
    for part in parts[1:]:
        joined = np.concatenate([joined, gap, part])
    total = len(joined) / float(rate)
    names = ", ".join(r.path.name for r in raws)
    if total < MIN_SECONDS:
        raise BadInput(f"the reference is only {total:.2f} s long after trimming silence ({names}); "
                       f"at least {MIN_SECONDS:.0f} s of speech is needed",
                       hint="use a recording of 5-15 s of clear speech")
    clip = Clip(joined, rate, notes, None, worst_clip)
    if total < WARN_SECONDS:
        log.warning("the reference is only %.1f s long; 5-15 s of speech gives a closer voice", total)
    if total > max_seconds:
        start, end = best_window(joined, rate, max_seconds)
        clip.samples = joined[start:end]
        clip.window = (start / rate, end / rate)
        notes.append(f"using {start / rate:.1f}-{end / rate:.1f} s of the {total:.1f} s reference "
                     f"(the {(end - start) / rate:.1f} s window with the most speech)")
    return clip
