"""Reading reference recordings: any file soundfile or ffmpeg can decode.

wav/flac/ogg/mp3 (and the odd WAV variants: μ-law, 8-bit, RF64, 64-bit float,
many channels) go through soundfile; anything it refuses (m4a, aac, wma,
video containers, WAVs with unusual sample widths or a truncated header) is
handed to ffmpeg. Files that neither can read, or that hold no samples, or
NaN/Inf samples, are refused with one BadInput line naming the file.

Only the first :data:`MAX_SECONDS` are read, so a three-hour file cannot
exhaust memory; the window picker chooses inside that.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import BadInput, NotFound

log = logging.getLogger(__name__)

MAX_SECONDS = 600.0  # read at most 10 minutes of each reference
FFMPEG_RATE = 48000  # decode rate for files soundfile cannot read


@dataclass
class RawAudio:
    """One reference file as read: mono float32 samples at the file's rate."""

    path: Path
    samples: np.ndarray
    sample_rate: int
    channels: int
    sha256: str
    truncated: bool = False  # longer than MAX_SECONDS; only the start was read

    @property
    def seconds(self) -> float:
        return len(self.samples) / float(self.sample_rate)


def file_sha256(path: Path) -> str:
    from ..store.verify import file_digests

    return file_digests(path)["sha256"]


def _via_soundfile(path: Path) -> tuple[np.ndarray, int, int, bool] | None:
    import soundfile as sf

    from ..audio.ffmpeg import soundfile_can_read

    if not soundfile_can_read(path):  # MP3 and the rest: ffmpeg, which reports decode errors
        return None

    try:
        with sf.SoundFile(str(path)) as fh:
            rate, channels = int(fh.samplerate), int(fh.channels)
            limit = int(MAX_SECONDS * rate)
            data = fh.read(frames=limit, dtype="float32", always_2d=True)
            truncated = fh.frames > limit if fh.seekable() else False
    except (sf.LibsndfileError, RuntimeError, ValueError, TypeError, EOFError) as exc:
        log.debug("soundfile cannot read %s (%s); trying ffmpeg", path.name, exc)
        return None
    if rate <= 0:
        return None
    return data, rate, channels, truncated


def read(path: str | Path) -> RawAudio:
    """Read one reference file (mono float32) or raise BadInput/NotFound with one line."""
    path = Path(path).expanduser()
    if not path.exists():
        raise NotFound(f"reference audio {path} does not exist")
    if not path.is_file():
        raise BadInput(f"reference {path} is not a file", hint="give an audio file such as voice.wav")
    try:
        digest = file_sha256(path)
    except OSError as exc:
        raise BadInput(f"cannot read {path}: {exc.strerror or exc}") from exc
    if path.stat().st_size == 0:
        raise BadInput(f"{path.name} is empty (0 bytes)", hint="record or export the reference again")
    got = _via_soundfile(path)
    if got is not None:
        data, rate, channels, truncated = got
        if data.size and not np.isfinite(data).all():
            raise BadInput(f"{path.name} holds NaN or infinite samples", hint="export the recording again")
        mono = data.mean(axis=1, dtype=np.float64).astype(np.float32) if data.ndim == 2 else data
    else:
        from ..audio import ffmpeg

        mono = ffmpeg.decode(path, FFMPEG_RATE, max_seconds=MAX_SECONDS + 1)
        rate, channels = FFMPEG_RATE, 1
        truncated = len(mono) > MAX_SECONDS * rate
        mono = mono[: int(MAX_SECONDS * rate)]
        if mono.size and not np.isfinite(mono).all():
            raise BadInput(f"{path.name} holds NaN or infinite samples", hint="export the recording again")
    if mono.size == 0:
        raise BadInput(f"{path.name} contains no audio samples", hint="record or export the reference again")
    if truncated:
        log.warning("%s is longer than %d minutes; only the first %d minutes are used",
                    path.name, int(MAX_SECONDS // 60), int(MAX_SECONDS // 60))
    return RawAudio(path, np.ascontiguousarray(mono, dtype=np.float32), rate, channels, digest, truncated)


def sources_sha256(raws: list[RawAudio]) -> str:
    """One digest for the ordered list of reference files (their bytes, not their names)."""
    if len(raws) == 1:
        return raws[0].sha256
    return hashlib.sha256("\n".join(r.sha256 for r in raws).encode()).hexdigest()
