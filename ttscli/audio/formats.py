"""The one table of output formats: every command, the server and batch read it.

A :class:`Format` says what a format is (extension, media type), who writes it (``uses``), how
(libsndfile, ffmpeg's codec arguments, or an encoder of its own), which sample rates its
encoder takes, whether it can be written front to back into a pipe, whether ``--bitrate``
applies and how batch tags it. Adding a format is one entry here (or, from another package, an
entry point in the ``ttscli.formats`` group naming a :class:`Format`, or :func:`register`)
plus its encoder when ffmpeg or libsndfile do not write it.

An encoder of its own (``Format.encoder``, a callable or ``"module:function"``) is called as
``encoder(sample_rate, emit)`` (a rate from ``rates``: the audio is resampled to it first) and
returns an object with ``write(samples)`` (float32 mono chunks), ``close()`` (the end) and
``kill()`` (give up); it hands its bytes to ``emit`` in order. `say` writes them to the file,
the server into the HTTP response.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from ..errors import UsageError

ENTRY_POINT_GROUP = "ttscli.formats"
SAY, CHAPTER, CONVERT, SERVE = "say", "chapter", "convert", "serve"  # who writes a format

OPUS_RATES = (8000, 12000, 16000, 24000, 48000)
MP3_RATES = (8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000)


@dataclass(frozen=True)
class Format:
    name: str  # the extension, --format, and the server's response_format
    media_type: str  # the HTTP Content-Type
    uses: frozenset[str]  # SAY (say -o), CHAPTER (batch chapter files), CONVERT, SERVE (the HTTP API)
    soundfile: tuple[str, str] | None = None  # (format, subtype): `say` writes it with libsndfile
    ffmpeg: tuple[str, ...] = ()  # codec and container arguments when ffmpeg writes it
    rates: tuple[int, ...] = ()  # sample rates its encoder takes (others: the next higher); empty: any
    streamable: bool = True  # written front to back (a pipe, a device, a response body); False: it seeks back
    lossy: bool = False  # --bitrate applies
    tags: str | None = None  # how batch tags a chapter file: "id3", "vorbis" (comments), None
    encoder: Callable[..., Any] | str | None = None  # an encoder of its own: (rate, emit) -> writer

    def rate_for(self, sample_rate: int) -> int:
        """The rate to encode at: the input rate when allowed, else the nearest higher one."""
        if not self.rates or sample_rate in self.rates:
            return sample_rate
        higher = [r for r in self.rates if r >= sample_rate]
        return min(higher) if higher else max(self.rates)

    def open_encoder(self, sample_rate: int, emit: Callable[[bytes], None]) -> Any:
        """The format's own encoder (``encoder``) for audio at ``sample_rate``, writing into ``emit``."""
        make = self.encoder
        if isinstance(make, str):
            module, _, attribute = make.partition(":")
            make = getattr(importlib.import_module(module), attribute)
        rate = self.rate_for(sample_rate)
        writer = make(rate, emit)
        return writer if rate == sample_rate else _Resampled(writer, sample_rate, rate)


class _Resampled:
    """An encoder fed through a streaming resampler (its format takes other rates)."""

    def __init__(self, writer: Any, rate: int, to: int):
        from .resample import StreamResampler

        self.writer, self.resampler = writer, StreamResampler(rate, to)

    def write(self, samples) -> None:
        self.writer.write(self.resampler.process(samples))

    def close(self) -> None:
        self.writer.write(self.resampler.flush())
        self.writer.close()

    def kill(self) -> None:
        self.writer.kill()


def _uses(*names: str) -> frozenset[str]:
    return frozenset(names)


_BUILTIN: tuple[Format, ...] = (
    Format("wav", "audio/wav", _uses(SAY, CHAPTER, CONVERT, SERVE), soundfile=("WAV", "PCM_16"),
           ffmpeg=("-c:a", "pcm_s16le", "-f", "wav")),
    Format("flac", "audio/flac", _uses(SAY, CHAPTER, CONVERT, SERVE), soundfile=("FLAC", "PCM_16"),
           ffmpeg=("-c:a", "flac", "-f", "flac"), tags="vorbis"),
    # Ogg through ffmpeg in bit-exact mode: libsndfile gives every Ogg stream a random serial
    Format("ogg", "audio/ogg", _uses(SAY, CHAPTER, CONVERT), ffmpeg=("-c:a", "libvorbis", "-f", "ogg"),
           lossy=True, tags="vorbis"),
    Format("opus", "audio/ogg", _uses(SAY, CHAPTER, CONVERT, SERVE), ffmpeg=("-c:a", "libopus", "-f", "ogg"),
           rates=OPUS_RATES, lossy=True, tags="vorbis"),
    Format("mp3", "audio/mpeg", _uses(SAY, CHAPTER, CONVERT, SERVE), soundfile=("MP3", "MPEG_LAYER_III"),
           ffmpeg=("-c:a", "libmp3lame", "-f", "mp3", "-write_id3v1", "0", "-id3v2_version", "0"),
           rates=MP3_RATES, lossy=True, tags="id3"),
    Format("m4a", "audio/mp4", _uses(CONVERT), ffmpeg=("-c:a", "aac", "-f", "ipod"), streamable=False, lossy=True),
    Format("m4b", "audio/mp4", _uses(CONVERT), ffmpeg=("-c:a", "aac", "-f", "ipod"), streamable=False, lossy=True),
    Format("aac", "audio/aac", _uses(SERVE), ffmpeg=("-c:a", "aac", "-f", "adts"), lossy=True),
    Format("pcm", "audio/pcm", _uses(SERVE), rates=(24000,)),  # OpenAI's: 24 kHz 16-bit mono little-endian
    # ttscli's own for a served `say`: float32 chunks, each framed by its sample count
    Format("f32", "application/octet-stream", _uses(SERVE)),
)
FORMATS: dict[str, Format] = {f.name: f for f in _BUILTIN}
_plugins_loaded = False


def register(fmt: Format) -> None:
    """Add (or replace) a format at run time: tests, embedding applications."""
    FORMATS[fmt.name] = fmt


def _load_plugins() -> None:
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    from ..plugins import declared

    for _, fmt in declared(ENTRY_POINT_GROUP):
        if isinstance(fmt, Format):
            FORMATS.setdefault(fmt.name, fmt)  # a built-in name stays built in


def get(name: str) -> Format | None:
    """The format called ``name``, or None (plugins are read only for a name not built in)."""
    if name not in FORMATS:
        _load_plugins()
    return FORMATS.get(name)


def names(use: str, *, builtin: bool = False) -> tuple[str, ...]:
    """Names of the formats ``use`` writes, in table order (``builtin``: without plugins)."""
    if not builtin:
        _load_plugins()
    table = _BUILTIN if builtin else FORMATS.values()
    return tuple(f.name for f in table if use in f.uses)


def pick(name: str, use: str, hint: str = "") -> Format:
    """The format ``name`` for ``use``; UsageError naming the choices otherwise."""
    fmt = get(name)
    if fmt is None or use not in fmt.uses:
        raise UsageError(f"unsupported output format {name!r}",
                         hint=f"use one of {', '.join(names(use))}{hint}")
    return fmt


def format_for(path: Path | None, explicit: str | None) -> Format:
    """The `say` format from ``--format`` or the file extension (default wav)."""
    name = (explicit or "").lower().lstrip(".")
    if not name and path is not None and path.suffix:
        name = path.suffix.lower().lstrip(".")
    return pick(name or "wav", SAY, " (by extension or --format); other containers via `ttscli convert`")
