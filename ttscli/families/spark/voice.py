"""A Spark-TTS voice as the backend uses it, and as it is read back from the voice cache.

A stored Spark voice (safetensors, no pickle) holds ``global_tokens`` (int32, one code per
global token: who speaks). A designed voice (kind "design") adds, in its metadata, the
design and the acoustic prefix the model wrote when the voice was created; a cloned voice
may add ``semantic_tokens`` with the reference's transcript.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ...errors import IntegrityError
from . import prompt as fmt

if TYPE_CHECKING:
    from ...voices.cache import Voice

STOCK = {"female": "a designed voice: female, moderate pitch and speed", "male": "a designed voice: male, moderate "
         "pitch and speed"}


@dataclass
class SparkVoice:
    """What the prompt needs: global tokens, and either a design (with its acoustic
    prefix once created) or a clone's optional transcript and semantic tokens."""

    name: str
    globals_: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))
    design: fmt.Design | None = None
    prefix: tuple[str, ...] = ()  # a designed voice's acoustic prefix, as token texts
    transcript: str | None = None
    semantic: np.ndarray = field(default_factory=lambda: np.zeros(0, np.int32))

    @property
    def ready(self) -> bool:
        return len(self.globals_) > 0 and (self.design is None or bool(self.prefix))


def _codes(voice: "Voice", key: str, limit: int, length: int | None = None) -> np.ndarray:
    codes = np.asarray(voice.tensors.get(key, np.zeros(0, np.int32))).reshape(-1)
    bad = codes.size == 0 or not np.issubdtype(codes.dtype, np.integer) or codes.min() < 0 or codes.max() >= limit
    if bad or (length is not None and codes.size != length):
        size = f"{length} " if length else ""
        raise IntegrityError(f"voice {voice.name!r} holds no valid BiCodec {key} ({size}integers 0-{limit - 1})",
                             hint="create the voice again")
    return codes.astype(np.int32)


def stored_voice(voice: "Voice", token_num: int) -> SparkVoice:
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
