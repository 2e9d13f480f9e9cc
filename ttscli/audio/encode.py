"""Encoding through the bundled ffmpeg: float32 PCM piped in, a finished file out.

Every format `convert` and `batch` write goes through :class:`Encoder`, with
ffmpeg's bit-exact flags, so the same samples and options always give the same
bytes (soundfile's Ogg writer picks a random stream serial; ffmpeg's does not
in bit-exact mode). That is what lets a resumed audiobook match an
uninterrupted one byte for byte.
"""

from __future__ import annotations

import re
import subprocess
import tempfile
from pathlib import Path

import numpy as np

from ..errors import OutputError, RuntimeFailure, UsageError
from .ffmpeg import exe
from .formats import FORMATS, names

BITEXACT = ["-fflags", "+bitexact", "-flags:a", "+bitexact"]  # no version strings, no random ogg serials

_BITRATE = re.compile(r"(\d{1,6}(?:\.\d{1,3})?)([kK]?)")


def check_bitrate(value: str | None) -> str | None:
    """``--bitrate`` as ffmpeg takes it (``64k``, ``96000``), checked before any work: 8k to 512k."""
    if value is None:
        return None
    match = _BITRATE.fullmatch(value.strip())
    bps = float(match.group(1)) * (1000 if match.group(2) else 1) if match else 0.0
    if not 8000 <= bps <= 512000:
        raise UsageError(f"--bitrate {value!r} is not a bitrate between 8k and 512k", hint="use e.g. --bitrate 64k")
    return value.strip().lower()


class PcmPipe:
    """An ffmpeg process that reads float32 PCM on stdin (its messages go to a temp file).

    It runs in its own session: a Ctrl-C reaches ttscli, which then stops ffmpeg itself.
    ``stdout=subprocess.PIPE`` lets the caller read the encoded stream (the server does).
    """

    def __init__(self, cmd: list[str], stdout=subprocess.DEVNULL):
        self._log = tempfile.TemporaryFile()
        try:
            self._proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=stdout, stderr=self._log,
                                          start_new_session=True)
        except OSError as exc:
            self._log.close()
            raise RuntimeFailure(f"cannot run ffmpeg ({exc.strerror or exc})") from exc

    def write(self, block: np.ndarray) -> None:
        try:
            self._proc.stdin.write(np.ascontiguousarray(block, dtype="<f4").tobytes())
        except BrokenPipeError:
            self.close()  # raises with ffmpeg's reason

    def finish(self) -> tuple[int, str]:
        """Close stdin, wait; (exit code, everything ffmpeg printed)."""
        try:
            if not self._proc.stdin.closed:
                self._proc.stdin.close()
        except BrokenPipeError:
            pass
        code = self._proc.wait()
        self._log.seek(0)
        text = self._log.read().decode("utf-8", "replace")
        self._log.close()
        return code, text

    def close(self) -> None:
        code, text = self.finish()
        if code != 0:
            raise RuntimeFailure(f"ffmpeg failed: {' '.join(text.split())[-300:] or f'exit {code}'}")

    def kill(self) -> None:
        if self._proc.poll() is None:
            self._proc.kill()
            self._proc.wait()
        if not self._log.closed:
            self._log.close()


class Encoder(PcmPipe):
    """Write float32 blocks (frames × channels) into ffmpeg, which encodes ``fmt`` into ``path``.

    ``extra_inputs`` are more ``-i`` files (an ffmetadata file, a cover image) and
    ``extra_args`` go before the output (maps, metadata, dispositions). Output is
    bit-exact: the same samples and options give the same bytes. Memory stays
    constant: ffmpeg reads stdin as we write it.
    """

    def __init__(self, path: Path, fmt: str, rate: int, channels: int, *, out_rate: int | None = None,
                 out_channels: int | None = None, bitrate: str | None = None, audio_filter: str | None = None,
                 extra_inputs: list[list[str]] = (), extra_args: list[str] = ()):
        self.path = path
        self.channels = channels
        spec = FORMATS[fmt]
        out_rate = spec.rate_for(out_rate or rate)
        cmd = [exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
               "-f", "f32le", "-ar", str(rate), "-ac", str(channels), "-i", "pipe:0"]
        for inp in extra_inputs:
            cmd += [*inp]
        cmd += ["-map", "0:a", *extra_args]  # raw PCM carries no tags: metadata comes from extra_args
        if audio_filter:
            cmd += ["-af", audio_filter]
        cmd += ["-ar", str(out_rate), "-ac", str(out_channels or channels)]
        if bitrate and spec.lossy:
            cmd += ["-b:a", bitrate]
        cmd += [*spec.ffmpeg, *BITEXACT, str(path)]
        super().__init__(cmd)

    def close(self) -> None:
        code, text = self.finish()
        reason = " ".join(text.split())[-300:]
        if code != 0:
            if "No space left" in reason:
                raise OutputError(f"no space left on the device holding {self.path}",
                                  hint="free some space or write elsewhere")
            raise RuntimeFailure(f"ffmpeg could not write {self.path.name}: {reason or f'exit {code}'}")


def _stream_blocks(blocks, rate: int, channels: int, target: Path, fmt: str, **options) -> None:
    """Encode straight into a character device or FIFO (it is written, never replaced)."""
    if not FORMATS[fmt].streamable:  # its muxer seeks back: it cannot write into a pipe or device
        streamable = [f for f in names("convert") if FORMATS[f].streamable]
        raise OutputError(f"{target} is not a regular file, and {fmt} cannot be streamed",
                          hint=f"write to a file, or use {', '.join(streamable[:-1])} or {streamable[-1]} "
                               "for a device or pipe")
    encoder = Encoder(target, fmt, rate, channels, **options)
    try:
        for block in blocks:
            encoder.write(block)
        encoder.close()
    except BaseException:
        encoder.kill()
        raise


def encode_blocks(blocks, rate: int, channels: int, target: Path, fmt: str, *, finish=None, stream: bool = False,
                  **options) -> None:
    """Encode float32 ``blocks`` into ``target`` atomically (temp file, then rename), or with
    ``stream`` straight into it (a character device or FIFO, see fsio.output_target).

    ``options`` go to :class:`Encoder`; ``finish(tmp_path)`` runs on the encoded
    temp file before the rename (tagging).
    """
    from ..fsio import AtomicFile

    if stream:
        _stream_blocks(blocks, rate, channels, target, fmt, **options)
        return

    atomic = AtomicFile(target, user_output=True)
    encoder = None
    try:
        encoder = Encoder(atomic.tmp, fmt, rate, channels, **options)
        for block in blocks:
            encoder.write(block)
        encoder.close()
        encoder = None
        if finish is not None:
            finish(atomic.tmp)
    except BaseException:
        if encoder is not None:
            encoder.kill()
        atomic.discard()
        raise
    atomic.commit()
