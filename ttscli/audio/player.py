"""Play audio on the speaker: sounddevice when PortAudio works, else a player program.

Players are tried in order: sounddevice, ffplay, aplay, paplay (pacat), sox's
play. Audio is streamed to them chunk by chunk, so playback starts with the
first sentence.
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np

from ..errors import PipeClosed, RuntimeFailure
from .chunk import to_pcm16
from .sinks import Sink, StreamSink


def _player_command(name: str, path: str, rate: int) -> list[str]:
    return {
        "ffplay": [path, "-nodisp", "-autoexit", "-loglevel", "error", "-f", "s16le",
                   "-ar", str(rate), "-ch_layout", "mono", "-i", "-"],
        "aplay": [path, "-q", "-t", "raw", "-f", "S16_LE", "-c", "1", "-r", str(rate)],
        "pacat": [path, "--playback", "--format=s16le", f"--rate={rate}", "--channels=1"],
        "play": [path, "-q", "-t", "raw", "-e", "signed", "-b", "16", "-c", "1", "-r", str(rate), "-"],
    }[name]


PLAYER_PROGRAMS = ("ffplay", "aplay", "pacat", "play")


def _sounddevice_ok() -> bool:
    try:
        import sounddevice as sd

        sd.query_devices(kind="output")
        return True
    except Exception:  # noqa: BLE001 - PortAudio missing or no device: try the next player
        return False


def find_player() -> str:
    """Name of the first usable player, or raise RuntimeFailure with the fix."""
    if _sounddevice_ok():
        return "sounddevice"
    for name in PLAYER_PROGRAMS:
        if shutil.which(name):
            return name
    raise RuntimeFailure(
        "no audio player found (tried sounddevice, ffplay, aplay, pacat, play)",
        hint="write a file with -o out.wav, or pipe: -o - | ffplay -",
    )


class PlayerSink(Sink):
    def __init__(self, player: str | None = None):
        self.player = player or find_player()
        self._proc: subprocess.Popen | None = None
        self._inner: StreamSink | None = None
        self._sd_stream = None

    def _start(self) -> None:
        if self.player == "sounddevice":
            import sounddevice as sd

            self._sd_stream = sd.OutputStream(samplerate=self.sample_rate, channels=1, dtype="int16")
            self._sd_stream.start()
            return
        cmd = _player_command(self.player, shutil.which(self.player) or self.player, self.sample_rate)
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE)
        except OSError as exc:
            raise RuntimeFailure(f"cannot start {self.player}: {exc}", hint="use -o out.wav") from exc
        self._inner = StreamSink(self._proc.stdin, raw=True, label=self.player)
        self._inner.start(self.sample_rate)

    def _write(self, samples: np.ndarray) -> None:
        if self._sd_stream is not None:
            self._sd_stream.write(to_pcm16(samples).reshape(-1, 1))
        else:
            self._inner.write(samples)

    def _commit(self) -> None:
        if self._sd_stream is not None:
            self._sd_stream.stop()
            self._sd_stream.close()
        elif self._proc is not None:
            try:
                self._proc.stdin.close()
            except BrokenPipeError:
                pass
            if self._proc.wait() != 0:
                raise RuntimeFailure(f"{self.player} exited with status {self._proc.returncode}")

    def _discard(self) -> None:
        if self._sd_stream is not None:
            self._sd_stream.abort()
            self._sd_stream.close()
        elif self._proc is not None:
            self._proc.kill()
            self._proc.wait()

    def write(self, samples: np.ndarray) -> None:
        try:
            super().write(samples)
        except PipeClosed as exc:  # the player was closed by the user
            raise RuntimeFailure(f"{self.player} stopped before the end of the audio") from exc
