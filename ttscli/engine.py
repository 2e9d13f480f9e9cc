"""The synthesis pipeline: text → segments → backend stream → sink.

Commands call :func:`load` once, then :func:`speak` or :func:`chunks`; nothing
here prints or parses options.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Iterable, Iterator

from .audio.chunk import AudioChunk, silence
from .backends import registry
from .backends.base import Backend, SynthesisOptions
from .errors import BadInput
from .models import resolve as model_resolve
from .runtime.plan import RuntimePlan, apply_env
from .runtime.planners import plan_for
from .text.segments import Segment

if TYPE_CHECKING:
    from .text.options import TextOptions

log = logging.getLogger(__name__)


@dataclass
class Loaded:
    backend: Backend
    voice: Any  # what backend.resolve_voice returned
    voice_name: str | None
    load_seconds: float


def _model_for_voice(model_id: str | None, voice: str | None) -> str | None:
    """Without --model (and TTSCLI_MODEL), a voice, blend or preset picks the installed model that has it."""
    if model_id or not voice or model_resolve.default_model_id_from_env():
        return model_id
    from .errors import NotFound
    from .voices.locate import missing_model_hint, model_for_voice

    found = model_for_voice(voice)
    if found is None:
        missing = missing_model_hint(voice)
        if missing is not None:
            raise NotFound(missing[0], hint=missing[1])
    return found


def load(model_id: str | None, voice: str | None, plan: RuntimePlan | None = None,
         runtime: str | None = None) -> Loaded:
    """Load the model (and a stored voice, when ``voice`` names one).

    A stored voice (clone or blend, see ttscli.voices.cache) brings its own model
    id, used when no --model is given; with another family it is refused.
    ``runtime`` overrides the global --runtime choice (see ttscli.runtime.select).
    """
    from .runtime import select as runtime_select
    from .voices import cache as voice_cache

    started = time.perf_counter()
    stored = voice_cache.load(voice) if voice and voice_cache.exists(voice) else None
    if stored is not None and not model_id:
        model_id = stored.model_id
    else:
        model_id = _model_for_voice(model_id, voice)
    ref = model_resolve.resolve(model_id)
    spec = registry.get(ref.family)
    if stored is not None and stored.family != spec.name:
        raise BadInput(
            f"voice {stored.name!r} was made for {stored.family} models, not {ref.id} ({spec.name})",
            hint=f"use --model {stored.model_id} or omit --model",
        )
    chosen = runtime_select.choose(spec, runtime)  # --runtime arrives through TTSCLI_RUNTIME
    if plan is None:  # --device/--threads arrive through TTSCLI_DEVICE/TTSCLI_THREADS
        plan = plan_for(chosen)
        for warning in plan.warnings:
            log.warning("%s", warning)
    apply_env(plan)  # before the family's module imports its runtime
    log.debug("plan for %s: %s, %d threads (%s)", ref.id, plan.device, plan.threads, plan.reason)
    backend = spec.load(ref, runtime=chosen, plan=plan)
    _check_sample_rate(backend, ref.id)
    resolved = backend.use_stored_voice(stored) if stored is not None else backend.resolve_voice(voice)
    elapsed = time.perf_counter() - started
    log.debug("loaded %s (%s) in %.2fs", ref.id, chosen, elapsed)
    return Loaded(backend, resolved, voice, elapsed)


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


def text_profile(model_id: str | None, voice: str | None = None):
    """(ModelRef, TextProfile) of a model without loading its runtime (for --dry-run).

    Families give their language and budget through ``FamilySpec.profile``; for
    one that does not, the catalog's first language and a per-sentence budget
    are assumed.
    """
    from .text.segments import Budget, TextProfile
    from .voices import cache as voice_cache

    if voice and not model_id and voice_cache.exists(voice):  # a stored voice names its model
        model_id = str(voice_cache.read_meta(voice_cache.path_for(voice)).get("model_id") or "") or None
    model_id = _model_for_voice(model_id, voice)
    ref = model_resolve.resolve(model_id)
    spec = registry.get(ref.family)
    if spec.profile:
        return ref, spec.text_profile(ref, voice)
    languages = ref.info.get("languages") or [None]
    return ref, TextProfile(languages[0].lower() if languages[0] else None, Budget())


def segments_for(text: str, backend: Backend | None, options: TextOptions | None = None, *,
                 voice: str | None = None, profile=None, model_languages: list[str] | None = None,
                 **fields) -> Iterator[Segment]:
    """Normalized segments for ``backend`` (lazy; BadInput at once if there is nothing to say).

    ``options`` is what the caller asked of the front end (:class:`~ttscli.text.options.TextOptions`);
    its fields may also be given one by one as keywords (``sentence_silence=0.1``).
    The language is ``options.lang`` if given, else the voice's, else the backend's.
    ``profile`` (a TextProfile) stands in for the backend in a dry run, and
    ``model_languages`` for the languages its model lists.
    """
    from .text import scripts
    from .text.frontend import FrontEndOptions, prepare
    from .text.options import TextOptions

    asked = replace(options or TextOptions(), **fields)
    profile = profile or backend.text_profile(voice)
    if model_languages is None:
        info = getattr(getattr(backend, "model", None), "info", None) or {}
        model_languages = list(info.get("languages") or [])
    front = FrontEndOptions(lang=asked.lang or profile.language, sentence_silence=asked.sentence_silence,
                            paragraph_silence=asked.paragraph_silence, date_order=asked.date_order,
                            lexicon=asked.lexicon, keep_tags=profile.keep_tags,
                            drop_other_scripts=all(scripts.applies(code) for code in model_languages))
    return prepare(text, profile.budget, front)


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
