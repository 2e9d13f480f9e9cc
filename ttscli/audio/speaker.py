"""Speaker similarity with Resemblyzer (the ``torch`` extra; weights ship in its wheel).

Resemblyzer's GE2E encoder maps an utterance to a unit 256-vector; the cosine
of two such vectors is the usual "same speaker?" score (≈0.75+ for one
speaker, lower across speakers). Audio is resampled here with soxr rather
than through Resemblyzer's librosa path, then volume-normalised and stripped
of long pauses by Resemblyzer itself (webrtcvad), as its own preprocessing does.
"""

from __future__ import annotations

import logging
import warnings

import numpy as np

from ..errors import RuntimeFailure
from ..optional import install_command
from .resample import resample

log = logging.getLogger(__name__)

RATE = 16000
EXTRA_HINT = install_command("torch")


def _import():
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # webrtcvad imports pkg_resources (deprecated)
            from resemblyzer import VoiceEncoder
            from resemblyzer.audio import normalize_volume, trim_long_silences
    except ImportError as exc:
        raise RuntimeFailure(f"the speaker encoder is not installed ({exc.name or exc})", hint=EXTRA_HINT) from exc
    return VoiceEncoder, normalize_volume, trim_long_silences


def available() -> bool:
    try:
        _import()
    except RuntimeFailure:
        return False
    return True


class SpeakerEncoder:
    """Embeds audio as Resemblyzer speaker vectors (CPU: it is small and fast)."""

    def __init__(self, threads: int | None = None):
        encoder_cls, self._normalize, self._trim = _import()
        if threads:
            import torch

            torch.set_num_threads(int(threads))
        self._encoder = encoder_cls("cpu", verbose=False)

    def embed(self, samples: np.ndarray, rate: int) -> np.ndarray:
        wav = resample(np.asarray(samples, dtype=np.float32), rate, RATE)
        wav = self._normalize(wav, -30, increase_only=True)
        try:
            trimmed = self._trim(wav)
        except (ValueError, IndexError):  # too short for its VAD windows
            trimmed = wav
        if len(trimmed) >= RATE // 2:
            wav = trimmed
        return np.asarray(self._encoder.embed_utterance(wav.astype(np.float32)), dtype=np.float32)


def cosine(a: np.ndarray, b: np.ndarray) -> float:
    na, nb = float(np.linalg.norm(a)), float(np.linalg.norm(b))
    return float(np.dot(a, b) / (na * nb)) if na and nb else 0.0
