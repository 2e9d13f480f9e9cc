"""The synthesis pipeline: text → segments → backend stream → sink.

Commands call :func:`load` once, then :func:`speak` or :func:`chunks`; nothing
here prints or parses options.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from typing import Any, Iterable, Iterator

from .audio.chunk import AudioChunk, silence
from .backends import registry
from .backends.base import Backend, SynthesisOptions
from .errors import BadInput
from .models import resolve as model_resolve
from .runtime.plan import RuntimePlan, apply_env, plan_for
from .text.segments import Segment

log = logging.getLogger(__name__)


@dataclass
class Loaded:
    backend: Backend
    voice: Any  # what backend.resolve_voice returned
    voice_name: str | None
    load_seconds: float


def load(model_id: str | None, voice: str | None, plan: RuntimePlan | None = None) -> Loaded:
    """Load the model (and a stored voice, when ``voice`` names one).

    A stored voice (clone or blend, see ttscli.voices.cache) brings its own model
    id, used when no --model is given; with another family it is refused.
    """
    from .voices import cache as voice_cache

    started = time.perf_counter()
    stored = voice_cache.load(voice) if voice and voice_cache.exists(voice) else None
    if stored is not None and not model_id:
        model_id = stored.model_id
    elif model_id is None and voice and not model_resolve.default_model_id_from_env():
        from .voices.locate import model_for_voice  # --voice alone picks the model that has it

        model_id = model_for_voice(voice)
    ref = model_resolve.resolve(model_id)
    spec = registry.get(ref.family)
    if stored is not None and stored.family != spec.name:
        raise BadInput(
            f"voice {stored.name!r} was made for {stored.family} models, not {ref.id} ({spec.name})",
            hint=f"use --model {stored.model_id} or omit --model",
        )
    if plan is None:  # --device/--threads arrive through TTSCLI_DEVICE/TTSCLI_THREADS
        plan = plan_for(spec.runtime)
        for warning in plan.warnings:
            log.warning("%s", warning)
    apply_env(plan)  # before the family's module imports its runtime
    log.debug("plan for %s: %s, %d threads (%s)", ref.id, plan.device, plan.threads, plan.reason)
    backend = spec.load(ref, plan=plan)
    resolved = backend.use_stored_voice(stored) if stored is not None else backend.resolve_voice(voice)
    elapsed = time.perf_counter() - started
    log.debug("loaded %s (%s) in %.2fs", ref.id, spec.runtime, elapsed)
    return Loaded(backend, resolved, voice, elapsed)


def segments_for(text: str, backend: Backend, *, sentence_silence: float = 0.0,
                 paragraph_silence: float | None = None) -> list[Segment]:
    from .text.segments import simple_segments

    if paragraph_silence is None:
        paragraph_silence = max(sentence_silence, 0.5)
    segs = simple_segments(text, sentence_silence, paragraph_silence)
    if not any(s.text.strip() or s.phonemes for s in segs):
        raise BadInput("no text to speak", hint="pass text as an argument, with -f FILE, or on stdin")
    if segs and segs[-1].pause_after:  # no trailing silence after the last words
        segs[-1] = replace(segs[-1], pause_after=0.0)
    return segs


def chunks(loaded: Loaded, segments: Iterable[Segment], options: SynthesisOptions) -> Iterator[AudioChunk]:
    """Audio for each segment, followed by its pause; volume applied."""
    backend = loaded.backend
    rate = backend.sample_rate
    for seg, audio in backend.stream_segments(segments, loaded.voice, options):
        for chunk in audio:
            if options.volume != 1.0:
                chunk = AudioChunk(chunk.samples * options.volume, chunk.sample_rate)
            yield chunk
        if seg.pause_after > 0:
            yield silence(seg.pause_after, rate)


def speak(loaded: Loaded, segments: Iterable[Segment], options: SynthesisOptions, sink) -> float:
    """Stream every chunk into ``sink`` (already validated); return seconds of audio."""
    sink.start(loaded.backend.sample_rate)
    for chunk in chunks(loaded, segments, options):
        sink.write(chunk.samples)
    return sink.samples_written / float(loaded.backend.sample_rate)
