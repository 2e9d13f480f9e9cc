"""`ttscli batch`: books (TXT, Markdown, EPUB) → chapter files and/or an .m4b audiobook."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from ..audio.formats import CHAPTER, names
from . import options as opt
from .app import app

FORMATS = ("m4b", *names(CHAPTER, builtin=True), "epub")  # chapter files: the format table's


def _list_chapters(books, speed: float) -> None:
    from ..book.run import estimate_seconds
    from .batch_progress import _minutes

    for book, selected in books:
        chosen = {n for n, _ in selected}
        typer.echo(f"{book.source}: {book.title}" + (f" by {book.author}" if book.author else ""))
        for n, chapter in enumerate(book.chapters, 1):
            note = "" if n in chosen else f"  (skipped: {chapter.matter or 'not selected'} matter)" \
                if chapter.matter else "  (skipped: not selected)"
            typer.echo(f"{n:4d}  {chapter.title[:60]:<60}  {chapter.words:7d} words  "
                       f"~{_minutes(estimate_seconds(chapter.words, speed)):>7}{note}")


def _check_options(bitrate: str | None, chapters: str | None, split_on: str | None) -> None:
    """Option values checked before any book is read or any audio made."""
    from ..audio.encode import check_bitrate
    from ..book.chapters import check_range, compile_split_on

    check_bitrate(bitrate)
    if chapters:
        check_range(chapters)
    if split_on:
        compile_split_on(split_on)


def _cover(path: str | None) -> tuple[bytes | None, str | None]:
    from ..audio.images import read_cover

    return read_cover(path) if path else (None, None)


@app.command()
def batch(
    inputs: List[Path] = typer.Argument(..., help="Books: .txt, .md or .epub (each makes its own output)."),
    output: Optional[Path] = typer.Option(None, "--output", "-o",
                                          help="Output directory (created if missing), or the audiobook file "
                                          "itself for one book (e.g. -o book.m4b)."),
    formats: Optional[List[str]] = typer.Option(
        None, "--format", metavar="|".join(FORMATS),
        help="m4b: one audiobook with chapter markers; epub: a read-along EPUB 3 (text highlighted as it "
        "is spoken); others: a file per chapter. Repeat for several (default: m4b)."),
    chapters: Optional[str] = typer.Option(None, "--chapters", metavar="RANGE",
                                           help="Chapters to speak, e.g. 3-7, 3-, -2 or 1,4 (numbers from "
                                           "--list-chapters)."),
    split_on: Optional[str] = typer.Option(None, "--split-on", metavar="REGEX",
                                           help="A line matching REGEX starts a chapter (overrides detection)."),
    keep_all: bool = typer.Option(False, "--keep-all", help="Keep front/back matter (contents, copyright, index…)."),
    list_chapters: bool = typer.Option(False, "--list-chapters",
                                       help="Print chapters, word counts and estimated durations, then exit."),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, max=64,
                             help="Worker processes (each loads the model; threads are split between them)."),
    cluster: Optional[str] = typer.Option(None, "--cluster", metavar="ray|auto|ray://HOST:PORT",
                                          help="Synthesize on Ray actors: ray starts a local Ray, auto or an "
                                          "address joins a running cluster (needs the ray extra)."),
    bitrate: Optional[str] = typer.Option(None, "--bitrate", metavar="RATE",
                                          help="Bitrate of lossy outputs, e.g. 64k (default: 64k for m4b, "
                                          "the encoder's for others)."),
    loudness: float = typer.Option(-20.0, "--loudness", metavar="LUFS", min=-40.0, max=-5.0,
                                   help="Normalize each chapter to this integrated loudness "
                                   "(peaks stay under -1 dBFS)."),
    no_normalize: bool = typer.Option(False, "--no-normalize", help="Keep the voice's own loudness."),
    narrator: Optional[str] = typer.Option(None, "--narrator", help="Narrator tag (default: the model and voice)."),
    cover: Optional[str] = typer.Option(None, "--cover", metavar="IMAGE",
                                        help="Cover image (JPEG/PNG; default: the EPUB's)."),
    encoding: Optional[str] = typer.Option(None, "--encoding",
                                           help="Encoding of text inputs (default: BOM, UTF-8, else cp1252)."),
    json_progress: bool = typer.Option(False, "--json-progress", help="JSON-lines progress events on stderr."),
    clean: bool = typer.Option(False, "--clean",
                               help="Delete the finished chunks after success (a re-run then starts over)."),
    cast_file: Optional[Path] = typer.Option(None, "--cast", metavar="FILE",
                                             help="TOML cast: names → voices (any model, clones, blends), "
                                             "narrator per chapter (see docs/audiobooks.md)."),
    dialogue_voice: Optional[str] = typer.Option(None, "--dialogue-voice", metavar="VOICE",
                                                 help="Voice (or cast name) for quoted speech."),
    verify: bool = typer.Option(False, "--verify",
                                help="Transcribe every chunk (Whisper tiny.en, offline; the [asr] extra) and "
                                "re-take chunks that do not say their text."),
    verify_max_wer: float = typer.Option(0.25, "--verify-max-wer", metavar="WER", min=0.0, max=1.0,
                                         help="Word error rate above which a chunk is re-taken."),
    verify_takes: int = typer.Option(3, "--verify-takes", metavar="N", min=1, max=10,
                                     help="Most takes of a chunk with --verify (the best is kept)."),
    model: Optional[str] = opt.Model,
    voice: Optional[str] = opt.Voice,
    speed: float = opt.Speed,
    volume: float = typer.Option(1.0, "--volume", min=0.0, max=4.0, help="Linear gain before normalization."),
    sentence_silence: float = opt.SentenceSilence,
    paragraph_silence: Optional[float] = opt.ParagraphSilence,
    lang: Optional[str] = opt.Lang,
    date_order: Optional[opt.DateOrder] = opt.DateOrderOpt,
    lexicon: Optional[str] = opt.Lexicon,
    seed: Optional[int] = opt.Seed,
    subtitles: Optional[str] = typer.Option(
        None, "--subtitles", metavar="FORMATS",
        help="Also write word-timed subtitles per chapter and for the book: srt, vtt, json (comma-separated)."),
    debug: bool = opt.Debug,
) -> None:
    """Turn books into audiobooks: chapters, resumable, parallel, constant memory.

    Re-running the same command resumes: finished chunks (kept in OUT/.ttscli/)
    are reused and only changed text is synthesized again.
    """
    from ..audio.encode import check_bitrate
    from ..book import cast as book_cast
    from ..book import run as book_run
    from ..book.job import Settings
    from ..errors import UsageError
    from ..request import Request as SpeechRequest
    from .batch_progress import make

    asked = tuple(dict.fromkeys(f.lower().lstrip(".") for f in formats)) if formats else None
    unknown = [f for f in asked or () if f not in FORMATS]
    if unknown:
        raise UsageError(f"unsupported format {unknown[0]!r}", hint=f"use {', '.join(FORMATS)}")
    subtitle_formats = _subtitle_formats(subtitles)
    if not list_chapters and output is None:
        raise UsageError("no output directory", hint="add -o DIR (or --list-chapters to see the chapters)")
    name = None
    if output is not None and not list_chapters:
        output, name, asked = book_run.output_target(output, inputs, asked, FORMATS)
    chosen = asked or ("m4b",)
    _check_options(bitrate, chapters, split_on)
    bitrate = check_bitrate(bitrate)
    cover_data, cover_type = _cover(cover) if not list_chapters else (None, None)
    from ..book.cluster import check_address

    cluster = check_address(cluster)
    request = book_run.Request(inputs, encoding, split_on, chapters, keep_all)
    books = book_run.read_books(request)
    if list_chapters:
        _list_chapters(books, speed)
        return
    checks = None
    if verify:
        from ..book.verify import VerifySettings, check_available

        check_available()
        checks = VerifySettings(verify_max_wer, verify_takes)
    speech = SpeechRequest.from_user(speed=speed, volume=volume, seed=seed, lang=lang, sentence_silence=sentence_silence,
                                     paragraph_silence=paragraph_silence, date_order=date_order, lexicon=lexicon)
    voice_key, plans = book_run.plan_books(books, model, voice, speech, book_cast.load(cast_file, dialogue_voice))
    if name is not None:
        plans[0].name = name
    if subtitle_formats:
        from ..timing.aligned import check_model

        check_model(voice_key.model_id)
    settings = Settings(voice_key, chosen, bitrate, None if no_normalize else loudness,
                        narrator or (f"ttscli {voice_key.model_id}" + (f" ({voice})" if voice else "")),
                        cover_data, cover_type, clean, one_file=name is not None, verify=checks,
                        subtitles=subtitle_formats)
    progress = make(json_progress)
    try:
        results = book_run.run(plans, voice_key, output, settings, jobs, progress, cluster,
                               inputs=(*inputs, cover, cast_file))
    finally:
        progress.close()
    for result in results:
        _summary(result)


def _subtitle_formats(value: str | None) -> tuple[str, ...]:
    from ..errors import UsageError
    from ..timing.writers import FORMATS as SUBTITLE_FORMATS

    chosen = tuple(dict.fromkeys(f.strip().lower().lstrip(".") for f in (value or "").split(",") if f.strip()))
    unknown = [f for f in chosen if f not in SUBTITLE_FORMATS]
    if unknown or (value is not None and not chosen):
        raise UsageError(f"unsupported subtitle format {(unknown or [value])[0]!r}",
                         hint=f"use {', '.join(SUBTITLE_FORMATS)} (comma-separated)")
    return chosen


def _summary(result) -> None:
    from .batch_progress import _minutes

    rtf = f", RTF {result.compute_seconds / result.audio_seconds:.3f}" if result.synthesized and result.audio_seconds \
        else ""
    plural = "" if result.synthesized == 1 else "s"
    typer.echo(f"{result.name}: {_minutes(result.audio_seconds)} of audio, {result.synthesized} chunk{plural} "
               f"synthesized, {result.reused} reused{rtf}")
    for path in result.outputs:
        typer.echo(f"  {path}")
    if result.verified:
        v = result.verified
        typer.echo(f"  verified {int(v['chunks'])} chunks by Whisper ({int(v['heard'])} heard now, the rest before): "
                   f"{int(v['retaken'])} re-taken ({int(v['extra_takes'])} extra takes), "
                   f"{len(result.unverified)} left above the WER limit; book WER "
                   f"{v['errors'] / max(1, v['words']):.3f}")
    for number, title, text, record in result.unverified:
        typer.echo(f"  still above the WER limit after {len(record['takes'])} takes: chapter {number} ({title[:40]}), "
                   f"WER {record['wer']:.2f}: {text[:70]!r} heard as {record['heard'][:70]!r}")
