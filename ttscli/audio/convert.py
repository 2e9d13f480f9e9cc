"""`ttscli convert`: any audio soundfile or ffmpeg reads → wav/flac/ogg/opus/mp3/m4a/m4b.

Streams block by block (constant memory); ``--loudness`` reads the input twice
(measure, then write with the gain). Outputs are written atomically and never
over their own input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import BadInput, OutputError, UsageError
from .encode import CODECS, encode_blocks

FORMATS = tuple(CODECS)


@dataclass(frozen=True)
class Options:
    fmt: str | None = None
    rate: int | None = None
    channels: int | None = None
    loudness: float | None = None
    bitrate: str | None = None


def _format(name: str | None, path: Path | None) -> str | None:
    name = (name or (path.suffix if path is not None else "") or "").lower().lstrip(".")
    if not name:
        return None
    if name not in FORMATS:
        raise UsageError(f"unsupported output format {name!r}", hint=f"use one of {', '.join(FORMATS)}")
    return name


def targets(inputs: list[Path], output: Path, fmt: str | None) -> list[tuple[Path, Path, str]]:
    """(input, output file, format) for each input; several inputs (or an existing directory) → a directory."""
    for path in inputs:
        if not path.exists():
            raise BadInput(f"input {path} does not exist", hint="check the path")
        if path.is_dir():
            raise BadInput(f"input {path} is a directory", hint="give audio files")
    to_dir = len(inputs) > 1 or output.is_dir() or str(output).endswith(os.sep)
    if len(inputs) > 1 and not output.is_dir() and output.suffix.lower().lstrip(".") in FORMATS:
        raise UsageError(f"{len(inputs)} inputs but the output {output} is a file name",
                         hint="convert one file at a time, or give an output directory (ending in /) with --format")
    if not to_dir:
        chosen = _format(fmt, output) or None
        if chosen is None:
            raise UsageError(f"cannot tell the format of {output}", hint="give it an extension or pass --format")
        pairs = [(inputs[0], output, chosen)]
    else:
        chosen = _format(fmt, None)
        if chosen is None:
            raise UsageError("--format is needed when converting into a directory", hint="e.g. --format flac")
        if output.exists() and not output.is_dir():
            raise OutputError(f"{output} is not a directory", hint="several inputs need an output directory")
        seen: dict[str, Path] = {}
        pairs = []
        for path in inputs:
            name = f"{path.stem}.{chosen}"
            if name in seen:
                raise UsageError(f"{seen[name]} and {path} would both become {name}", hint="convert them separately")
            seen[name] = path
            pairs.append((path, output / name, chosen))
    for src, dst, _ in pairs:
        if dst.exists() and dst.resolve() == src.resolve():
            raise UsageError(f"{dst} is the input itself; converting over it would destroy it",
                             hint="write to another name or directory")
    return pairs


def convert_one(src: Path, dst: Path, fmt: str, options: Options) -> float:
    """Convert one file; return its duration in seconds."""
    from .loudness import LoudnessMeter
    from .ffmpeg import read_blocks
    from ..fsio import check_output_path

    rate, channels, blocks = read_blocks(src)  # an unreadable input fails before anything is created
    try:
        dst.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot create {dst.parent}: {exc.strerror or exc}", hint="choose a writable place") from exc
    check_output_path(dst)
    gain = 1.0
    if options.loudness is not None:
        meter = LoudnessMeter(rate, channels)
        for block in blocks:
            meter.feed(block)
        if not meter.frames:
            meter.close()
            raise BadInput(f"{src} has no audio", hint="give a file with sound in it")
        gain = meter.gain_to(options.loudness)
        rate, channels, blocks = read_blocks(src)
    frames = 0

    def scaled():
        nonlocal frames
        for block in blocks:
            frames += len(block)
            yield block * gain if gain != 1.0 else block

    encode_blocks(scaled(), rate, channels, dst, fmt, out_rate=options.rate, out_channels=options.channels,
                  bitrate=options.bitrate)
    if not frames:
        dst.unlink(missing_ok=True)
        raise BadInput(f"{src} has no audio", hint="give a file with sound in it")
    return frames / rate
