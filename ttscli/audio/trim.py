"""Trim leading and trailing silence, keeping a short natural margin.

Models such as Kokoro pad each call with up to a second of near-silence at
both ends; streamed sentence by sentence, those pads add up to long gaps.
Quiet frames are found on 10 ms RMS frames relative to the loudest frame
(``top_db`` below it counts as silence), like librosa's ``effects.trim``
that kokoro-onnx uses, but margins are kept so words are never clipped.
"""

from __future__ import annotations

import numpy as np


def trim_silence(audio: np.ndarray, sample_rate: int, *, top_db: float = 50.0,
                 keep_head: float = 0.05, keep_tail: float = 0.2) -> np.ndarray:
    """``audio`` without its silent ends, keeping ``keep_head``/``keep_tail`` seconds of margin."""
    start, end = silence_bounds(audio, sample_rate, top_db=top_db, keep_head=keep_head, keep_tail=keep_tail)
    return audio[start:end]


def silence_bounds(audio: np.ndarray, sample_rate: int, *, top_db: float = 50.0,
                   keep_head: float = 0.05, keep_tail: float = 0.2) -> tuple[int, int]:
    """(start, end) of the part of ``audio`` that :func:`trim_silence` keeps."""
    frame = max(1, sample_rate // 100)
    n = len(audio) // frame
    if n < 2:
        return 0, len(audio)
    frames = audio[: n * frame].astype(np.float32, copy=False).reshape(n, frame)
    rms = np.sqrt(np.mean(np.square(frames), axis=1))
    peak = float(rms.max())
    if peak <= 0.0:
        return 0, len(audio)
    loud = np.flatnonzero(rms > peak * 10.0 ** (-top_db / 20.0))
    start = max(0, int(loud[0]) * frame - int(keep_head * sample_rate))
    end = min(len(audio), (int(loud[-1]) + 1) * frame + int(keep_tail * sample_rate))
    return start, end
