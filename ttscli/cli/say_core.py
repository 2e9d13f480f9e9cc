"""What `ttscli say` does, without Typer: the command (say.py) and the direct path that runs
common `say` calls before Typer is imported (say_direct.py) both call :func:`speak`.
Its keyword defaults are the command's (a test holds them equal)."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..request import Request
    from ..selection import Selection


def _gather_text(words: list[str], file: str | None, encoding: str | None) -> str:
    from ..errors import UsageError
    from ..text.decode import check_encoding, read_text_file

    if encoding:
        check_encoding(encoding)
    if words and file:
        raise UsageError("give the text either as arguments or with --file, not both")
    if file:
        return read_text_file(file, encoding)
    if words == ["-"] or (not words and not sys.stdin.isatty()):
        return read_text_file("-", encoding)
    if not words:
        raise UsageError("no text given", hint='try: ttscli say "Hello" -o hello.wav')
    return " ".join(words)


def _live_stdin(words: list[str], file: str | None, encoding: str | None) -> bool:
    """Whether the text comes from stdin and stdin is live (a pipe, FIFO, socket or terminal):
    then it is spoken as it arrives (see live_input.py); a regular file is read whole."""
    from_stdin = file == "-" or (not file and (words == ["-"] or (not words and not sys.stdin.isatty())))
    if not from_stdin or words not in ([], ["-"]) or sys.stdin is None:
        return False
    from .live_input import is_live

    if encoding:
        from ..text.decode import check_encoding

        check_encoding(encoding)
    try:
        return is_live(sys.stdin.fileno())
    except (OSError, ValueError, AttributeError):  # an in-process stdin without a descriptor
        return False


def _say_live(output, fmt, raw, model, voice, encoding, idle, subtitles, timings_jsonl, lexicon, no_server,
              request: Request) -> None:
    """Speak stdin as it arrives: through the user's warm server when one answers (and nothing
    needs this process: no --lexicon, no timings), else here (the model loads while the first
    words come)."""
    from dataclasses import replace

    from .. import engine
    from ..selection import select
    from ..errors import BadInput
    from ..text import lexicon as lexicon_files
    from .live_input import LiveText
    from .render import note_line
    from .say_live import speak_live, speak_served

    subs = None
    if subtitles or timings_jsonl:
        from ..timing.session import Subtitles

        subs = Subtitles.open("", subtitles, timings_jsonl, inputs=(lexicon,),
                              others=(output,) if output and output != "-" else ())
    sink = _make_sink(output, fmt, raw, inputs=(lexicon,))

    def started(rate: int) -> None:
        if raw:
            note_line(f"raw PCM: s16le, {rate} Hz, 1 channel")

    pieces = None
    done = False
    try:
        with sink:
            pause = 0.0
            if not no_server and not lexicon and subs is None and _server_answers():
                pieces = iter(LiveText(sys.stdin.fileno(), encoding=encoding, lang=request.lang, idle=idle))
                left = speak_served(pieces, _server_body(request, model, voice), request, sink, on_start=started)
                if left is None:
                    if not sink.sample_rate:
                        raise BadInput("no text to speak: the input was empty or held nothing speakable",
                                       hint='send some words, e.g. echo "Hello" | ttscli say')
                    done = True
                    return
                pieces, pause = left
            request = replace(request, lexicon=lexicon_files.load(lexicon))
            loaded = engine.load(select(model, voice, request.lang))
            if subs is not None:
                subs.attach(loaded.backend, request.lang)
            if pieces is None:
                pieces = iter(LiveText(sys.stdin.fileno(), encoding=encoding,
                                       lang=request.lang or loaded.selection.language, idle=idle))
            speak_live(pieces, loaded, request, sink, subs, on_start=started, pause=pause)
        done = True
    finally:
        if subs:
            subs.close(complete=done)


def _make_sink(output: str | None, fmt: str | None, raw: bool, inputs: tuple = ()):
    from ..audio.formats import format_for
    from ..audio.sinks import FileSink, StreamSink
    from ..errors import OutputError, UsageError

    if sys.stdout is None and (raw or output in (None, "-")):  # started with stdout closed (`>&-`)
        raise OutputError("stdout is closed, so there is nowhere to write the audio", hint="use -o FILE")
    if raw:
        if fmt is not None:
            raise UsageError("--raw writes headerless PCM, so --format does not apply", hint="drop --format or --raw")
        if output not in (None, "-"):
            raise UsageError("--raw writes PCM to stdout", hint="drop -o, or use -o - with --raw")
        return StreamSink(raw=True)
    if output == "-" or (output is None and not sys.stdout.isatty()):
        if fmt not in (None, "wav"):
            raise UsageError("only WAV (or --raw PCM) can be streamed to stdout", hint="use -o FILE for other formats")
        return StreamSink(raw=False)
    if output is None:
        from ..audio.player import PlayerSink, available_player, fallback_path
        from .render import note_line

        player = available_player()
        if player is not None:
            return PlayerSink(player)
        path = fallback_path()  # a headless box: keep the audio rather than fail
        note_line(f"no audio player or sound device here, so the audio goes to {path.name} (choose with -o FILE)")
        return FileSink(path, format_for(path, "wav"))
    path = os.path.expanduser(output)  # a str: a trailing '/' (a directory) must survive
    return FileSink(path, format_for(Path(path), fmt), inputs=inputs)


def _check_something_to_say(request: Request, model: str | None, voice: str | None) -> Selection | None:
    """The selection of ``model`` and ``voice``; BadInput for text with nothing to speak (emoji,
    [[ ]], markup only) before the model loads. Its warnings are printed once, by the real run.
    None when the selection fails: the load reports it, in its own words."""
    import logging

    from .. import engine
    from ..errors import BadInput, TtsError
    from ..selection import select

    logger = logging.getLogger("ttscli")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        selection = select(model, voice, request.lang)
        engine.segments(request, selection)
        return selection
    except BadInput:
        raise
    except TtsError:  # an unknown model or a damaged voice: the load reports it, in its own words
        return None
    finally:
        logger.setLevel(level)


def _dry_run(request: Request, model: str | None, voice: str | None) -> None:
    """Segments on stdout, one per line, in the markup ttscli reads back: a pause as
    [pause:N], a blank line after each paragraph. Nothing heavier than the model's
    config is read."""
    from .. import engine
    from ..selection import select
    from .render import note_line

    if request.lang:  # the same refusal as a real run (exit 4), before anything is printed
        from ..phonemize.espeak import check_language

        check_language(request.lang)
    selection = select(model, voice, request.lang)
    segments = engine.segments(request, selection)  # errors here
    note_line(f"dry run: {selection.model_id}, language {selection.language or 'unknown'}, "
              f"{selection.profile.budget.describe()}")
    out = sys.stdout
    count = 0
    pauses = 0.0
    for seg in segments:  # a sentence cut into clauses for synthesis is still shown as one line
        count += 1
        pauses += seg.pause_after
        line = seg.text + (f" [pause:{seg.pause_after:g}]" if seg.pause_after else "")
        out.write(line.strip() + (" " if seg.continues and not seg.paragraph_end else "\n"))
        if seg.paragraph_end:
            out.write("\n")
    out.flush()
    note_line(f"dry run: {count} segment{'s' if count != 1 else ''}, {pauses:g} s of pauses")


def _server_answers() -> bool:
    """Whether the user's own server answers now (the proof of identity only; no text is sent)."""
    from ..server import client

    try:
        conn, _ = client.open_server()
    except client.ServerGone:
        return False
    conn.close()
    return True


def _server_body(request: Request, model: str | None, voice: str | None) -> dict:
    """The server's JSON body for ``request`` (docs/server.md)."""
    return {"input": request.text, "model": model, "voice": voice, "speed": request.speed,
            "volume": request.volume, "seed": request.seed, "lang": request.lang,
            "sentence_silence": request.sentence_silence, "paragraph_silence": request.paragraph_silence,
            "date_order": request.date_order}


def _via_server(request: Request, model: str | None, voice: str | None, sink, raw: bool) -> bool:
    """Speak through a running `ttscli serve` (see ttscli.server.client); False: do it here."""
    from ..server import client
    from .render import note_line

    def started(rate: int) -> None:
        if raw:
            note_line(f"raw PCM: s16le, {rate} Hz, 1 channel")

    return client.speak(_server_body(request, model, voice), sink, on_start=started)


def speak(text: list[str] | None = None, *, file: str | None = None, output: str | None = None,
          fmt: str | None = None, raw: bool = False, model: str | None = None, voice: str | None = None,
          speed: float = 1.0, sentence_silence: float = 0.0, paragraph_silence: float | None = None,
          volume: float = 1.0, lang: str | None = None, date_order=None, lexicon: str | None = None,
          seed: int | None = None, encoding: str | None = None, subtitles: str | None = None,
          timings_jsonl: str | None = None, idle: float = 0.3, dry_run: bool = False,
          no_server: bool = False) -> None:
    """Speak ``text`` (words; or ``file``, or stdin) as `ttscli say` does with these options."""
    from dataclasses import replace

    from .. import langtag
    from ..errors import BadInput
    from ..request import Request
    from .render import note_line

    langtag.check(lang)  # before any text is read or any server is asked
    if not dry_run and _live_stdin(text or [], file, encoding):
        return _say_live(output, fmt, raw, model, voice, encoding, idle, subtitles, timings_jsonl, lexicon, no_server,
                         Request(speed=speed, volume=volume, seed=seed, lang=lang, sentence_silence=sentence_silence,
                                 paragraph_silence=paragraph_silence,
                                 date_order=getattr(date_order, "value", date_order)))
    content = _gather_text(text or [], file, encoding)
    if not content.strip():
        raise BadInput("no text to speak: the input is empty", hint="pass some words, e.g. ttscli say \"Hello\"")
    request = Request(content, speed=speed, volume=volume, seed=seed, lang=lang, sentence_silence=sentence_silence,
                      paragraph_silence=paragraph_silence, date_order=getattr(date_order, "value", date_order))
    subs = None
    if not dry_run and (subtitles or timings_jsonl):  # timings: never via a server
        from ..timing.session import Subtitles

        subs = Subtitles.open(content, subtitles, timings_jsonl, inputs=(file, lexicon),
                              others=(output,) if output and output != "-" else ())
    if not dry_run and not no_server and not lexicon and subs is None:  # a --lexicon file is read here
        sink = _make_sink(output, fmt, raw, inputs=(file, lexicon))
        if _via_server(request, model, voice, sink, raw):
            return
        if sink.sample_rate:  # a file the server began is discarded; start afresh
            sink = _make_sink(output, fmt, raw, inputs=(file, lexicon))
    from ..text import lexicon as lexicon_files

    request = replace(request, lexicon=lexicon_files.load(lexicon))  # + the config directory's lexicon.toml
    if dry_run:
        _dry_run(request, model, voice)
        return
    if no_server or lexicon or subs is not None:
        sink = _make_sink(output, fmt, raw, inputs=(file, lexicon))
    from .. import engine

    selection = _check_something_to_say(request, model, voice)
    loaded = engine.load(selection or model, voice)
    timings = subs.attach(loaded.backend, lang) if subs else None
    segments = engine.segments(request, loaded)
    if raw:
        note_line(f"raw PCM: s16le, {loaded.backend.sample_rate} Hz, 1 channel")
    done = False
    try:
        with sink:
            _speak(loaded, segments, request.synthesis_options, sink, timings)
        done = True
    finally:
        if subs:  # the subtitle file only after all the audio was written; streamed lines in any case
            subs.close(complete=done)


def _speak(loaded, segments, options, sink, timings=None) -> None:
    """Synthesize into ``sink``; into a file with stderr on a terminal, with a progress line
    (streams and the speaker start at once, so their segments stay lazy)."""
    from .. import engine
    from ..audio.sinks import FileSink
    from . import say_progress

    if not isinstance(sink, FileSink) or not say_progress.wanted():
        engine.speak(loaded, segments, options, sink, timings)
        return
    progress = say_progress.SayProgress(segments)
    try:
        engine.speak(loaded, progress.iterate(), options, say_progress.CountingSink(sink, progress), timings)
    finally:
        progress.close()
