"""`ttscli say`: speak text from arguments, a file or stdin."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import List, Optional

import typer

from . import options as opt
from .app import app


def _gather_text(words: list[str], file: str | None, encoding: str | None) -> str:
    from ..errors import UsageError
    from ..text.decode import read_text_file

    if words and file:
        raise UsageError("give the text either as arguments or with --file, not both")
    if file:
        return read_text_file(file, encoding)
    if words == ["-"] or (not words and not sys.stdin.isatty()):
        return read_text_file("-", encoding)
    if not words:
        raise UsageError("no text given", hint='try: ttscli say "Hello" -o hello.wav')
    return " ".join(words)


def _make_sink(output: str | None, fmt: str | None, raw: bool):
    from ..audio.formats import format_for
    from ..audio.sinks import FileSink, StreamSink
    from ..errors import UsageError

    if raw:
        if output not in (None, "-"):
            raise UsageError("--raw writes PCM to stdout", hint="drop -o, or use -o - with --raw")
        return StreamSink(raw=True)
    if output == "-" or (output is None and not sys.stdout.isatty()):
        if fmt not in (None, "wav"):
            raise UsageError("only WAV (or --raw PCM) can be streamed to stdout", hint="use -o FILE for other formats")
        return StreamSink(raw=False)
    if output is None:
        from ..audio.player import PlayerSink

        return PlayerSink()
    path = Path(output).expanduser()
    return FileSink(path, format_for(path, fmt))


@app.command()
def say(
    text: Optional[List[str]] = typer.Argument(None, help="Text to speak; '-' or nothing reads stdin."),
    file: Optional[str] = typer.Option(None, "--file", "-f", help="Read the text from FILE ('-' = stdin)."),
    output: Optional[str] = typer.Option(
        None, "--output", "-o",
        help="Write audio to FILE (.wav .flac .ogg .opus .mp3) or '-' for a WAV stream on stdout. "
        "Default: play it (stdout is a terminal) or stream WAV (stdout is a pipe).",
    ),
    fmt: Optional[str] = typer.Option(None, "--format", help="Output format when the extension does not say."),
    raw: bool = typer.Option(False, "--raw", help="Stream raw s16le mono PCM to stdout (rate printed on stderr)."),
    model: Optional[str] = opt.Model,
    voice: Optional[str] = opt.Voice,
    speed: float = opt.Speed,
    sentence_silence: float = typer.Option(0.0, "--sentence-silence", min=0.0, max=10.0,
                                           help="Seconds of silence after each sentence."),
    volume: float = typer.Option(1.0, "--volume", min=0.0, max=4.0, help="Linear gain (1.0 = unchanged)."),
    lang: Optional[str] = opt.Lang,
    seed: Optional[int] = opt.Seed,
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Encoding of --file/stdin (default: UTF-8 or BOM)."),
    debug: bool = opt.Debug,
) -> None:
    """Speak TEXT: write a file, play it, or stream WAV/PCM to stdout."""
    from .. import engine
    from ..backends.base import SynthesisOptions
    from ..errors import BadInput
    from .render import note_line

    content = _gather_text(text or [], file, encoding)
    if not content.strip():
        raise BadInput("no text to speak: the input is empty", hint="pass some words, e.g. ttscli say \"Hello\"")
    sink = _make_sink(output, fmt, raw)
    loaded = engine.load(model, voice)
    segments = engine.segments_for(content, loaded.backend, sentence_silence=sentence_silence)
    if raw:
        note_line(f"raw PCM: s16le, {loaded.backend.sample_rate} Hz, 1 channel")
    with sink:
        engine.speak(loaded, segments, SynthesisOptions(speed=speed, volume=volume, seed=seed, lang=lang), sink)
