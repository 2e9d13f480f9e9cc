"""Whisper tiny.en as a listener: the word error rate of synthesized speech against its text.

Handed to searching encoders (``EncodeJob.listen``) so they can check that a voice they found
is as easy to understand as the stock voice it came from. The model loads on first use.
"""

from __future__ import annotations

import numpy as np


def listener():
    """A :class:`Listener` when the offline Whisper is installed (the ``asr`` extra), else None."""
    from ..audio.transcript import asr_available

    return Listener() if asr_available() else None


class Listener:
    """Callable ``(samples, rate, text) -> WER``; one CTranslate2 thread (on a busy machine two
    only wait on each other)."""

    def __init__(self) -> None:
        self._model = None

    def __call__(self, samples: np.ndarray, rate: int, text: str) -> float:
        from ..audio.resample import resample
        from ..book.verify import wer

        if self._model is None:
            from faster_whisper import WhisperModel

            from ..audio.transcript import whisper_model_path

            self._model = WhisperModel(whisper_model_path(), device="cpu", compute_type="int8", cpu_threads=1)
        audio16 = resample(np.asarray(samples, dtype=np.float32), rate, 16000)
        segments, _ = self._model.transcribe(audio16, language="en", beam_size=1, vad_filter=False)
        return wer(text, " ".join(s.text.strip() for s in segments))
