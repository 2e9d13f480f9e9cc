"""One table of voice encoders, one per model family that can be cloned into.

An encoder turns the conditioned reference clip (at its ``sample_rate``, at
most ``max_seconds`` long) and, when ``needs_transcript``, its words, into the
tensors that family's backend reads back through ``use_stored_voice``. Bump
``version`` whenever the same input would give a different voice: it is part
of the cache key, so old clones are recomputed instead of reused.
"""

from __future__ import annotations

import importlib
import importlib.util
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..errors import NotFound, RuntimeFailure

if TYPE_CHECKING:
    import numpy as np

    from ..models.ref import ModelRef
    from ..runtime.plan import RuntimePlan
    from .conditioning import Clip


@dataclass
class EncodeJob:
    clip: "Clip"
    transcript: str | None
    model: "ModelRef"
    plan: "RuntimePlan"
    steps: int | None = None  # search budget (families that search)
    progress: Callable[..., None] | None = None
    seed: int = 0


@dataclass
class Encoded:
    tensors: dict[str, "np.ndarray"]
    meta: dict[str, Any] = field(default_factory=dict)  # family-specific facts for the voice file


@dataclass(frozen=True)
class EncoderSpec:
    family: str
    version: str
    sample_rate: int  # rate the reference is conditioned to
    max_seconds: float  # longer references are cut to their best window of this length
    needs_transcript: bool
    encode: str  # "module:function" (EncodeJob) -> Encoded
    requires: tuple[str, ...]  # importable modules the encoder needs
    install: str  # the command that installs them
    default_steps: int | None = None  # families whose encoder searches (--steps)
    settings: tuple[str, ...] = ()  # job fields that change the result (cache key)
    runtime: str = "torch"  # whose runtime plan (threads, device) the encoder runs under
    adapt: str | None = None  # "module:function" (ModelRef, EncoderSpec) -> EncoderSpec for that model

    def for_model(self, model: "ModelRef") -> "EncoderSpec":
        """This spec as it applies to ``model``: families whose packages differ (sherpa-onnx
        holds Pocket TTS and ZipVoice) take the rate and transcript need from the model's files,
        and refuse models of the family that cannot clone."""
        return _call(self.adapt)(model, self) if self.adapt else self

    def available(self) -> bool:
        return all(importlib.util.find_spec(m) is not None for m in self.requires)

    def check_available(self) -> None:
        missing = [m for m in self.requires if importlib.util.find_spec(m) is None]
        if missing:
            raise RuntimeFailure(f"cloning {self.family} voices needs {', '.join(missing)}, which is not installed",
                                 hint=self.install)

    def run(self, job: EncodeJob) -> Encoded:
        return _call(self.encode)(job)


def _call(target: str) -> Callable[..., Any]:
    module, _, attr = target.partition(":")
    return getattr(importlib.import_module(module), attr)


ENCODERS: dict[str, EncoderSpec] = {
    spec.family: spec
    for spec in (
        EncoderSpec("neutts", "neucodec-1", 16000, 15.0, True, "ttscli.clone.neutts_encoder:encode",
                    ("torch", "neucodec"), 'pip install -e ".[torch]" neucodec'),
        EncoderSpec("pocket-tts", "pocket-state-1", 24000, 30.0, False, "ttscli.clone.pocket_encoder:encode",
                    ("torch", "pocket_tts"), 'pip install -e ".[pocket]"'),
        EncoderSpec("kokoro", "kokoro-match-1", 16000, 30.0, False, "ttscli.clone.kokoro_match:encode",
                    ("torch", "resemblyzer"), 'pip install -e ".[torch]"', default_steps=40,
                    settings=("steps",)),
        # sherpa-onnx zero-shot packages read the processed reference audio itself (Pocket TTS
        # encodes it in the engine; ZipVoice also needs its transcript): rate, length and
        # transcript need come from the model (ttscli.clone.sherpa_reference.adapt).
        EncoderSpec("sherpa", "sherpa-reference-1", 24000, 30.0, False, "ttscli.clone.sherpa_reference:encode",
                    ("sherpa_onnx",), 'pip install -e ".[sherpa]"', runtime="sherpa-onnx",
                    adapt="ttscli.clone.sherpa_reference:adapt"),
    )
}


def for_family(family: str) -> EncoderSpec:
    if family not in ENCODERS:
        raise NotFound(f"{family} models cannot clone voices",
                       hint=f"clone with a model of these families: {', '.join(ENCODERS)}")
    return ENCODERS[family]
