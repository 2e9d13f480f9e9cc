"""The sine family's backend, model, clone encoder and doctor check."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ttscli.audio.chunk import AudioChunk
from ttscli.backends.base import Backend, VoiceInfo
from ttscli.backends.encoders import Encoded
from ttscli.errors import NotFound
from ttscli.models.ref import ModelRef
from ttscli.text.segments import Budget

RATE = 16000
MODEL_ID = "sine:a440"
VOICES = {"a": 440.0, "low": 220.0}


def detect(files: list[str]) -> bool:
    return "sine.model" in files


def models() -> dict[str, ModelRef]:
    path = Path(os.environ["SINE_PLUGIN_HOME"])
    return {MODEL_ID: ModelRef(id=MODEL_ID, family="sine", path=path, source="embedded",
                               info={"languages": ["en-US"], "sample_rate": RATE,
                                     "license": {"code": "MIT", "weights": "none"}, "voices": list(VOICES)})}


def doctor() -> list[str]:
    return [] if (Path(os.environ["SINE_PLUGIN_HOME"]) / "sine.model").exists() else \
        ["the sine model file is missing: create sine.model in $SINE_PLUGIN_HOME"]


class SineBackend(Backend):
    family = "sine"
    sample_rate = RATE
    budget = Budget("chars", 200)
    language = "en-us"

    def __init__(self, model: ModelRef):
        import sine_plugin_dep  # noqa: F401 - the import this family's runtime option probes

        self.model = model

    def voices(self) -> list[VoiceInfo]:
        return [VoiceInfo(name, "en-us") for name in VOICES]

    def resolve_voice(self, name: str | None) -> float:
        if name and name not in VOICES:
            raise NotFound(f"model {self.model.id} has no voice {name!r}")
        return VOICES[name or "a"]

    def use_stored_voice(self, voice) -> float:
        return float(voice.tensors["pitch"][0])

    def stream(self, segment, voice, options):
        for _word in (segment.phonemes or segment.text).split():
            t = np.arange(int(0.1 * RATE / options.speed)) / RATE
            yield AudioChunk((0.3 * np.sin(2 * np.pi * voice * t)).astype(np.float32), RATE)


def load(model: ModelRef, plan=None, **_) -> SineBackend:
    return SineBackend(model)


def encode(job) -> Encoded:
    """The reference's pitch: the strongest frequency of its spectrum."""
    samples = np.asarray(job.clip.samples, dtype=np.float64)
    spectrum = np.abs(np.fft.rfft(samples))
    peak = float(np.fft.rfftfreq(len(samples), 1.0 / job.clip.sample_rate)[int(spectrum[1:].argmax()) + 1])
    return Encoded({"pitch": np.array([peak], dtype=np.float32)}, {"pitch_hz": round(peak, 1)})
