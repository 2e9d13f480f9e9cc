"""The family's ``voices`` hook (`ttscli voice`): the base designs, designs saved as voices.

``ttscli voice save NAME --voice "female,high,moderate" -m spark-tts`` lets the model
create the design once and stores its global tokens (32 codes of 0-4095) and, in the
metadata (kind "design"), the design (``gender=…,pitch=…,speed=…``) and the acoustic
prefix the model wrote, so the voice speaks every later sentence the same way (read back
by :func:`.voice.stored_voice`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import BadInput
from . import prompt as fmt

if TYPE_CHECKING:
    from ...models.ref import ModelRef
    from ...voices.cache import Voice


class DesignVoices:
    """The ``voices`` hook: the two base designs as stock rows, and designs saved as voices."""

    family = "spark"

    def stock_rows(self, ref: "ModelRef") -> list[dict]:
        from .voice import STOCK

        return [{"name": name, "kind": "stock", "family": ref.family, "model": ref.id, "language": None,
                 "gender": name, "details": text} for name, text in STOCK.items()]

    def language(self, voice: str) -> str | None:
        return None

    def claims(self, voice: str) -> bool:
        """A design (``female,high``) names no stored voice: `--voice` alone picks a Spark model."""
        return fmt.is_design(voice)

    def blend(self, ref: "ModelRef", name: str, voice: str) -> "Voice":
        """Create the designed voice ``voice`` with the model and keep what it wrote."""
        from ...backends import registry
        from ...runtime.plan import apply_env
        from ...runtime.planners import plan_for
        from ...voices import cache

        if not fmt.is_design(voice):
            raise BadInput(f"{voice!r} is not a Spark-TTS voice design",
                           hint='write it as "female,high,moderate" (gender, pitch, speed)')
        design = fmt.parse_design(voice)
        spec = registry.get(ref.family)
        plan = plan_for(spec.runtime)
        apply_env(plan)
        backend = spec.load(ref, plan=plan)
        try:
            created = backend.create(backend.resolve_voice(design.spec))
            language = backend.language
        finally:
            backend.close()
        return cache.Voice(
            name=name, family=ref.family, model_id=ref.id, tensors={"global_tokens": created.globals_},
            meta={"kind": "design", "blend": design.spec, "design": design.spec, "prefix": list(created.prefix),
                  "language": language, "revision": ref.revision})


VOICES = DesignVoices()
