"""Play audio on the speaker: sounddevice when PortAudio works, else a player program.

Players are tried in order: sounddevice, ffplay, aplay, paplay (pacat), sox's
play, and last the ffmpeg bundled with imageio-ffmpeg (it can play to a
PulseAudio/PipeWire server). On Linux a player program is only chosen when
there is a sound card or a sound server to play to. ``TTSCLI_PLAYER`` picks one
(or ``none``). Audio is streamed to them chunk by chunk, so playback starts with
the first sentence. With no player, `say` writes a file instead (see
``fallback_path``).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

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
        "ffmpeg": [path, "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "s16le", "-ar", str(rate),
                   "-ac", "1", "-i", "-", "-f", "pulse", "ttscli"],
    }[name]


PLAYER_PROGRAMS = ("ffplay", "aplay", "pacat", "play")
PLAYER_ENV = "TTSCLI_PLAYER"
PLAYERS = ("sounddevice",) + PLAYER_PROGRAMS + ("ffmpeg",)


def _sound_card() -> bool:
    """An ALSA card is listed (Linux)."""
    try:
        cards = Path("/proc/asound/cards").read_text()
    except OSError:
        return False
    return bool(cards.strip()) and "no soundcards" not in cards


def _sound_server() -> bool:
    """A PulseAudio (or PipeWire-pulse) server to connect to."""
    if os.environ.get("PULSE_SERVER"):
        return True
    runtime = os.environ.get("XDG_RUNTIME_DIR") or f"/run/user/{os.getuid()}"
    return Path(runtime, "pulse", "native").exists()


def _audio_output() -> bool:
    """Somewhere a player program could send sound; only Linux is checked."""
    return not sys.platform.startswith("linux") or _sound_card() or _sound_server()


def _bundled_ffmpeg_can_play() -> bool:
    if not sys.platform.startswith("linux") or not _sound_server():
        return False
    try:
        from .ffmpeg import exe

        out = subprocess.run([exe(), "-hide_banner", "-devices"], capture_output=True, text=True, timeout=10, check=False).stdout
    except Exception:  # noqa: BLE001 - no bundled ffmpeg, or it cannot run: not a player then
        return False
    return any(line.split()[1:2] == ["pulse"] and "E" in line.split()[0] for line in out.splitlines() if line.strip())


def _sounddevice_ok() -> bool:
    try:
        import sounddevice as sd

        sd.query_devices(kind="output")
        return True
    except Exception:  # noqa: BLE001 - PortAudio missing or no device: try the next player
        return False


def available_player() -> str | None:
    """Name of the first usable player (or the one TTSCLI_PLAYER names), None if there is none."""
    chosen = os.environ.get(PLAYER_ENV, "auto").strip().lower() or "auto"
    if chosen == "none":
        return None
    if chosen != "auto":
        if chosen not in PLAYERS:
            raise RuntimeFailure(f"{PLAYER_ENV}={chosen} is not a player ttscli knows",
                                 hint=f"use one of auto, none, {', '.join(PLAYERS)}")
        return chosen
    if _sounddevice_ok():
        return "sounddevice"
    if not _audio_output():
        return None
    for name in PLAYER_PROGRAMS:
        if shutil.which(name):
            return name
    return "ffmpeg" if _bundled_ffmpeg_can_play() else None


def find_player() -> str:
    """Name of the first usable player, or raise RuntimeFailure with the fix."""
    player = available_player()
    if player is None:
        raise RuntimeFailure(
            "no audio player or sound device found (tried sounddevice, " + ", ".join(PLAYERS[1:]) + ")",
            hint="write a file with -o out.wav",
        )
    return player


def fallback_path(directory: Path | None = None) -> Path:
    """A new file name in the current directory for audio that could not be played:
    ttscli-YYYYmmdd-HHMMSS.wav (with -2, -3... if taken)."""
    base = (directory or Path.cwd()) / time.strftime("ttscli-%Y%m%d-%H%M%S")
    path, n = base.with_suffix(".wav"), 1
    while path.exists():
        n += 1
        path = base.parent / f"{base.name}-{n}.wav"
    return path


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
        program = self.player
        if program == "ffmpeg":
            from .ffmpeg import exe

            program = exe()
        cmd = _player_command(self.player, shutil.which(program) or program, self.sample_rate)
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
                raise RuntimeFailure(f"{self.player} exited with status {self._proc.returncode}",
                                     hint=f"write a file with -o out.wav, or set {PLAYER_ENV}=none")

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
