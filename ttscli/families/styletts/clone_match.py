"""Kokoro "cloning" by voice matching: no encoder exists, so search for one.

Kokoro-82M has no reference encoder: a voice is a 510×256 style table
(one 256-vector per input length). Its stock voicepacks span a space of
timbres, though, so we search that space (blends of every installed Kokoro
voicepack plus bounded perturbations, see ``search``) for the table whose
speech a speaker encoder (Resemblyzer) finds closest to the reference. Each
candidate is rendered by the real Kokoro model on a fixed phrase and scored by
cosine similarity to the reference's speaker vector; ``--steps`` bounds the
number of candidates after the stock voices. The result is an ordinary style
table, stored in the voice cache and read back by the Kokoro backend.
"""

from __future__ import annotations

import logging

import numpy as np

from ...backends.encoders import Encoded, EncodeJob
from ...audio.speaker import SpeakerEncoder, cosine
from ...errors import NotFound
from ...models.ref import ModelRef

log = logging.getLogger(__name__)

# Rendered for every candidate: ordinary words with varied vowels and consonants,
# about three seconds of speech (enough for Resemblyzer's 1.6 s partial windows).
PHRASES = ("Every morning she walked to the river and watched the boats go by.",)
LANGUAGE = "en-us"


def _stock_voices(backend, model: ModelRef) -> dict[str, np.ndarray]:
    """The model's own voicepacks, then those of every other installed Kokoro model
    whose tables have the same shape (Kokoro v1.0 voices work with any v1.0 export)."""
    from ...models import resolve
    from . import backend as styletts

    stock = {name: backend.bank.style(name) for name in backend.bank.names()}
    shape = next(iter(stock.values())).shape if stock else None
    for ref in resolve.installed().values():
        if ref.family != "kokoro" or ref.id == model.id:
            continue
        try:
            bank = styletts.open_voices(ref).bank
        except Exception as exc:  # noqa: BLE001 - one broken model must not stop the search
            log.debug("skipping the voices of %s (%s)", ref.id, exc)
            continue
        for name in bank.names():
            if name not in stock:
                table = bank.style(name)
                if shape is None or table.shape == shape:
                    stock[name] = table
    if not stock:
        raise NotFound(f"{model.id} has no voicepacks to match against", hint="pull a Kokoro model")
    return stock


class Renderer:
    """Speech for a style table: the real Kokoro model on the fixed phrases."""

    def __init__(self, backend, phrases: tuple[str, ...] = PHRASES, language: str = LANGUAGE):
        from ...voices.blend import Part

        self.backend = backend
        self.language = language
        self.texts = phrases
        self.ids = [backend.tokenize(backend.phonemize(text, language)) for text in phrases]
        self._part = (Part(backend.bank.names()[0], 1.0),)

    def __call__(self, style: np.ndarray) -> np.ndarray:
        from .voices import StyleVoice

        voice = StyleVoice("candidate", np.asarray(style, dtype=np.float32), self.language, self._part)
        audio = [self.backend.run(ids, voice, 1.0, text, seed=0) for ids, text in zip(self.ids, self.texts)]
        return np.concatenate(audio) if audio else np.zeros(0, dtype=np.float32)


def encode(job: EncodeJob) -> Encoded:
    from ...backends import registry
    from ...runtime.plan import apply_env
    from ...runtime.planners import plan_for
    from .clone_search import search

    plan = plan_for("onnxruntime")
    apply_env(plan)
    backend = registry.get("kokoro").load(job.model, plan=plan)
    stock = _stock_voices(backend, job.model)
    speaker = SpeakerEncoder(threads=job.plan.threads or None)
    target = speaker.embed(job.clip.samples, job.clip.sample_rate)
    render = Renderer(backend)
    rate = backend.sample_rate

    def score(style: np.ndarray) -> float:
        audio = render(style)
        return cosine(target, speaker.embed(audio, rate)) if audio.size else -1.0

    steps = 0 if job.steps is None else job.steps
    result = search(stock, score, steps, seed=job.seed, progress=job.progress)
    best_name, best_score = result.best_stock
    log.info("voice match: similarity %.3f after %d candidates (best stock voice %s: %.3f)",
             result.score, result.evaluations, best_name, best_score)
    weights = {k: round(v, 4) for k, v in sorted(result.weights.items(), key=lambda kv: -kv[1]) if v >= 1e-4}
    return Encoded(
        tensors={"style": result.style.reshape(-1, 256).astype(np.float32)},
        meta={
            "method": "kokoro-voice-match",
            "language": LANGUAGE,
            "similarity": round(result.score, 4),
            "best_stock": {"voice": best_name, "similarity": round(best_score, 4)},
            "stock_voices": len(stock),
            "candidates": result.evaluations,
            "weights": weights,
            "offsets": [round(c, 4) for c in result.offsets],
            "speaker_encoder": "resemblyzer",
        },
    )
