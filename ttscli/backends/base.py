"""The Backend protocol every model family implements.

A backend is loaded once for a model (``FamilySpec.load``), then turns segments
into audio: ``stream(segment, voice, options)`` yields :class:`AudioChunk`s as
soon as they are ready, so sinks can play or pipe the first sentence while the
rest is still being synthesized.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator, TypeVar

if TYPE_CHECKING:
    from ..audio.chunk import AudioChunk
    from ..models.ref import ModelRef
    from ..text.segments import Budget, Segment, TextProfile


@dataclass(frozen=True)
class SynthesisOptions:
    speed: float = 1.0  # 2.0 = twice as fast
    volume: float = 1.0  # linear gain applied by the engine
    seed: int | None = None
    lang: str | None = None  # override the voice's language for the phonemizer
    family: Any = None  # the family's own typed options (FamilySpec.options); None: its defaults


T = TypeVar("T")


def family_options(options: SynthesisOptions, kind: type[T]) -> T:
    """``options.family`` when it is a ``kind`` (a family's options dataclass), ``kind()`` when
    none was given; another family's options are refused (exit 3)."""
    given = options.family
    if given is None:
        return kind()
    if not isinstance(given, kind):
        from ..errors import BadInput

        raise BadInput(f"{type(given).__name__} options do not apply to this model (it takes {kind.__name__})",
                       hint=f"pass {kind.__name__}(...) or no family options")
    return given


@dataclass(frozen=True)
class VoiceInfo:
    name: str
    language: str | None = None
    gender: str | None = None
    description: str = ""


class Backend:
    """Base class with the shared surface; families override what they need."""

    family: str = ""
    sample_rate: int = 0
    budget: "Budget"
    language: str | None = None  # the voice's language, e.g. "en-us"
    # Where word timings come from: "model" (chunks carry their words' sample spans from the
    # graph's own durations, see ttscli.timing.groups) or "aligned" (Whisper on the audio).
    timings: str = "aligned"

    def voices(self) -> list[VoiceInfo]:
        return []

    def resolve_voice(self, name: str | None) -> Any:
        """Turn a user voice name (or None for the default) into what stream() takes."""
        if name:
            from ..errors import NotFound

            raise NotFound(f"model {self.model.id} has no voice {name!r}", hint="see `ttscli show MODEL`")
        return None

    def text_profile(self, voice: str | None = None) -> "TextProfile":
        """Language and budget for the front end; the voice's language wins when it has one."""
        from ..text.segments import TextProfile

        language = self.language
        if voice:
            language = next((v.language for v in self.voices() if v.name == voice and v.language), language)
        return TextProfile(language, self.budget)

    def use_stored_voice(self, voice: Any) -> Any:
        """Turn a stored voice (ttscli.voices.cache.Voice) into what stream() takes."""
        from ..errors import BadInput

        raise BadInput(f"{self.family} models cannot use stored voices such as {voice.name!r}")

    def stream(self, segment: "Segment", voice: Any, options: SynthesisOptions) -> Iterator["AudioChunk"]:
        raise NotImplementedError

    def stream_segments(self, segments: Iterable["Segment"], voice: Any, options: SynthesisOptions
                        ) -> Iterator[tuple["Segment", Iterator["AudioChunk"]]]:
        """Each segment with its audio, in order; with ``workers() > 1`` the next
        segments are computed ahead in threads (see :mod:`.lookahead`)."""
        workers = self.workers()
        if workers > 1:
            from .lookahead import in_order

            yield from in_order(segments, lambda seg: list(self.stream(seg, voice, options)), workers, self.queued())
            return
        for seg in segments:
            yield seg, (iter(()) if seg.is_silence else self.stream(seg, voice, options))

    def workers(self) -> int:
        """Segments synthesized at once (1: in the caller's thread, streaming chunk by chunk)."""
        return 1

    def queued(self) -> int:
        """Segments handed to the look-ahead workers ahead of the one being delivered."""
        return self.workers()

    def interrupt(self) -> None:
        """Cut the synthesis in progress short, from another thread: its model runs raise
        ``errors.RunStopped`` as soon as the runtime can stop them (between graph nodes for
        onnxruntime). Families whose runtime cannot stop a run mid-way keep this no-op; their
        callers stop between chunks, as before."""

    def close(self) -> None:
        pass

    model: "ModelRef"
