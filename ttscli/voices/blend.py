"""Voice blends: ``--voice "af_sarah:60,am_adam:40"``.

A blend is a weighted average of style tables of one model family (the
kokoro-tts CLI's syntax). Weights are relative: 60/40, 3/2 and 0.6/0.4 are
the same blend, and a list without weights is an even mix.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Sequence

from ..errors import BadInput, UsageError

if TYPE_CHECKING:
    import numpy as np


@dataclass(frozen=True)
class Part:
    name: str
    weight: float  # after normalise(): a fraction, all parts summing to 1


def is_blend(spec: str) -> bool:
    return "," in spec or ":" in spec


def parse(spec: str) -> list[Part]:
    """``"a:60,b:40"`` → [Part(a, 0.6), Part(b, 0.4)] (weights normalised)."""
    items = [item.strip() for item in spec.split(",")]
    if not spec.strip() or any(not item for item in items):
        raise UsageError(f"empty voice in {spec!r}", hint='write a blend as "voice_a:60,voice_b:40"')
    parts: list[Part] = []
    weighted = [":" in item for item in items]
    if any(weighted) and not all(weighted):
        raise UsageError(f"voice blend {spec!r} gives weights to some voices only",
                         hint='give every voice a weight ("a:60,b:40") or none ("a,b")')
    for item in items:
        name, _, raw = item.partition(":")
        name = name.strip()
        if not name:
            raise UsageError(f"voice blend {spec!r} has a weight without a voice name")
        weight = 1.0
        if raw:
            try:
                weight = float(raw)
            except ValueError:
                raise UsageError(f"weight {raw!r} of voice {name!r} is not a number",
                                 hint='write a blend as "voice_a:60,voice_b:40"') from None
            if not math.isfinite(weight) or weight <= 0:
                raise UsageError(f"weight of voice {name!r} must be a positive number, not {raw!r}",
                                 hint='weights are shares above 0, e.g. "voice_a:60,voice_b:40"')
        elif weighted[0]:
            raise UsageError(f"voice {name!r} in {spec!r} has an empty weight",
                             hint='write a blend as "voice_a:60,voice_b:40"')
        if any(p.name == name for p in parts):
            raise UsageError(f"voice {name!r} appears twice in {spec!r}", hint="list each voice once")
        parts.append(Part(name, weight))
    return normalise(parts)


def normalise(parts: Sequence[Part]) -> list[Part]:
    total = sum(p.weight for p in parts)
    return [Part(p.name, p.weight / total) for p in parts]


def canonical(parts: Sequence[Part]) -> str:
    """The blend as a spec with percentages: ``af_sarah:60,am_adam:40``."""
    return ",".join(f"{p.name}:{round(p.weight * 100, 2):g}" for p in parts)


def mix(styles: Sequence["np.ndarray"], weights: Sequence[float]) -> "np.ndarray":
    """Weighted sum of style tables with the same shape (weights already normalised)."""
    import numpy as np

    shapes = {s.shape for s in styles}
    if len(shapes) != 1:
        raise BadInput(f"voices to blend have different shapes {sorted(shapes)}",
                       hint="blend voices of one model")
    out = np.zeros(styles[0].shape, dtype=np.float64)
    for style, weight in zip(styles, weights):
        out += float(weight) * style.astype(np.float64)
    return out.astype(np.float32)
