"""One Wyoming synthesis request: its text as pieces, and each piece as audio.

A ``synthesize`` event is one piece: the whole text, which the front end cuts into
segments, its first clause alone. A streamed request (``synthesize-start`` /
``-chunk`` / ``-stop``) goes through :class:`~ttscli.text.incremental.SentenceStream`:
each sentence is spoken as soon as the text shows it has ended, the rest at stop.

Each piece takes a warm instance of its model from the server's :class:`~.models.Pool`
(shared with the HTTP API) for as long as it synthesizes, in a thread of its own
(:class:`~.stream.Job`); its audio is queued without bound (the text is bounded), so
a client that reads slowly never holds a model that other clients wait for.
"""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace

from .. import engine
from .models import Pool
from .stream import Cancelled, Job
from .wyoming_voices import Choice

SAMPLES_PER_CHUNK = 2048  # audio-chunk size (93 ms at 22,050 Hz)
PARAGRAPH_PAUSE = 0.5  # seconds between streamed paragraphs (the front end's default)


class RequestError(Exception):
    """A request refused with a message for the client (an ``error`` event)."""

    def __init__(self, message: str, code: str):
        super().__init__(message)
        self.code = code


@dataclass
class Request:
    """A request's pieces, filled by the connection's reader and spoken by its worker."""

    choice: Choice
    streaming: bool
    lang: str | None = None
    max_chars: int = 4096
    started: float = field(default_factory=time.perf_counter)
    chars: int = 0
    pieces: asyncio.Queue = field(default_factory=asyncio.Queue)  # str | None (the end)
    failed: bool = False  # an error was sent; the rest of its text is ignored
    _stream: object | None = None

    def add(self, text: str) -> None:
        """Text of the request (a chunk, or the whole text); RequestError over the limit."""
        if self.failed:
            return
        self.chars += len(text)
        if self.chars > self.max_chars:
            raise RequestError(f"the text has over {self.max_chars} characters; this server takes at most "
                               f"{self.max_chars} per request (ttscli serve --max-input)", "too_large")
        if not self.streaming:
            self.pieces.put_nowait(text)
            return
        if self._stream is None:
            from ..text.incremental import SentenceStream

            self._stream = SentenceStream(self.lang)
        for sentence in self._stream.feed(text):
            self.pieces.put_nowait(sentence)

    def finish(self) -> None:
        if self._stream is not None and not self.failed:
            for sentence in self._stream.flush():
                self.pieces.put_nowait(sentence)
        self.pieces.put_nowait(None)


@dataclass
class Outcome:
    rate: int | None = None
    samples: int = 0
    pieces: int = 0
    first_audio: float | None = None  # seconds from the request's start


Send = Callable[[bytes, int], Awaitable[None]]  # (s16le bytes, rate)


def _segments(loaded, text: str, first: bool, lang: str | None):
    from ..errors import BadInput
    from ..request import Request as Speech

    try:
        segments = engine.segments(Speech.from_user(text), loaded)  # the config's lexicon.toml applies
    except BadInput:
        return None  # nothing to say in this piece
    return _phrase_first(segments, lang) if first else segments


def _phrase_first(segments, lang: str | None):
    """The request's first segment cut after its first phrase (text.chunking.first_phrase): the
    first audio is ready in about half the time, the rest follows while it plays."""
    from ..text.chunking import first_phrase

    head = next(segments, None)
    if head is None:
        return
    cut = None if head.phonemes else first_phrase(head.text, lang)
    if cut is None:
        yield head
    else:
        yield replace(head, text=cut[0], pause_after=0.0, paragraph_end=False, continues=True)
        yield replace(head, text=cut[1])
    yield from segments


async def speak(pool: Pool, request: Request, send: Send) -> Outcome:
    """Speak every piece of ``request`` in order through ``send``; raises what synthesis raised."""
    outcome = Outcome()
    pause = 0.0
    while (piece := await request.pieces.get()) is not None:
        if request.failed:
            continue
        if pause and outcome.rate:
            await send(bytes(int(pause * outcome.rate) * 2), outcome.rate)
        pause = PARAGRAPH_PAUSE if getattr(piece, "paragraph_end", False) else 0.0
        await _piece(pool, request, str(piece), send, outcome)
        outcome.pieces += 1
    return outcome


async def _piece(pool: Pool, request: Request, text: str, send: Send, outcome: Outcome) -> None:
    from ..audio.chunk import to_pcm16
    from ..backends.base import SynthesisOptions

    choice = request.choice
    slot, instance, name, voice = await pool.acquire(choice.model, choice.voice, False)
    job: Job | None = None
    try:
        loaded = replace(instance.loaded, voice=voice, voice_name=name)
        first = outcome.pieces == 0
        segments = await asyncio.to_thread(_segments, loaded, text, first, request.lang)
        if segments is None:
            return
        rate = loaded.backend.sample_rate
        job = Job(depth=0, interrupt=loaded.backend.interrupt)  # unbounded: synthesis never waits for the client

        def work(job: Job) -> None:
            source = iter(job.counted(segments))
            # The request's first segment runs alone: no look-ahead segment competes for the cores.
            for part in ([itertools.islice(source, 1), source] if first else [source]):
                for chunk in engine.chunks(loaded, part, SynthesisOptions()):
                    if job.cancelled:
                        raise Cancelled()
                    job.emit(to_pcm16(chunk.samples).tobytes())

        def finished(error: BaseException | None) -> None:
            pool.release(slot, instance)

        job.start(work, finished)
        async for data in job.chunks():
            if outcome.first_audio is None:
                outcome.first_audio = time.perf_counter() - request.started
            outcome.rate = rate
            outcome.samples += len(data) // 2
            step = SAMPLES_PER_CHUNK * 2
            for start in range(0, len(data), step):
                await send(data[start:start + step], rate)
    finally:
        if job is None:
            pool.release(slot, instance)
        elif not job.done.done():
            job.cancel()  # the client went away: the runs stop, the thread ends and releases the model
