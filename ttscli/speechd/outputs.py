"""Where an utterance's audio goes.

* :class:`ToServer` — 705 blocks back to speech-dispatcher, which plays them (0.11 and later
  offer this first with ``AUDIO audio_output_method=server``); stopping is the server's.
* :class:`ToPlayer` — ttscli's own player (the speakers), when the server does not offer it.
* :class:`ToFile` — a WAV file written at the pace of real playback, when ``TTSCLI_SPEECHD_WAV``
  names one: for tests and benchmarks on machines without sound, where the time of the first
  sample and the moment a stop cuts the audio can be read from the file.

``write`` returns False once the utterance was cut; ``cut`` runs on the command loop's thread
and returns at once.
"""

from __future__ import annotations

import threading
import time
import wave

import numpy as np

from ..audio.chunk import to_pcm16
from .channel import Channel, Utterance

WAV_ENV = "TTSCLI_SPEECHD_WAV"
LEAD = 0.05  # seconds a paced file may run ahead of the clock, like a sound card's buffer


class Output:
    def __init__(self) -> None:
        self.cancelled = threading.Event()

    def open(self, rate: int) -> None:
        self.rate = rate

    def write(self, samples: np.ndarray) -> bool:
        raise NotImplementedError

    def close(self) -> None: ...

    def cut(self) -> None:
        self.cancelled.set()


class ToServer(Output):
    def __init__(self, channel: Channel, utt: Utterance):
        super().__init__()
        self.channel, self.utt = channel, utt

    def write(self, samples):
        return not self.cancelled.is_set() and self.channel.audio(self.utt, to_pcm16(samples).tobytes(), self.rate)


class ToPlayer(Output):
    def __init__(self, player: str | None = None):
        super().__init__()
        self.player = player
        self.sink = None

    def open(self, rate):
        from ..audio.player import PlayerSink

        super().open(rate)
        self.sink = PlayerSink(self.player)
        self.sink.start(rate)

    def write(self, samples):
        if self.cancelled.is_set():
            return False
        try:
            self.sink.write(samples)
        except Exception:  # noqa: BLE001 - a player killed by cut() fails its write
            if self.cancelled.is_set():
                return False
            raise
        return True

    def close(self):
        if self.sink is not None and not self.cancelled.is_set():
            self.sink.close()

    def cut(self):
        super().cut()
        if self.sink is not None:
            self.sink.abort()


class ToFile(Output):
    def __init__(self, path: str):
        super().__init__()
        self.path = path
        self._wav = None
        self._lock = threading.Lock()
        self._written = 0
        self._t0 = 0.0

    def open(self, rate):
        super().open(rate)
        self._wav = wave.open(self.path, "wb")  # noqa: SIM115 - closed by close()/cut()
        self._wav.setnchannels(1)
        self._wav.setsampwidth(2)
        self._wav.setframerate(rate)

    def write(self, samples):
        pcm = to_pcm16(samples)
        step = max(1, self.rate // 50)  # 20 ms at a time, as a sound card takes it
        for at in range(0, len(pcm), step):
            if not self._t0:
                self._t0 = time.monotonic()
            ahead = self._written / self.rate - (time.monotonic() - self._t0) - LEAD
            if ahead > 0 and self.cancelled.wait(ahead):
                return False
            with self._lock:
                if self.cancelled.is_set() or self._wav is None:
                    return False
                self._wav.writeframes(pcm[at:at + step].tobytes())
                self._written += len(pcm[at:at + step])
        return True

    def close(self):
        with self._lock:
            if self._wav is not None:
                self._wav.close()
                self._wav = None

    def cut(self):
        super().cut()
        self.close()
