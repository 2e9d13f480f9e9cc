"""Acoustic onsets after pauses: a reference for word starts that no aligner gives.

Where speech starts after a pause (at least 60 ms below the quiet level), the word's start is
plain in the signal: the first 2 ms step whose level (5 ms RMS) rises above the onset level.
Levels are relative to the recording: speech is its 90th percentile level, quiet is the higher
of (5th percentile + 10 dB) and (speech - 45 dB), the onset level the higher of (quiet + 15 dB)
and (speech - 30 dB).

Used by timings_vs_whisper.py and book_verify.py to tell our word starts' error from Whisper's:
each onset goes to the word (of those both give a start for) with the start nearest it, ours or
Whisper's (within 0.1 s: an onset further from both is a stop consonant's burst inside a word), and
both starts are compared with it. The rule is the same for both, so neither is favoured. Only words after a pause have one, so this
covers sentence and phrase starts, not words inside connected speech.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass

import numpy as np

STEP_S = 0.002
WINDOW_S = 0.005
QUIET_S = 0.06
REACH_S = 0.1


@dataclass
class Levels:
    db: np.ndarray
    step: float
    quiet: float
    onset: float


def levels(audio: np.ndarray, rate: int) -> Levels:
    hop = max(1, round(STEP_S * rate))
    window = max(1, round(WINDOW_S * rate))
    power = np.convolve(np.asarray(audio, dtype=np.float64) ** 2, np.ones(window) / window, mode="same")[::hop]
    db = 10 * np.log10(power + 1e-12)
    speech = float(np.percentile(db[db > -80], 90)) if (db > -80).any() else -80.0
    quiet = max(float(np.percentile(db, 5)) + 10, speech - 45)
    return Levels(db, hop / rate, quiet, max(quiet + 15, speech - 30))


def onsets(lv: Levels) -> np.ndarray:
    """Times (s) where the level rises above the onset level after at least QUIET_S of quiet."""
    need = round(QUIET_S / lv.step)
    found, quiet = [], 0
    for i, value in enumerate(lv.db):
        if value < lv.quiet:
            quiet += 1
        elif value > lv.onset:
            if quiet >= need:
                found.append(i * lv.step)
            quiet = 0
    return np.asarray(found)


def deltas(audio: np.ndarray, rate: int, pairs: list[tuple[float, float]]) -> tuple[list[float], list[float]]:
    """``pairs``: (our start, Whisper's start) of the same words. (ours - onset, Whisper's - onset) in
    seconds for the words that start at an onset (see the module doc)."""
    ours: list[float] = []
    theirs: list[float] = []
    starts = np.asarray(pairs, dtype=np.float64).reshape(-1, 2)
    for t in onsets(levels(audio, rate)) if len(pairs) else ():
        distance = np.abs(starts - t).min(axis=1)
        k = int(np.argmin(distance))
        if distance[k] <= REACH_S:
            ours.append(pairs[k][0] - t)
            theirs.append(pairs[k][1] - t)
    return ours, theirs


def summary(ours: list[float], theirs: list[float]) -> dict:
    """Counts, the median and 95th percentile of |ours - onset|, signed medians (ms)."""
    if not ours:
        return {"onset_words": 0}
    absolute = sorted(abs(d) for d in ours)

    def ms(x: float) -> float:
        return round(1000 * x, 1)

    return {"onset_words": len(ours),
            "ours_vs_onset_median_ms": ms(statistics.median(absolute)),
            "ours_vs_onset_p95_ms": ms(absolute[min(len(absolute) - 1, round(0.95 * (len(absolute) - 1)))]),
            "ours_vs_onset_signed_ms": ms(statistics.median(ours)),
            "whisper_vs_onset_median_ms": ms(statistics.median(abs(d) for d in theirs)),
            "whisper_vs_onset_signed_ms": ms(statistics.median(theirs))}
