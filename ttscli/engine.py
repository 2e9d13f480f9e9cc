"""The synthesis pipeline: selection → load; request → segments → backend stream → sink.

Front ends resolve a :class:`~ttscli.selection.Selection` (``selection.select``), :func:`load` it
once, then turn each :class:`~ttscli.request.Request` into :func:`segments` and :func:`speak` or
:func:`chunks` them; the public Python API (``ttscli.api``) wraps exactly this. Nothing here
prints or parses options.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from .audio.chunk import AudioChunk, silence
from .backends.base import Backend, SynthesisOptions
from .errors import BadInput
from .runtime.plan import RuntimePlan, apply_env
from .runtime.planners import plan_for
from .selection import Selection, select
from .text.segments import Segment

if TYPE_CHECKING:
    from .request import Request

log = logging.getLogger(__name__)


@dataclass
class Loaded:
    backend: Backend
    voice: Any  # what backend.resolve_voice / use_stored_voice returned
    voice_name: str | None
    load_seconds: float
    selection: Selection | None = None


def load(selection: Selection | str | None = None, voice: str | None = None, plan: RuntimePlan | None = None,
         runtime: str | None = None, *, device: str | None = None, threads: int | None = None) -> Loaded:
    """Load the model of ``selection`` (or of ``select(model_id, voice)`` when given ids) and its voice.

    ``runtime`` overrides the global --runtime choice (see ttscli.runtime.select); ``device`` and
    ``threads`` the global --device/--threads (TTSCLI_DEVICE/TTSCLI_THREADS) when no ``plan`` is given.
    """
    from .runtime import select as runtime_select

    started = time.perf_counter()
    if not isinstance(selection, Selection):
        selection = select(selection, voice)
    ref, spec = selection.ref, selection.spec
    chosen = runtime_select.choose(spec, runtime)  # --runtime arrives through TTSCLI_RUNTIME
    if plan is None:  # --device/--threads arrive through TTSCLI_DEVICE/TTSCLI_THREADS
        plan = plan_for(chosen, device=device, threads=threads)
        for warning in plan.warnings:
            log.warning("%s", warning)
    apply_env(plan)  # before the family's module imports its runtime
    log.debug("plan for %s: %s, %d threads (%s)", ref.id, plan.device, plan.threads, plan.reason)
    backend = spec.load(ref, runtime=chosen, plan=plan)
    _check_sample_rate(backend, ref.id)
    resolved = voice_for(backend, selection.voice, stored=selection.stored is not None)
    elapsed = time.perf_counter() - started
    log.debug("loaded %s (%s) in %.2fs", ref.id, chosen, elapsed)
    return Loaded(backend, resolved, selection.voice, elapsed, selection)


def voice_for(backend: Backend, name: str | None, stored: bool | None = None) -> Any:
    """What ``backend.stream`` takes for the voice ``name``: a stored voice (clone or blend, of the
    backend's family only) or one of the model's own. ``stored``: whether ``name`` is a stored
    voice, when the caller knows (None: look)."""
    from .voices import cache as voice_cache

    if stored is None:
        stored = bool(name) and voice_cache.exists(name)
    if not stored or not name:
        return backend.resolve_voice(name)
    voice = voice_cache.load(name)
    if voice.family != backend.family:
        raise BadInput(f"voice {name!r} was made for {voice.family} models, not {backend.model.id}",
                       hint=f"use --model {voice.model_id} or omit --model")
    return backend.use_stored_voice(voice)


MIN_RATE, MAX_RATE = 1000, 384000


def _check_sample_rate(backend: Backend, model_id: str) -> None:
    """A model whose config gives a zero, negative or absurd sample rate is refused at load
    (exit 7), not after synthesis when the output cannot be written."""
    from .errors import IntegrityError

    import operator

    rate = getattr(backend, "sample_rate", None)
    try:
        ok = not isinstance(rate, bool) and MIN_RATE <= operator.index(rate) <= MAX_RATE
    except TypeError:  # a float or None
        ok = False
    if not ok:
        raise IntegrityError(f"model {model_id} declares the sample rate {rate!r}, which no audio can have",
                             hint=f"fix its config (a rate from {MIN_RATE} to {MAX_RATE} Hz) or pull it again")


def segments(request: Request, target: Loaded | Selection | Backend) -> Iterator[Segment]:
    """Normalized segments of ``request.text`` for a loaded model (or a bare backend, with its
    default voice), or for a selection alone (a dry run: nothing heavier than the model's config
    is read). Lazy; BadInput at once if there is nothing to say. The language is the request's,
    else the voice's, else the model's."""
    from .text import scripts
    from .text.frontend import FrontEndOptions, prepare

    if isinstance(target, Selection):
        profile, languages = target.profile, target.model_languages
    else:
        backend, voice = (target, None) if isinstance(target, Backend) else (target.backend, target.voice_name)
        profile = backend.text_profile(voice)
        info = getattr(getattr(backend, "model", None), "info", None) or {}
        languages = [str(code) for code in info.get("languages") or []]
    front = FrontEndOptions.of(request.text_options, lang=request.lang or profile.language,
                               keep_tags=profile.keep_tags,
                               drop_other_scripts=all(scripts.applies(code) for code in languages))
    return prepare(request.text, profile.budget, front)


def chunks(loaded: Loaded, segments: Iterable[Segment], options: SynthesisOptions,
           timings=None) -> Iterator[AudioChunk]:
    """Audio for each segment, followed by its pause; volume applied.

    ``timings`` (a ttscli.timing.collector.Collector) is told each segment and chunk.
    """
    backend = loaded.backend
    rate = backend.sample_rate
    for seg, audio in backend.stream_segments(segments, loaded.voice, options):
        if timings is not None:
            timings.segment(seg)
        for chunk in audio:
            if options.volume != 1.0:
                chunk = AudioChunk(chunk.samples * options.volume, chunk.sample_rate, chunk.words)
            if timings is not None:
                timings.chunk(chunk)
            yield chunk
        if seg.pause_after > 0:
            pause = silence(seg.pause_after, rate)
            if timings is not None:
                timings.chunk(pause, speech=False)
            yield pause


def speak(loaded: Loaded, segments: Iterable[Segment], options: SynthesisOptions, sink, timings=None) -> float:
    """Stream every chunk into ``sink`` (already validated); return seconds of audio."""
    sink.start(loaded.backend.sample_rate)
    for chunk in chunks(loaded, segments, options, timings):
        sink.write(chunk.samples)
    return sink.samples_written / float(loaded.backend.sample_rate)
