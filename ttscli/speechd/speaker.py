"""One message of speech-dispatcher's, spoken in a thread of its own.

The message is cut at its index marks (:func:`.messages.pieces`); each piece is synthesized
by the warm model and its chunks go to the output as they come, each mark is reported
(``700``) right after the audio before it, and the message ends with ``702 END``. A STOP
from the command loop ends it at once (:meth:`Speaker.cut`): the event is sent then, queued
audio is dropped, and the model runs in progress are stopped (``Backend.interrupt``), so the
next message does not wait for a chunk nobody will hear.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Iterator

import numpy as np

from .channel import Channel, Utterance
from .messages import has_words, pieces
from .outputs import Output
from .voices import Choice, Settings, Warm

log = logging.getLogger("ttscli.speechd")


def synthesize(loaded, text: str, speed: float, volume: float) -> Iterator[np.ndarray]:
    """Float32 chunks of ``text`` (plain text or SSML) from a loaded model: the one call into
    the engine, through the public API's :meth:`ttscli.api.Voice.stream`."""
    from ..api import Voice

    for chunk in Voice(loaded).stream(text, speed=speed, volume=volume):
        yield chunk.samples


def describe(exc: BaseException) -> str:
    """One line for speech-dispatcher's log: a ttscli error's message, else the exception."""
    from ..errors import TtsError

    return exc.one_line() if isinstance(exc, TtsError) else f"{type(exc).__name__}: {exc}"


class Pitch:
    """Raise or lower the pitch by ``factor``: the audio is resampled to 1/factor of its length
    (played at the same rate, its pitch moves by factor), so it is synthesized at speed/factor."""

    def __init__(self, factor: float, rate: int):
        self.stream = None
        if abs(factor - 1.0) > 1e-3:
            from ..audio.resample import StreamResampler

            self.stream = StreamResampler(rate, max(1000, round(rate / factor)))

    def process(self, samples: np.ndarray) -> np.ndarray:
        return samples if self.stream is None else self.stream.process(samples)

    def flush(self) -> np.ndarray:
        return np.zeros(0, np.float32) if self.stream is None else self.stream.flush()


class Speaker:
    def __init__(self, channel: Channel, warm: Warm, utt: Utterance, output: Output, message: str,
                 settings: Settings, choice: Choice):
        self.channel, self.warm, self.utt, self.output = channel, warm, utt, output
        self.message, self.choice = message, choice
        self.speed, self.gain, self.factor = settings.speed, settings.gain, settings.pitch_factor
        self.thread = threading.Thread(target=self._run, name="ttscli-speechd-speak", daemon=True)
        self._backend = None  # the backend while this message synthesizes (under warm.lock)
        self._cutting = threading.Lock()  # a cut's interrupt and the end of this message's synthesis

    def start(self) -> None:
        self.thread.start()

    def cut(self, event: str = "703 STOP") -> None:
        """STOP or PAUSE: end now (the event goes out before this returns to the loop)."""
        self.output.cut()
        self.channel.end(self.utt, event)
        with self._cutting:  # only this message's runs: the next one waits for warm.lock
            if self._backend is not None:
                self._backend.interrupt()

    @property
    def active(self) -> bool:
        return not self.utt.done.is_set()

    def _run(self) -> None:
        from ..errors import RunStopped

        try:
            with self.warm.lock:  # one message synthesizes at a time
                if self.utt.done.is_set():
                    return
                try:
                    self._speak()
                finally:
                    with self._cutting:
                        self._backend = None
        except RunStopped:
            pass  # cut by a STOP: its event has gone out
        except Exception as exc:  # noqa: BLE001 - reported to speech-dispatcher's log, message ended
            log.error("%s", describe(exc))
        self.channel.end(self.utt, "702 END")

    def _speak(self) -> None:
        loaded = self.warm.get(self.choice)
        with self._cutting:
            if self.utt.done.is_set():
                return
            self._backend = loaded.backend
        rate = loaded.backend.sample_rate
        pitch = Pitch(self.factor, rate)
        opened = False
        for piece, mark in pieces(self.message):
            if has_words(piece):
                with contextlib.closing(synthesize(loaded, piece, self.speed / self.factor, self.gain)) as chunks:
                    for samples in chunks:  # closed at a cut: the backend's look-ahead stops too
                        if self.utt.done.is_set():
                            return
                        samples = pitch.process(samples)
                        if not len(samples):
                            continue
                        if not opened:
                            self.output.open(rate)
                            opened = True
                        if not self.channel.begin(self.utt) or not self.output.write(samples):
                            return
            if mark is not None and not self.channel.mark(self.utt, mark):
                return
        tail = pitch.flush()
        if opened and len(tail):
            self.output.write(tail)
        if opened:
            self.output.close()

