"""Checking speech with Whisper: transcribe audio and count word errors."""

from __future__ import annotations


def transcribe(model, audio, sample_rate: int) -> str:
    import numpy as np
    import soxr

    audio16 = soxr.resample(np.asarray(audio, dtype=np.float32), sample_rate, 16000)
    segments, _ = model.transcribe(audio16, language="en", beam_size=1, vad_filter=False)
    return " ".join(s.text.strip() for s in segments)


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(word edit distance, reference length) after Whisper's English normalizer."""
    from whisper_normalizer.english import EnglishTextNormalizer

    norm = EnglishTextNormalizer()
    ref, hyp = norm(reference).split(), norm(hypothesis).split()
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1], len(ref)
