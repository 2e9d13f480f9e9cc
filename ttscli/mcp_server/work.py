"""What the MCP tools do, in a worker thread, on a model the pool lent them.

Each function takes the loaded model, the prepared segments and options and a :class:`Progress`, which
counts the segments taken (the server reports it as MCP progress) and ends the work between
segments when the call is cancelled.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class Cancelled(Exception):
    """The MCP call was cancelled: synthesis ends between segments."""


@dataclass
class Progress:
    total: int = 0
    done: int = 0
    stop: threading.Event = field(default_factory=threading.Event)

    def counted(self, segments):
        for seg in segments:
            if self.stop.is_set():
                raise Cancelled()
            yield seg
            self.done += 1


def prepare(loaded, text: str, speed: float) -> tuple[list, Any]:
    """(the text's segments, the synthesis options): BadInput when there is nothing to say.
    The segments are listed, so progress has a total."""
    from .. import engine
    from ..api import Voice

    request = Voice(loaded).request(text, speed=speed)
    return list(engine.segments(request, loaded)), request.synthesis_options


def _speak(loaded, prepared, sink, progress: Progress, timings=None) -> float:
    """The one call into the engine: every chunk into ``sink``; seconds of audio."""
    from .. import engine

    segments, options = prepared
    with sink:
        return engine.speak(loaded, progress.counted(segments), options, sink, timings)


def aloud(loaded, prepared, progress: Progress) -> dict[str, Any]:
    from ..audio.player import PlayerSink, find_player

    seconds = _speak(loaded, prepared, PlayerSink(find_player()), progress)
    return {"seconds": round(seconds, 3)}


def to_file(loaded, prepared, progress: Progress, path: Path) -> dict[str, Any]:
    from ..audio.formats import format_for
    from ..audio.sinks import FileSink

    seconds = _speak(loaded, prepared, FileSink(path, format_for(path, None)), progress)
    return {"seconds": round(seconds, 3), "sample_rate": loaded.backend.sample_rate}


def with_subtitles(loaded, prepared, progress: Progress, text: str, audio: Path,
                   subtitles: Path) -> dict[str, Any]:
    from ..audio.formats import format_for
    from ..audio.sinks import FileSink
    from ..timing.session import Subtitles

    subs = Subtitles.open(text, str(subtitles), None)
    collector = subs.attach(loaded.backend)
    done = False
    try:
        seconds = _speak(loaded, prepared, FileSink(audio, format_for(audio, None)), progress, collector)
        done = True
    finally:
        subs.close(complete=done)
    return {"seconds": round(seconds, 3), "sample_rate": loaded.backend.sample_rate, "words": len(subs.words)}
