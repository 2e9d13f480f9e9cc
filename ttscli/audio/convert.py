"""`ttscli convert`: any audio soundfile or ffmpeg reads → wav/flac/ogg/opus/mp3/m4a/m4b.

Streams block by block (constant memory); ``--loudness`` reads the input twice
(measure, then write with the gain). Outputs are written atomically and never
over their own input.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import BadInput, OutputError, RuntimeFailure, UsageError
from .encode import encode_blocks
from .formats import CONVERT, names

FORMATS = names(CONVERT, builtin=True)
MIN_SECONDS = 0.02  # shorter inputs that the encoder rejects are bad input, not an encoder failure


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


def targets(inputs: list[Path], output: Path | str, fmt: str | None) -> list[tuple[Path, Path, str]]:
    """(input, output file, format) for each input; several inputs, an existing directory or a
    name ending in '/' → a directory (created if missing). A single output file goes in a
    directory that must exist, like every ttscli output."""
    for path in inputs:
        if not path.exists():
            raise BadInput(f"input {path} does not exist", hint="check the path")
        if path.is_dir():
            raise BadInput(f"input {path} is a directory", hint="give audio files")
    named_dir = str(output).endswith(("/", os.sep))
    output = Path(output)
    to_dir = len(inputs) > 1 or output.is_dir() or named_dir
    if len(inputs) > 1 and not named_dir and not output.is_dir() and \
            output.suffix.lower().lstrip(".") in FORMATS:
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
        try:
            output.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            from ..fsio import write_error

            raise write_error(exc, output) from exc
    from ..fsio import output_target

    for src, dst, _ in pairs:
        output_target(dst, inputs=(src,))  # the output policy, for every pair, before any work
    return pairs


def _with_audio(src: Path, rate: int, channels: int, blocks):
    """(rate, channels, blocks) once the first block is decoded: an input that yields no audio
    is refused before the encoder starts (its error would otherwise be ffmpeg's)."""
    import itertools

    first = next(blocks, None)
    if first is None or not len(first):
        raise BadInput(f"{src} has no audio", hint="give a file with sound in it")
    return rate, channels, itertools.chain([first], blocks)


def convert_one(src: Path, dst: Path, fmt: str, options: Options) -> float:
    """Convert one file; return its duration in seconds."""
    from .ffmpeg import read_blocks
    from ..fsio import output_target

    target, streamed = output_target(dst, inputs=(src,))
    rate, channels, blocks = _with_audio(src, *read_blocks(src))  # an unreadable input fails before any output
    audio_filter = None
    if options.loudness is not None:
        audio_filter = _loudness_filter(src, rate, channels, blocks, options.loudness)
        rate, channels, blocks = read_blocks(src)
    frames = 0

    def counted():
        nonlocal frames
        for block in blocks:
            frames += len(block)
            yield block
        if not frames:  # before the output is committed: nothing is replaced
            raise BadInput(f"{src} has no audio", hint="give a file with sound in it")

    try:
        encode_blocks(counted(), rate, channels, target, fmt, out_rate=options.rate, out_channels=options.channels,
                      bitrate=options.bitrate, audio_filter=audio_filter, stream=streamed)
    except RuntimeFailure as exc:
        if frames < rate * MIN_SECONDS:  # a few samples: the encoder has nothing to make a frame of
            raise BadInput(f"{src} holds only {frames} sample{'s' if frames != 1 else ''} "
                           f"({frames / rate * 1000:.1f} ms): too short to convert",
                           hint="give a recording of at least 20 ms") from exc
        raise
    return frames / rate


def _loudness_filter(src: Path, rate: int, channels: int, blocks, target: float) -> str | None:
    """The filter that brings ``src`` to ``target`` LUFS (true peak ≤ -1 dBTP); warns when it cannot."""
    import logging

    from .ffmpeg import read_blocks
    from .normalize import measure, normalize

    seen = [0]

    def counted():
        for block in blocks:
            seen[0] += len(block)
            yield block

    first = measure(counted(), rate, channels)
    if not seen[0]:
        raise BadInput(f"{src} has no audio", hint="give a file with sound in it")
    done = normalize(lambda: read_blocks(src)[2], rate, target, channels, first=first)
    if not done.reached:
        logging.getLogger(__name__).warning("%s: cannot reach %.1f LUFS with true peak <= -1 dBTP; it gets %s",
                                            src.name, target, done.describe())
    return done.audio_filter
