"""The batch API the CLI calls: read books, plan chunks, run the job under the output lock."""

from __future__ import annotations

import logging
import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable

from ..errors import BadInput, Interrupted, OutputError, UsageError
from .chunks import Voice
from .job import WORK, Job, Plan, Result, Settings

if TYPE_CHECKING:
    from ..request import Request as SpeechRequest

log = logging.getLogger(__name__)
WORDS_PER_MINUTE = 190  # the bundled voice at --speed 1 (264 words in 75 s ≈ 211; headings and pauses add)


@dataclass
class Request:
    inputs: list[Path]
    encoding: str | None = None
    split_on: str | None = None
    chapters: str | None = None
    keep_all: bool = False


def read_books(request: Request):
    """[(book, [(number, chapter)])] for every input; all inputs are checked before any work."""
    from . import chapters, readers

    names: dict[str, Path] = {}
    books = []
    for path in request.inputs:
        book = readers.read(path, request.encoding, request.split_on)
        stem = output_name(path)
        if stem in names:
            raise UsageError(f"{names[stem]} and {path} would both write {stem}.*", hint="rename one of them")
        names[stem] = path
        books.append((book, chapters.select(book.chapters, request.chapters, request.keep_all)))
    return books


NAME_BYTES = 150  # of a book's output stem: NAME.epub, NAME/, .NAME.epub.XXXXXXXX.part all fit in 255


def output_name(path: Path) -> str:
    from ..fsio import name_within

    stem = name_within(path.stem.strip(), NAME_BYTES).strip() or "book"
    return stem if not stem.startswith(".") else "_" + stem[1:]


def output_target(output: Path, inputs: list[Path], formats: tuple[str, ...] | None,
                  known: tuple[str, ...]) -> tuple[Path, str | None, tuple[str, ...] | None]:
    """``-o``: (output directory, book name or None, formats). ``-o book.m4b`` (an audio extension)
    with one input is that file: the directory is its parent and the name its stem."""
    suffix = output.suffix.lower().lstrip(".")
    if suffix not in known or output.is_dir():
        return output, None, formats
    if len(inputs) > 1:
        raise UsageError(f"-o {output} is one file, but {len(inputs)} books were given",
                         hint="give an output directory for several books (each makes its own file)")
    if formats and set(formats) != {suffix}:
        raise UsageError(f"-o {output} is a .{suffix} file, but --format asks for {', '.join(formats)}",
                         hint="drop --format, or give an output directory")
    return output.parent, output.stem or "book", (suffix,)


def estimate_seconds(words: int, speed: float) -> float:
    return words / (WORDS_PER_MINUTE * speed) * 60.0


def plan_books(books, model: str | None, voice_name: str | None, speech: SpeechRequest,
               cast=None) -> tuple[Voice, list[Plan]]:
    """Resolve the models (no runtime is loaded) and cut every selected chapter into chunks,
    each spoken by the voice the cast gives it (see voicing.py). ``speech`` holds the
    options every chunk is spoken with (its text is unused)."""
    from ..selection import select
    from .cast import Cast
    from .voicing import Voicing

    selection = select(model, voice_name, speech.lang)
    ref = selection.ref
    voice = Voice(model=model, model_id=ref.id, revision=ref.revision, voice=voice_name, speed=speech.speed,
                  volume=speech.volume, seed=speech.seed, lang=speech.lang)
    voicing = Voicing(voice, selection, cast or Cast(), speech)
    plans = []
    for book, selected in books:
        voiced = voicing.plan([(number, chapter.text) for number, chapter in selected])
        chapters = []
        for (number, chapter), passages in zip(selected, voiced):
            try:
                chunks = voicing.chunks(passages)
            except BadInput:  # nothing speakable in this chapter (only punctuation, say)
                log.warning("chapter %d (%s) has nothing to speak; skipped", number, chapter.title)
                continue
            chapters.append((number, chapter, chunks))
        if not chapters:
            raise BadInput(f"{book.source} has no text to speak", hint="give a book with some words in it")
        plans.append(Plan(book, output_name(Path(book.source)), chapters))
    return voice, plans


def prepare_output(out: Path) -> None:
    """Create ``out`` (and its work folder) or fail with exit 8 before any synthesis."""
    if out.exists() and not out.is_dir():
        raise OutputError(f"output {out} is not a directory", hint="give a directory with -o")
    try:
        out.mkdir(parents=True, exist_ok=True)
        (out / WORK).mkdir(exist_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot write in {out}: {exc.strerror or exc}", hint="choose a writable directory") from exc
    if not os.access(out, os.W_OK | os.X_OK) or not os.access(out / WORK, os.W_OK | os.X_OK):
        raise OutputError(f"cannot write in {out}: permission denied", hint="choose a writable directory")


def resume_command() -> str:
    return "ttscli " + shlex.join(sys.argv[1:])


def make_synthesizer(voice: Voice, jobs: int, cluster: str | None, emit: Callable[..., None],
                     timings: str | None = None):
    """Worker processes on this machine, or Ray actors (``cluster``: see ttscli.book.cluster).

    ``timings``: also time each chunk's words (book.subtitles WORDS or EPUB).
    """
    if cluster:
        from .cluster import RaySynthesizer

        return RaySynthesizer(voice, cluster, emit, timings=timings)
    from .workers import Synthesizer

    return Synthesizer(voice, jobs, timings=timings)


def run(plans: list[Plan], voice: Voice, out: Path, settings: Settings, jobs: int,
        emit: Callable[..., None], cluster: str | None = None, inputs: tuple = ()) -> list[Result]:
    """Synthesize and write every plan; Ctrl-C raises Interrupted with the resume command.

    With a cluster, the chunks of all books are one queue (scheduled before the first book is assembled).
    ``inputs``: the files read (books, cover, cast); no output may be one of them.
    """
    from ..locking import hold
    from .outputs import check_outputs

    check_outputs(out, plans, settings, inputs)
    prepare_output(out)
    synth = make_synthesizer(voice, jobs, cluster, emit, timings=settings.timings)
    results = []
    lock = out / WORK / "lock"
    with hold(lock, wait=False, what=f"the output directory {out}"):
        try:
            job = Job(out, settings, synth, emit)
            if hasattr(synth, "schedule"):
                synth.schedule(task for plan in plans for task in job.pending(plan))
            for plan in plans:
                results.append(job.run(plan))
        except KeyboardInterrupt:
            synth.close(abort=True)
            raise Interrupted("interrupted; finished chunks are kept",
                              hint=f"resume with: {resume_command()}") from None
        except BaseException:
            synth.close(abort=True)
            raise
        synth.close()
        if settings.clean:
            for plan in plans:
                shutil.rmtree(out / WORK / plan.name, ignore_errors=True)
            lock.unlink(missing_ok=True)  # still held: a batch starting now fails to lock, as it should
            try:
                (out / WORK).rmdir()  # stays only if another book's unfinished work is in it
            except OSError:
                pass
    return results
