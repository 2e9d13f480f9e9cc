"""Piper's own synthesis options (``Request.family`` / ``FamilySpec.options``)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PiperOptions:
    """The voice's VITS noise; None keeps the value in its .onnx.json."""

    noise_scale: float | None = None  # variation of the voice (0.667 in most voices)
    noise_w: float | None = None  # variation of phoneme durations (0.8 in most voices)
