"""The sherpa-onnx runtime: any sherpa-format model directory, one backend.

Model types: VITS (Piper, MeloTTS, Coqui, MMS...), Matcha, Kokoro, Kitten,
ZipVoice and Pocket TTS; which files make which type is in
:mod:`.sherpa_layout`, the checks that keep sherpa from ending the process are
in :mod:`.sherpa_checks`, voices and the text front end in
:mod:`.sherpa_frontend`, and the engine (probe, streaming) in
:mod:`.sherpa_engine`.

Zero-shot models (Pocket, ZipVoice) need reference audio on every call: the
``test_wavs/*.wav`` shipped with a package are offered as voices, and stored
voices (ttscli.voices.cache, e.g. from ``ttscli clone``) hold the processed
reference waveform as the tensor ``reference_audio`` (mono float32) with
``sample_rate`` and, for ZipVoice, ``transcript`` in their metadata; the raw
waveform is model-agnostic, so one stored voice serves both models (ZipVoice
refuses it only without a transcript). Pocket's in-engine cache keeps the
encoded reference, so later sentences reuse it.

All package types are one registry family, ``sherpa``; the type is the layout's
``kind``, taken from a catalog entry's ``info["kind"]`` or detected from files.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator

from ...audio.chunk import AudioChunk
from ...backends.base import Backend, SynthesisOptions, VoiceInfo
from ...errors import IntegrityError
from ...models.ref import ModelRef
from ...runtime.plan import RuntimePlan, cpu_plan
from ...text.segments import Budget, Segment, TextProfile
from .checks import ModelFacts, inspect
from .engine import SherpaEngine, probe, provider_for, threads_for
from .frontend import REFERENCE_TENSOR, SherpaFrontEnd, SherpaVoice
from .layout import FAMILY, KINDS, Layout, find_layout, layout_from_roles

log = logging.getLogger(__name__)

RUNTIME = "sherpa-onnx"
POCKET_CACHE_CAPACITY = 16  # encoded references kept by the engine (one per voice in use)

__all__ = ["REFERENCE_TENSOR", "RUNTIME", "SherpaBackend", "engine_spec", "load"]


def engine_spec(layout: Layout, plan: RuntimePlan) -> dict[str, Any]:
    """What the engine config is built from, as plain JSON (shared with the probe child)."""
    return {
        "kind": layout.kind,
        "files": {role: str(path) for role, path in layout.files.items()},
        "lexicon": ",".join(str(p) for p in layout.lexicons),
        "rule_fsts": ",".join(str(p) for p in layout.rule_fsts),
        "num_threads": threads_for(plan),
        "provider": provider_for(plan),
        "cache_capacity": POCKET_CACHE_CAPACITY,
    }


class SherpaBackend(Backend):
    budget = Budget("sentence")

    def __init__(self, model: ModelRef, layout: Layout, facts: ModelFacts, plan: RuntimePlan, *,
                 family: str | None = None, speaker_map: dict[str, int] | None = None):
        self.model = model
        self.family = family or FAMILY
        self.kind = facts.kind
        self.sample_rate = facts.sample_rate
        self.language = language_of(facts)
        self.front = SherpaFrontEnd(model, layout, facts, speaker_map)
        spec = engine_spec(layout, plan)
        checked = probe(spec, self.front.trial(), model.id)
        self.engine = SherpaEngine(spec, model.id)
        reported = (("the load check", int(checked.get("sample_rate", 0))), ("the engine", self.engine.sample_rate))
        for source, rate in reported:
            if rate != facts.sample_rate:
                raise IntegrityError(f"sherpa-onnx reports {rate} Hz for {model.id} ({source}), "
                                     f"its metadata says {facts.sample_rate} Hz", hint="fix the model's metadata")

    def voices(self) -> list[VoiceInfo]:
        return self.front.voices()

    def resolve_voice(self, name: str | None) -> SherpaVoice:
        return self.front.resolve_voice(name)

    def use_stored_voice(self, voice: Any) -> SherpaVoice:
        return self.front.use_stored_voice(voice)

    def stream(self, segment: Segment, voice: SherpaVoice, options: SynthesisOptions) -> Iterator[AudioChunk]:
        fields = self.front.generation_fields(segment, voice or SherpaVoice(), options)
        if fields is None:
            return
        for samples in self.engine.generate(segment.text, fields):
            yield AudioChunk(samples, self.sample_rate)


def prepare(model: ModelRef) -> tuple[Layout, ModelFacts]:
    """Find and check a sherpa model's files (no engine yet): by role when the store recorded
    them (its catalog entry names the kind), else by scanning the directory."""
    root = model.path if model.path.is_dir() else model.path.parent
    kind = model.info.get("kind")
    kind = kind if kind in KINDS else None
    layout = layout_from_roles(root, kind, model.info.get("files") or {}) if kind else None
    layout = layout or find_layout(root, kind)
    return layout, inspect(layout)


_LANGUAGE_CODES = {"english": "en-us", "chinese": "zh", "german": "de", "french": "fr", "spanish": "es",
                   "italian": "it", "portuguese": "pt", "japanese": "ja", "korean": "ko", "russian": "ru"}


def language_of(facts: ModelFacts) -> str | None:
    """The language code for ttscli's text front end: the espeak voice when ttscli phonemizes,
    else the metadata's language (sherpa writes names such as "English"), else English for
    Pocket TTS (its sherpa package is the English model)."""
    if facts.front_end != "text":
        return facts.espeak_voice
    name = facts.language.strip().lower()
    if name:
        return _LANGUAGE_CODES.get(name, name if len(name) <= 5 else None)
    return "en-us" if facts.kind == "pocket" else None


def text_profile(model: ModelRef, voice: str | None = None) -> TextProfile:
    """Registry hook for dry runs: language and budget from the files alone (no engine)."""
    _, facts = prepare(model)
    return TextProfile(language_of(facts), SherpaBackend.budget)


def load(model: ModelRef, plan: RuntimePlan | None = None) -> SherpaBackend:
    """Loader of the ``sherpa`` family (registry): a sherpa-format model package."""
    layout, facts = prepare(model)
    return SherpaBackend(model, layout, facts, plan or cpu_plan(RUNTIME))
