"""`say` on live input: each piece of text spoken as soon as it arrives, into one sink.

The pieces come from :class:`~ttscli.cli.live_input.LiveText`. Each is its own request to the
engine (normalized, segmented and synthesized on its own), and the audio of all of them goes to
one sink: the speakers, one WAV stream (header first), raw PCM, or one file written at the end.
With a warm `ttscli serve` of the user's own, each piece is a request to it (the model is not
loaded here); if the server cannot take a piece, the rest is spoken in this process.
Between two pieces lies the pause the whole-text path would put there (``--sentence-silence``,
or the paragraph pause after a blank line), never after the last; word timings continue across
the gaps (they count audio, not wall time).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine import Loaded
    from ..request import Request
    from ..text.incremental import Sentence

log = logging.getLogger("ttscli")
DEFAULT_PARAGRAPH_SILENCE = 0.5


def _pause_after(piece: Sentence, request: Request) -> float:
    paragraph = request.paragraph_silence
    if paragraph is None:
        paragraph = max(request.sentence_silence, DEFAULT_PARAGRAPH_SILENCE)
    return paragraph if piece.paragraph_end else request.sentence_silence


def speak_served(pieces: Iterator[Sentence], body: dict, request: Request, sink,
                 on_start=None) -> tuple[Iterator[Sentence], float] | None:
    """Speak the pieces through the user's warm server, one request each, into ``sink`` (left
    open). None when every piece was spoken; else (the pieces left, the pause owed before the
    next) for :func:`speak_live` in this process, when the server cannot take a piece."""
    from itertools import chain

    from ..audio.chunk import silence
    from ..server import client

    pause = 0.0
    for piece in pieces:
        if sink.sample_rate and pause > 0:
            sink.write(silence(pause, sink.sample_rate).samples)
            pause = 0.0
        if not client.speak({**body, "input": str(piece)}, sink, on_start=on_start, close=False):
            return chain([piece], pieces), pause
        pause = max(pause, _pause_after(piece, request))
    return None


def speak_live(pieces: Iterable[Sentence], loaded: Loaded, request: Request, sink, subs=None,
               on_start=None, pause: float = 0.0) -> float:
    """Speak every piece into ``sink`` (started at the first audio, unless it already was);
    seconds of audio written. BadInput when the whole input held nothing to say."""
    from .. import engine
    from ..audio.chunk import silence
    from ..errors import BadInput

    rate = loaded.backend.sample_rate
    options = request.synthesis_options
    timings = subs.collector if subs is not None else None
    started = bool(sink.sample_rate)
    for piece in pieces:
        try:
            segments = engine.segments(replace(request, text=str(piece)), loaded)
        except BadInput as exc:  # an emoji-only line: nothing to say in it, the stream goes on
            log.warning("skipped %r: %s", str(piece)[:40], exc.message)
            continue
        if subs is not None:
            subs.piece(str(piece))
        for chunk in engine.chunks(loaded, segments, options, timings):
            if not started:
                sink.start(rate)
                started = True
                if on_start is not None:
                    on_start(rate)
            elif pause > 0:
                gap = silence(pause, rate)
                if timings is not None:
                    timings.chunk(gap, speech=False)
                sink.write(gap.samples)
            pause = 0.0
            sink.write(chunk.samples)
        pause = max(pause, _pause_after(piece, request))
    if not started:
        raise BadInput("no text to speak: the input was empty or held nothing speakable",
                       hint='send some words, e.g. echo "Hello" | ttscli say')
    return sink.samples_written / float(rate)
