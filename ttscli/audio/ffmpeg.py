"""ffmpeg from the imageio-ffmpeg package, for audio soundfile cannot read.

No system ffmpeg is used: imageio-ffmpeg ships a static build inside its
wheel. Only decoding lives here (what `clone` needs for m4a/aac/wma/video
files): the file is decoded to mono float32 at a rate we choose, so the
caller never has to probe it first.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np

from ..errors import BadInput, RuntimeFailure


def exe() -> str:
    """Path of the bundled ffmpeg binary."""
    try:
        import imageio_ffmpeg
    except ImportError as exc:
        raise RuntimeFailure("ffmpeg is not available (imageio-ffmpeg is not installed)",
                             hint='pip install "ttscli[clone]"') from exc
    try:
        return imageio_ffmpeg.get_ffmpeg_exe()
    except RuntimeError as exc:
        raise RuntimeFailure(f"imageio-ffmpeg has no ffmpeg binary for this platform ({exc})") from exc


def decode(path: Path, rate: int, *, max_seconds: float | None = None, timeout: float = 600) -> np.ndarray:
    """The audio of ``path`` as mono float32 at ``rate`` (channels averaged by ffmpeg).

    Raises BadInput when ffmpeg finds no audio stream it can decode.
    """
    cmd = [exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(path), "-vn", "-map", "0:a:0"]
    if max_seconds:
        cmd += ["-t", f"{max_seconds:.3f}"]
    cmd += ["-ac", "1", "-ar", str(int(rate)), "-f", "f32le", "-acodec", "pcm_f32le", "-"]
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout)
    except subprocess.TimeoutExpired as exc:
        raise RuntimeFailure(f"ffmpeg took more than {timeout:.0f} s to decode {path.name}") from exc
    except OSError as exc:
        raise RuntimeFailure(f"cannot run ffmpeg ({exc.strerror or exc})") from exc
    if proc.returncode != 0 or not proc.stdout:
        reason = " ".join(proc.stderr.decode("utf-8", "replace").split())[-200:] or "no audio stream"
        raise BadInput(f"{path.name} is not an audio file ttscli can read ({reason})",
                       hint="use a wav, flac, ogg, mp3 or m4a recording")
    usable = len(proc.stdout) - len(proc.stdout) % 4
    return np.frombuffer(proc.stdout[:usable], dtype="<f4").astype(np.float32)
