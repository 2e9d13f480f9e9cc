"""What the MCP tools do, in a worker thread, on a model the pool lent them.

Each function takes the loaded model, the prepared segments and a :class:`Progress`, which
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


def prepare(loaded, text: str) -> list:
    """The text's segments (BadInput when there is nothing to say): the total for progress."""
    from .. import engine

    return list(engine.segments_for(text, loaded.backend, voice=loaded.voice_name))


def _speak(loaded, segments, speed: float, sink, progress: Progress, timings=None) -> float:
    """The one call into the engine: every chunk into ``sink``; seconds of audio."""
    from .. import engine
    from ..backends.base import SynthesisOptions

    with sink:
        return engine.speak(loaded, progress.counted(segments), SynthesisOptions(speed=speed), sink, timings)


def aloud(loaded, segments, speed: float, progress: Progress) -> dict[str, Any]:
    from ..audio.player import PlayerSink, find_player

    seconds = _speak(loaded, segments, speed, PlayerSink(find_player()), progress)
    return {"seconds": round(seconds, 3)}


def to_file(loaded, segments, speed: float, progress: Progress, path: Path) -> dict[str, Any]:
    from ..audio.formats import format_for
    from ..audio.sinks import FileSink

    seconds = _speak(loaded, segments, speed, FileSink(path, format_for(path, None)), progress)
    return {"seconds": round(seconds, 3), "sample_rate": loaded.backend.sample_rate}


def with_subtitles(loaded, segments, speed: float, progress: Progress, text: str, audio: Path,
                   subtitles: Path) -> dict[str, Any]:
    from ..audio.formats import format_for
    from ..audio.sinks import FileSink
    from ..timing.session import Subtitles

    subs = Subtitles.open(text, str(subtitles), None)
    collector = subs.attach(loaded.backend)
    done = False
    try:
        seconds = _speak(loaded, segments, speed, FileSink(audio, format_for(audio, None)), progress, collector)
        done = True
    finally:
        subs.close(complete=done)
    return {"seconds": round(seconds, 3), "sample_rate": loaded.backend.sample_rate, "words": len(subs.words)}
