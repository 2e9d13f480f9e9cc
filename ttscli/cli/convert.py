"""`ttscli convert`: audio files to wav/flac/ogg/opus/mp3/m4a/m4b."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..audio.formats import CONVERT, names
from . import complete
from . import options as opt
from .app import app


@app.command()
def convert(
    paths: List[str] = typer.Argument(..., metavar="IN... OUT",
                                       help="Input audio files, then the output file (or directory for several)."),
    fmt: Optional[str] = typer.Option(None, "--format", metavar="|".join(names(CONVERT, builtin=True)),
                                      help="Output format (default: from OUT's extension).",
                                      autocompletion=complete.formats),
    rate: Optional[int] = typer.Option(None, "--rate", min=8000, max=192000, help="Output sample rate in Hz."),
    channels: Optional[int] = typer.Option(None, "--channels", min=1, max=8, help="Output channels (1 = mono)."),
    loudness: Optional[float] = typer.Option(None, "--loudness", metavar="LUFS", min=-40.0, max=-5.0,
                                             help="Normalize to this integrated loudness (peaks stay under -1 dBFS)."),
    bitrate: Optional[str] = typer.Option(None, "--bitrate", metavar="RATE",
                                          help="Bitrate of lossy formats, e.g. 96k."),
    debug: bool = opt.Debug,
) -> None:
    """Convert audio: anything soundfile or ffmpeg reads → wav, flac, ogg, opus, mp3, m4a or m4b.

    Several inputs go into OUT as a directory (with --format). Files are written
    atomically and a conversion never overwrites its own input.
    """
    from ..audio import convert as core
    from ..audio.encode import check_bitrate
    from ..errors import UsageError

    if len(paths) < 2:
        raise UsageError("give at least one input and the output", hint="e.g. ttscli convert in.wav out.mp3")

    *inputs, output = paths
    options = core.Options(fmt, rate, channels, loudness, check_bitrate(bitrate))
    pairs = core.targets([Path(p).expanduser() for p in inputs], output, fmt)
    for src, dst, chosen in pairs:
        seconds = core.convert_one(src, dst, chosen, options)
        typer.echo(f"{dst} ({seconds:.1f} s)")
