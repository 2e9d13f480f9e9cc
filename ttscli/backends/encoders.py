"""How a model family clones voices: its :class:`EncoderSpec` (``FamilySpec.clone``).

An encoder turns the conditioned reference clip (at its ``sample_rate``, at
most ``max_seconds`` long) and, when ``needs_transcript``, its words, into the
tensors that family's backend reads back through ``use_stored_voice``. Bump
``version`` whenever the same input would give a different voice: it is part
of the cache key, so old clones are recomputed instead of reused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable

from ..errors import NotFound, RuntimeFailure
from ..optional import importable, install_command
from .registry import resolve_target

if TYPE_CHECKING:
    import numpy as np

    from ..models.ref import ModelRef
    from ..runtime.plan import RuntimePlan


@dataclass
class Clip:
    """The conditioned reference an encoder receives (made by ``ttscli.clone.conditioning``)."""

    samples: "np.ndarray"  # mono float32 at sample_rate
    sample_rate: int
    notes: list[str] = field(default_factory=list)  # what was done, for the user
    window: tuple[float, float] | None = None  # (start, end) seconds of the joined audio, when cut
    clipped: float = 0.0  # largest fraction of clipped samples in any file

    @property
    def seconds(self) -> float:
        return len(self.samples) / float(self.sample_rate)


@dataclass
class EncodeJob:
    clip: Clip
    transcript: str | None
    model: "ModelRef"
    plan: "RuntimePlan"
    steps: int | None = None  # search budget (families that search; None: the quality's)
    progress: Callable[..., None] | None = None
    seed: int = 0
    quality: str = "fast"  # families that search: "fast" or "best"
    listen: Callable[["np.ndarray", int, str], float] | None = None  # WER of speech vs its text (Whisper)


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
    extras: tuple[str, ...] = ()  # the pip extras of this checkout that install them
    packages: tuple[str, ...] = ()  # packages no extra installs
    settings: tuple[str, ...] = ()  # job fields that change the result (cache key); "steps": it searches
    runtime: str = "torch"  # whose runtime plan (threads, device) the encoder runs under
    adapt: str | None = None  # "module:function" (ModelRef, EncoderSpec) -> EncoderSpec for that model

    def for_model(self, model: "ModelRef") -> "EncoderSpec":
        """This spec as it applies to ``model``: families whose packages differ (sherpa-onnx
        holds Pocket TTS and ZipVoice) take the rate and transcript need from the model's files,
        and refuse models of the family that cannot clone."""
        return resolve_target(self.adapt)(model, self) if self.adapt else self

    @property
    def install(self) -> str:
        return install_command(*self.extras, packages=self.packages)

    def available(self) -> bool:
        return all(importable(m) for m in self.requires)

    def check_available(self) -> None:
        missing = [m for m in self.requires if not importable(m)]
        if missing:
            raise RuntimeFailure(f"cloning {self.family} voices needs {', '.join(missing)}, which is not installed",
                                 hint=self.install)

    def run(self, job: EncodeJob) -> Encoded:
        return resolve_target(self.encode)(job)


def for_family(family: str) -> EncoderSpec:
    from . import registry

    encoders = registry.cloneable()
    if family not in encoders:
        raise NotFound(f"{family} models cannot clone voices",
                       hint=f"clone with a model of these families: {', '.join(encoders)}")
    return encoders[family]
