"""Is a cloned voice as easy to understand as a stock one? Whisper tiny.en decides.

A searching encoder renders a fixed text set with its candidate and with the
stock voice it started from; :class:`Listener` gives the word error rate of
each (offline faster-whisper, the ``asr`` extra). A candidate passes when its
WER is at most the stock voice's plus :data:`MARGIN`.
"""

from __future__ import annotations

import numpy as np

MARGIN = 0.02
# Ordinary sentences with a spread of vowels, stops and fricatives; none is a search phrase.
TEXTS = (
    "The old man carried a basket of apples up the narrow hill.",
    "Please remember to close the window before you leave tonight.",
    "She bought six fresh loaves of bread at the market on Thursday.",
)


def available() -> bool:
    from .transcript import asr_available

    return asr_available()


class Listener:
    """Whisper tiny.en, loaded once (one thread: on a busy machine two only wait on each other)."""

    def __init__(self) -> None:
        from faster_whisper import WhisperModel

        from .transcript import whisper_model_path

        self._model = WhisperModel(whisper_model_path(), device="cpu", compute_type="int8", cpu_threads=1)

    def wer(self, samples: np.ndarray, rate: int, text: str) -> float:
        """Word error rate of what Whisper hears in ``samples`` against ``text``."""
        from ..audio.resample import resample
        from ..book.verify import wer

        audio16 = resample(np.asarray(samples, dtype=np.float32), rate, 16000)
        segments, _ = self._model.transcribe(audio16, language="en", beam_size=1, vad_filter=False)
        return wer(text, " ".join(s.text.strip() for s in segments))
