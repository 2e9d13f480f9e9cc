"""sherpa-onnx zero-shot voices: the processed reference itself is the voice.

Pocket TTS and ZipVoice packages take reference audio (and, for ZipVoice, its
transcript) through ``GenerationConfig`` on every call; sherpa-onnx encodes it
inside the engine, and Pocket's in-engine cache (``voice_embedding_cache_capacity``,
set by the backend) keeps that encoding for the following sentences. So the
"encoder" here only keeps the conditioned clip from ``clone`` (mono, at the
model's rate, silence trimmed, loudness normalised, cut to the model's window) as
the tensor the backend reads back (``reference_audio``); ``clone`` stores the
rate and transcript in the voice's metadata.

Which package the model is decides the rest (:func:`adapt`): the rate from its
metadata, whether a transcript is needed, how much audio to keep, and a clear
refusal for sherpa models with fixed speakers (VITS, Kokoro, Matcha, Kitten).
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

import numpy as np

from ...backends.encoders import Encoded, EncodeJob, EncoderSpec
from ...errors import NotFound

if TYPE_CHECKING:
    from ...models.ref import ModelRef

# Longest reference kept, per package type. ZipVoice prepends the prompt's features
# to every sentence it generates (cost grows with the prompt) and its transcript must
# match the part kept; Pocket encodes the reference once per voice.
MAX_SECONDS = {"pocket": 30.0, "zipvoice": 15.0}


def adapt(model: "ModelRef", spec: EncoderSpec) -> EncoderSpec:
    """The spec for this sherpa package (its files are checked on the way)."""
    from . import backend as sherpa

    _, facts = sherpa.prepare(model)
    if not facts.needs_reference:
        raise NotFound(f"{model.id} is a sherpa-onnx {facts.kind} model with fixed speakers; it cannot clone voices",
                       hint="clone with a sherpa Pocket TTS or ZipVoice package, e.g. --model sherpa:pocket-tts-int8")
    return dataclasses.replace(spec, sample_rate=facts.sample_rate, needs_transcript=facts.needs_transcript,
                               max_seconds=MAX_SECONDS.get(facts.kind, spec.max_seconds))


def encode(job: EncodeJob) -> Encoded:
    from . import backend as sherpa

    _, facts = sherpa.prepare(job.model)
    samples = np.ascontiguousarray(job.clip.samples, dtype=np.float32)
    return Encoded(tensors={sherpa.REFERENCE_TENSOR: samples},
                   meta={"method": "sherpa-reference-audio", "sherpa_kind": facts.kind})
