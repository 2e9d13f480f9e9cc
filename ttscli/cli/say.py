"""`ttscli say`: speak text from arguments, a file or stdin (the options; say_core.py does it)."""

from __future__ import annotations

from typing import List, Optional

import typer

from ..audio.formats import SAY, names
from . import complete
from . import options as opt
from .app import app


@app.command()
def say(
    text: Optional[List[str]] = typer.Argument(None, help="Text to speak; '-' or nothing reads stdin."),
    file: Optional[str] = typer.Option(None, "--file", "-f", help="Read the text from FILE ('-' = stdin)."),
    output: Optional[str] = typer.Option(
        None, "--output", "-o",
        help=f"Write audio to FILE ({' '.join('.' + n for n in names(SAY, builtin=True))}) or '-' for a WAV "
        "stream on stdout. "
        "Default: play it (stdout is a terminal) or stream WAV (stdout is a pipe).",
    ),
    fmt: Optional[str] = typer.Option(None, "--format", help="Output format when the extension does not say.",
                                              autocompletion=complete.say_formats),
    raw: bool = typer.Option(False, "--raw", help="Stream raw s16le mono PCM to stdout (rate printed on stderr)."),
    model: Optional[str] = opt.Model,
    voice: Optional[str] = opt.Voice,
    speed: float = opt.Speed,
    sentence_silence: float = opt.SentenceSilence,
    paragraph_silence: Optional[float] = opt.ParagraphSilence,
    volume: float = typer.Option(1.0, "--volume", min=0.0, max=4.0, help="Linear gain (1.0 = unchanged)."),
    lang: Optional[str] = opt.Lang,
    date_order: Optional[opt.DateOrder] = opt.DateOrderOpt,
    lexicon: Optional[str] = opt.Lexicon,
    seed: Optional[int] = opt.Seed,
    encoding: Optional[str] = typer.Option(None, "--encoding", help="Encoding of --file/stdin (default: UTF-8 or BOM)."),
    subtitles: Optional[str] = typer.Option(
        None, "--subtitles", metavar="FILE",
        help="Also write word-timed subtitles: .srt, .vtt or .json (words, sentences, cues; see docs/subtitles.md)."),
    timings_jsonl: Optional[str] = typer.Option(
        None, "--timings-jsonl", metavar="FILE",
        help="Write each word's timing as a JSON line as soon as it is spoken (for -o - / --raw streams)."),
    idle: float = typer.Option(0.3, "--idle", min=0.01, max=60.0, metavar="SECONDS",
                               help="Live input (stdin a pipe or terminal): speak an unfinished sentence after "
                               "the input has been quiet this long."),
    dry_run: bool = typer.Option(False, "--dry-run",
                                 help="Print the normalized segments and their pauses; load no model, write no audio."),
    no_server: bool = typer.Option(False, "--no-server", envvar="TTSCLI_NO_SERVER", show_envvar=True,
                                   help="Synthesize in this process even when `ttscli serve` is running."),
    debug: bool = opt.Debug,
) -> None:
    r"""Speak TEXT: write a file, play it, or stream WAV/PCM to stdout.

    Numbers, dates, money, abbreviations and the like are read out; Markdown
    syntax is dropped; \[pause:1.5] adds a pause; text that starts with <speak> is SSML.
    """
    from .say_core import speak

    speak(text, file=file, output=output, fmt=fmt, raw=raw, model=model, voice=voice, speed=speed,
          sentence_silence=sentence_silence, paragraph_silence=paragraph_silence, volume=volume, lang=lang,
          date_order=date_order, lexicon=lexicon, seed=seed, encoding=encoding, subtitles=subtitles,
          timings_jsonl=timings_jsonl, idle=idle, dry_run=dry_run, no_server=no_server)
