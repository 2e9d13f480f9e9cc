"""The Python API: load a voice once, then stream, synthesize or save speech.

    import ttscli

    voice = ttscli.load()                              # the default voice (Piper en_US-joe-medium)
    voice.save("Hello there.", "hello.wav")            # the same bytes as `ttscli say ... -o hello.wav`
    audio = voice.synthesize("Hello there.", words=True)   # samples, sample_rate, words
    for chunk in voice.stream("A long text ..."):      # audio as soon as each piece is ready
        ...

The CLI, the servers and batch are clients of the same seam: :func:`ttscli.selection.select`,
:class:`ttscli.request.Request` and :mod:`ttscli.engine`. Options of :meth:`Voice.stream`,
:meth:`Voice.synthesize` and :meth:`Voice.save` are the fields of :class:`~ttscli.request.Request`
(``speed``, ``volume``, ``seed``, ``lang``, ``sentence_silence``, ``paragraph_silence``,
``date_order``, ``lexicon``, ``family``). A Voice is not meant to be used by two threads at once.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import engine
from .request import Request
from .selection import Selection, select

if TYPE_CHECKING:
    import numpy as np

    from .timing.model import TimedWord

__all__ = ["Audio", "Chunk", "Voice", "load"]


@dataclass(frozen=True)
class _Sound:
    samples: np.ndarray  # mono float32 in [-1, 1]
    sample_rate: int
    words: tuple[TimedWord, ...] = ()

    @property
    def duration(self) -> float:
        return len(self.samples) / float(self.sample_rate)


class Chunk(_Sound):
    """A piece of the stream: mono float32 ``samples`` in [-1, 1] at ``sample_rate``; with
    ``words=True``, ``words`` holds the input's words whose timing became known with this piece
    (seconds from the start of the stream), else ()."""


class Audio(_Sound):
    """A whole utterance: mono float32 ``samples`` at ``sample_rate``, and its ``words``
    (:class:`~ttscli.timing.model.TimedWord`: the input's own words with start and end in
    seconds) when asked for."""


class Voice:
    """A loaded model and voice. Make one with :func:`load`."""

    def __init__(self, loaded: engine.Loaded, lang: str | None = None):
        self._loaded = loaded
        self._lang = lang  # the language asked for at load: every request's default

    def __repr__(self) -> str:
        return f"<ttscli.Voice {self.model_id} voice={self.voice!r} {self.sample_rate} Hz>"

    @property
    def selection(self) -> Selection:
        assert self._loaded.selection is not None
        return self._loaded.selection

    @property
    def model_id(self) -> str:
        return self.selection.model_id

    @property
    def voice(self) -> str | None:
        """The voice name it was loaded with (None: the model's default voice)."""
        return self._loaded.voice_name

    @property
    def sample_rate(self) -> int:
        return int(self._loaded.backend.sample_rate)

    @property
    def language(self) -> str | None:
        return self.selection.language

    @property
    def family_options(self) -> type | None:
        """The dataclass of this family's own options, passed as ``family=`` (e.g. Piper's
        ``noise_scale``); None when the family has none."""
        return self.selection.spec.options_type()

    def request(self, text: str, **options: Any) -> Request:
        """The :class:`~ttscli.request.Request` for ``text`` (keywords: its fields; a str
        ``lexicon`` is a file path, added to the config directory's lexicon.toml)."""
        if self._lang is not None and options.get("lang") is None:
            options["lang"] = self._lang
        lexicon = options.pop("lexicon", None)
        if lexicon is None or isinstance(lexicon, (str, os.PathLike)):
            return Request.from_user(str(text), lexicon=os.fspath(lexicon) if lexicon else None, **options)
        return Request(text=str(text), lexicon=lexicon, **options)

    def stream(self, text: str, *, words: bool = False, **options: Any) -> Iterator[Chunk]:
        """Audio chunks of ``text`` as soon as each is ready (the first sentence first).
        ``words=True`` attaches word timings (model durations for Piper, Kokoro and Kitten;
        Whisper alignment, the [asr] extra, for other families)."""
        request = self.request(text, **options)
        segments = engine.segments(request, self._loaded)
        if not words:
            for chunk in engine.chunks(self._loaded, segments, request.synthesis_options):
                yield Chunk(chunk.samples, chunk.sample_rate)
            return
        yield from self._timed(request, segments)

    def _timed(self, request: Request, segments) -> Iterator[Chunk]:
        from .timing.session import Subtitles

        subs = Subtitles(request.text, None, None)
        collector = subs.attach(self._loaded.backend, request.lang)
        settled: list[TimedWord] = []
        collector.on_words = lambda spoken: settled.extend(subs.mapper.feed(spoken))
        for chunk in engine.chunks(self._loaded, segments, request.synthesis_options, collector):
            new, settled[:] = tuple(settled), []
            yield Chunk(chunk.samples, chunk.sample_rate, new)
        collector.finish()
        rest = tuple(settled) + tuple(subs.mapper.finish())
        if rest:
            import numpy as np

            yield Chunk(np.zeros(0, np.float32), self.sample_rate, rest)

    def synthesize(self, text: str, *, words: bool = False, **options: Any) -> Audio:
        """The whole of ``text`` as one :class:`Audio`."""
        import numpy as np

        parts, timed = [], []
        for chunk in self.stream(text, words=words, **options):
            parts.append(chunk.samples)
            timed += chunk.words
        samples = np.concatenate(parts).astype(np.float32, copy=False) if parts else np.zeros(0, np.float32)
        return Audio(samples, self.sample_rate, tuple(timed))

    def save(self, text: str, path: str | os.PathLike, *, format: str | None = None, **options: Any) -> Path:
        """Write ``text`` as speech to ``path`` (format from the extension, or ``format``): the same
        bytes as ``ttscli say TEXT -o PATH``. Written atomically; returns the path."""
        from .audio.formats import format_for
        from .audio.sinks import FileSink

        target = Path(os.path.expanduser(os.fspath(path)))
        sink = FileSink(target, format_for(target, format))  # refuses a bad path before synthesis
        request = self.request(text, **options)
        segments = engine.segments(request, self._loaded)
        with sink:
            engine.speak(self._loaded, segments, request.synthesis_options, sink)
        return target

    def close(self) -> None:
        """Free the model (the Voice cannot speak afterwards)."""
        self._loaded.backend.close()

    def __enter__(self) -> Voice:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def load(model: str | None = None, voice: str | None = None, *, lang: str | None = None,
         device: str | None = None, threads: int | None = None, runtime: str | None = None) -> Voice:
    """Load ``model`` (an id such as ``piper:en_US-joe-medium``, ``kokoro``, or a model directory;
    None: the default) with ``voice`` (a stock voice, blend, preset or stored clone; None: the
    model's default). A stored voice picks its model when ``model`` is None. ``device`` (``cpu``,
    ``cuda``, ``cuda:1``, ``auto``), ``threads`` and ``runtime`` as ``--device``, ``--threads``
    and ``--runtime`` on the command line. Errors are :class:`ttscli.errors.TtsError` with a
    one-line ``message`` and ``hint``."""
    loaded = engine.load(select(model, voice, lang), device=device, threads=threads, runtime=runtime)
    return Voice(loaded, lang)
