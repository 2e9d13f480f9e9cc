"""Spark-TTS voices in the voice cache, and the family's ``voices`` hook (`ttscli voice`).

A stored Spark voice (safetensors, no pickle) holds ``global_tokens`` (int32, 32 codes
of 0-4095: who speaks). A designed voice (``ttscli voice save NAME --voice
"female,high,moderate" -m spark-tts``, kind "design") adds, in its metadata, the
design (``gender=…,pitch=…,speed=…``) and the acoustic prefix the model wrote when
the voice was created, so it speaks every later sentence the same way. A cloned
voice (``ttscli clone``) may add ``semantic_tokens`` (int32, 0-8191) with the
reference's transcript.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ...errors import BadInput, IntegrityError
from . import prompt as fmt

if TYPE_CHECKING:
    import numpy as np

    from ...models.ref import ModelRef
    from ...voices.cache import Voice
    from .backend import SparkVoice


def _codes(voice: "Voice", key: str, limit: int, length: int | None = None) -> "np.ndarray":
    import numpy as np

    codes = np.asarray(voice.tensors.get(key, np.zeros(0, np.int32))).reshape(-1)
    bad = codes.size == 0 or not np.issubdtype(codes.dtype, np.integer) or codes.min() < 0 or codes.max() >= limit
    if bad or (length is not None and codes.size != length):
        size = f"{length} " if length else ""
        raise IntegrityError(f"voice {voice.name!r} holds no valid BiCodec {key} ({size}integers 0-{limit - 1})",
                             hint="create the voice again")
    return codes.astype(np.int32)


def stored_voice(voice: "Voice", token_num: int) -> "SparkVoice":
    import numpy as np

    from .backend import SparkVoice

    globals_ = _codes(voice, "global_tokens", fmt.GLOBAL_CODES, token_num)
    if voice.kind == "design":
        prefix = voice.meta.get("prefix")
        if not isinstance(prefix, list) or not prefix or not all(fmt.special(p) for p in prefix):
            raise IntegrityError(f"voice {voice.name!r} has no acoustic prefix", hint="save the designed voice again")
        design = fmt.parse_design(str(voice.meta.get("design") or ""))
        return SparkVoice(voice.name, globals_, design=design, prefix=tuple(prefix))
    transcript = str(voice.meta.get("transcript") or "") or None
    semantic = _codes(voice, "semantic_tokens", fmt.SEMANTIC_CODES) if "semantic_tokens" in voice.tensors else None
    return SparkVoice(voice.name, globals_, transcript=transcript if semantic is not None else None,
                      semantic=semantic if semantic is not None else np.zeros(0, np.int32))


class DesignVoices:
    """The ``voices`` hook: the two base designs as stock rows, and designs saved as voices."""

    family = "spark"

    def stock_rows(self, ref: "ModelRef") -> list[dict]:
        from .backend import STOCK

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
