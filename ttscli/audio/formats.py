"""Output formats ttscli can encode directly through libsndfile (soundfile)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import UsageError


@dataclass(frozen=True)
class FileFormat:
    name: str
    sf_format: str
    sf_subtype: str
    rates: tuple[int, ...] = ()  # allowed sample rates; empty = any

    def rate_for(self, sample_rate: int) -> int:
        """The rate to encode at: the input rate when allowed, else the nearest higher one."""
        if not self.rates or sample_rate in self.rates:
            return sample_rate
        higher = [r for r in self.rates if r >= sample_rate]
        return min(higher) if higher else max(self.rates)


FORMATS: dict[str, FileFormat] = {
    "wav": FileFormat("wav", "WAV", "PCM_16"),
    "flac": FileFormat("flac", "FLAC", "PCM_16"),
    "ogg": FileFormat("ogg", "OGG", "VORBIS"),
    "opus": FileFormat("opus", "OGG", "OPUS", (8000, 12000, 16000, 24000, 48000)),
    "mp3": FileFormat("mp3", "MP3", "MPEG_LAYER_III"),
}


def format_for(path: Path | None, explicit: str | None) -> FileFormat:
    """Pick the format from ``--format`` or the file extension (default wav)."""
    name = (explicit or "").lower().lstrip(".")
    if not name and path is not None and path.suffix:
        name = path.suffix.lower().lstrip(".")
    if not name:
        name = "wav"
    if name not in FORMATS:
        raise UsageError(
            f"unsupported output format {name!r}",
            hint=f"use one of {', '.join(FORMATS)} (by extension or --format); "
            "other containers via `ttscli convert`",
        )
    return FORMATS[name]
