"""ffmpeg from the imageio-ffmpeg package, for audio soundfile cannot read.

No system ffmpeg is used: imageio-ffmpeg ships a static build inside its
wheel. ``decode()`` (what `clone` needs for m4a/aac/wma/video files) decodes
a whole file to mono float32 at a rate we choose; ``read_blocks()`` streams
any file block by block (`convert`); ``probe()`` and ``metadata()`` stand in
for ffprobe. Encoding lives in ``ttscli.audio.encode``.
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
                             hint="pip install imageio-ffmpeg") from exc
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
    seconds = usable / 4 / rate
    if not max_seconds or seconds < max_seconds:
        _check_plausible(path, seconds, proc.stderr.decode("utf-8", "replace"))
    return np.frombuffer(proc.stdout[:usable], dtype="<f4").astype(np.float32)


# Containers libsndfile checks strictly. Anything else (MP3 above all: libmpg123 "decodes"
# an executable renamed .mp3 and prints its errors straight to stderr) goes to ffmpeg.
_STRICT_MAGIC = (b"RIFF", b"RIFX", b"RF64", b"fLaC", b"OggS", b"FORM", b".snd", b"caff", b"riff")


def soundfile_can_read(path: Path) -> bool:
    """True when ``path`` starts like a container libsndfile reads strictly."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(4)
    except OSError:
        return False
    return head in _STRICT_MAGIC


MIN_PLAUSIBLE = 0.5  # decoded audio under half of what the container announces, with decoder errors: not audio


def _decode_errors(log_text: str) -> int:
    return sum(1 for line in log_text.splitlines()
               if "Invalid data" in line or "Error while decoding" in line or "Header missing" in line
               or "Error submitting packet" in line)


def _announced_seconds(path: Path) -> float | None:
    import re

    try:
        proc = subprocess.run([exe(), "-nostdin", "-hide_banner", "-i", str(path)], stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"Duration: (\d+):(\d+):(\d+(?:\.\d+)?)", proc.stderr.decode("utf-8", "replace"))
    if not match:
        return None
    h, m, sec = match.groups()
    return int(h) * 3600 + int(m) * 60 + float(sec)


def read_blocks(path: Path, block_frames: int = 65536):
    """(rate, channels, iterator of float32 blocks frames × channels) for any audio file.

    soundfile reads the containers it checks strictly; anything else is decoded by
    ffmpeg at its own rate and channel count, streamed through a pipe (constant
    memory). A file ffmpeg can only decode with errors into a fraction of its announced
    duration is not audio: the iterator raises BadInput at its end (exit 3).
    """
    import soundfile as sf

    info = None
    if soundfile_can_read(path):
        try:
            info = sf.info(str(path))
        except (sf.LibsndfileError, RuntimeError, TypeError):
            info = None
    if info is not None and info.frames > 0:
        def from_soundfile():
            with sf.SoundFile(str(path)) as fh:
                while True:
                    block = fh.read(block_frames, dtype="float32", always_2d=True)
                    if not len(block):
                        return
                    yield block
        return info.samplerate, info.channels, from_soundfile()
    rate, channels = probe(path)
    cmd = [exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(path), "-vn", "-map", "0:a:0",
           "-f", "f32le", "-acodec", "pcm_f32le", "-"]

    def from_ffmpeg():
        import tempfile

        errors_log = tempfile.TemporaryFile()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errors_log)
        frames = 0
        try:
            step = block_frames * channels * 4
            pending = b""
            while True:
                data = proc.stdout.read(step)
                if not data:
                    break
                data = pending + data
                usable = len(data) - len(data) % (4 * channels)
                pending = data[usable:]
                if usable:
                    frames += usable // (4 * channels)
                    yield np.frombuffer(data[:usable], dtype="<f4").reshape(-1, channels)
            proc.wait()
            errors_log.seek(0)
            _check_plausible(path, frames / rate, errors_log.read().decode("utf-8", "replace"))
        finally:
            proc.stdout.close()
            proc.kill()
            proc.wait()
            errors_log.close()
    return rate, channels, from_ffmpeg()


def _check_plausible(path: Path, seconds: float, log_text: str) -> None:
    errors = _decode_errors(log_text)
    if not errors:
        return
    announced = _announced_seconds(path)
    if announced and seconds < MIN_PLAUSIBLE * announced:
        raise BadInput(f"{path.name} is not audio: decoding it fails ({errors} decoder errors, {seconds:.2f} s "
                       f"of the {announced:.1f} s it announces)", hint="give a wav, flac, ogg, opus, mp3 or m4a file")


_STREAM = None


def probe(path: Path) -> tuple[int, int]:
    """(sample rate, channels) of the first audio stream, from ``ffmpeg -i`` (there is no ffprobe)."""
    import re

    global _STREAM
    _STREAM = _STREAM or re.compile(r"Audio: [^,]+, (\d+) Hz, ([^,]+),")
    try:
        proc = subprocess.run([exe(), "-nostdin", "-hide_banner", "-i", str(path)], stdin=subprocess.DEVNULL,
                              capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuntimeFailure(f"cannot run ffmpeg ({exc})") from exc
    match = _STREAM.search(proc.stderr.decode("utf-8", "replace"))
    if not match:
        raise BadInput(f"{path.name} is not an audio file ttscli can read (no audio stream)",
                       hint="give a wav, flac, ogg, opus, mp3 or m4a file")
    layout = match.group(2).strip()
    channels = {"mono": 1, "stereo": 2, "2.1": 3, "quad": 4, "5.0": 5, "5.1": 6, "7.1": 8}.get(layout)
    if channels is None:
        num = re.match(r"(\d+) channels", layout)
        channels = int(num.group(1)) if num else 2
    return int(match.group(1)), channels


def metadata(path: Path) -> str:
    """The file's global tags and chapters in ffmetadata format (``ffmpeg -f ffmetadata``)."""
    proc = subprocess.run([exe(), "-nostdin", "-hide_banner", "-loglevel", "error", "-i", str(path),
                           "-f", "ffmetadata", "-"], stdin=subprocess.DEVNULL, capture_output=True, timeout=60)
    if proc.returncode != 0:
        raise BadInput(f"cannot read the tags of {path.name}")
    return proc.stdout.decode("utf-8", "replace")
