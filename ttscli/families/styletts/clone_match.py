"""Kokoro cloning: fit a style table to the reference's voice, select on held-back audio.

Kokoro-82M has no reference encoder: a voice is a 510×256 style table (one
256-vector per input length). So we fit one: the real Kokoro model speaks short
fixed phrases and a speaker encoder (Resemblyzer) turns the speech into a
speaker vector, compared with the reference's. Every stock voice speaks every
phrase; the closest to the reference is the start. Then (``clone_grad``) the
timbre half of its table moves by gradient descent through the decoder run in
torch (``kokoro_torch``), with the speaker encoder in the loop. A graph that
cannot be run that way (another export) gets the gradient-free walk
(``clone_search``) instead.

The reference is split first (``audio.holdout``): the fit uses one part; the
voice kept is the checkpoint closest to the other, held-back part. Then an
intelligibility guard: Whisper tiny.en must understand the clone on a fixed
text set as well as the stock voice it started from (WER at most 0.02 higher),
else the next voice is tried, and at worst the stock voice is kept. The result
is an ordinary style table in the voice cache.
"""

from __future__ import annotations

import logging
from dataclasses import replace

import numpy as np

from ...backends.encoders import Encoded, EncodeJob
from ...audio.speaker import SpeakerEncoder
from ...errors import NotFound
from ...models.ref import ModelRef

log = logging.getLogger(__name__)

# Spoken by the candidates: short sentences (about 2 s each; Resemblyzer's windows are 1.6 s) with
# varied vowels and consonants. Every stock voice speaks all of them; each walk candidate speaks one,
# in turn, so no one text's pull on the speaker vector is what the search fits (docs/voices.md).
PHRASES = (
    "Every morning she walked to the river.",
    "Is it far from here to the big red barn?",
    "My brother found a shiny coin on the beach.",
)
LANGUAGE = "en-us"
GUARD_TRIES = 3  # voices of the path checked by Whisper before falling back to the stock voice
WER_MARGIN = 0.02  # a clone may be this much harder to understand than its stock voice, no more
# The intelligibility check's text: ordinary sentences with a spread of vowels, stops and
# fricatives, none the search phrase; 56 words, so the 0.02 margin allows one misheard word
# (with 33 words it allowed none, and one word that Whisper heard wrongly rejected a voice).
GUARD_TEXTS = (
    "The old man carried a basket of apples up the narrow hill.",
    "Please remember to close the window before you leave tonight.",
    "She bought six fresh loaves of bread at the market on Thursday.",
    "We watched the yellow kite climb above the quiet village green.",
    "Thank you for the lovely letter you sent me last spring.",
)


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
    """Speech for a style table: the real Kokoro model on fixed texts (the one place we synthesize)."""

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


def _budget(job: EncodeJob, quality: dict):
    budget = quality[job.quality]
    if job.steps is not None:
        fields = {"steps": job.steps}
        if hasattr(budget, "patience"):
            fields["patience"] = max(job.steps // 2, min(budget.patience, job.steps))
        budget = replace(budget, **fields)
    return budget


def _timbre_decoder(backend):
    """The decoder in torch (for the gradient), or None when this graph cannot be run so."""
    try:
        from .kokoro_torch import TimbreDecoder

        return TimbreDecoder(str(backend.files.model), threads=max(1, backend.plan.threads or 1))
    except (NotImplementedError, ImportError, KeyError, ValueError) as exc:
        log.info("the gradient needs the Kokoro v1.0 graph (%s): searching without it", exc)
        return None


def _guard(result, backend, listen, progress, done: int, total: int):
    """(chosen step, clone WER, stock WER): the best held-back voice Whisper understands.
    The stock voice the walk started from needs no check (WERs None when it wins outright)."""
    start = result.path[0]
    ranked = result.ranked()
    if ranked[0] is start:
        return start, None, None
    if listen is None:
        log.warning("the clone's intelligibility was not checked: install the asr extra (Whisper tiny.en)")
        return ranked[0], None, None
    speak = Renderer(backend, GUARD_TEXTS)
    text = " ".join(GUARD_TEXTS)
    rate = backend.sample_rate
    stock_wer = listen(speak(result.style_of(start)), rate, text)
    for tried, step in enumerate(ranked[:GUARD_TRIES], 1):
        if step is start:
            return start, stock_wer, stock_wer
        heard = listen(speak(result.style_of(step)), rate, text)
        if progress:
            progress(min(done + tried, total), total, step.score.held, step.score.held, "intelligibility")
        if heard <= stock_wer + WER_MARGIN:
            return step, heard, stock_wer
        log.info("%s: WER %.3f > stock %.3f + %.2f; trying the next voice", step.label, heard, stock_wer, WER_MARGIN)
    log.warning("no searched voice was as intelligible as %s; keeping that stock voice", result.base)
    return start, stock_wer, stock_wer


def _stock_scores(stock: dict, embed, fit_target: np.ndarray, held_target: np.ndarray, tick) -> dict:
    """Score(fit, held) of every stock voice: its mean speaker vector over the phrases."""
    from ...audio.speaker import cosine
    from .clone_search import Score

    scores = {}
    for name, table in stock.items():
        vectors = []
        for phrase in range(len(PHRASES)):
            vectors.append(embed(table, phrase))
            tick(cosine(held_target, np.mean(vectors, axis=0)), name)
        mean = np.mean(vectors, axis=0)
        scores[name] = Score(cosine(fit_target, mean), cosine(held_target, mean))
    return scores


def _climb(job: EncodeJob, backend, stock: dict, renders: list, embed, fit_target, held_target):
    """The gradient fit (clone_grad), or None when the graph cannot be run in torch."""
    from ...audio.speaker import cosine
    from . import clone_grad
    from .clone_search import Score

    decoder = _timbre_decoder(backend)
    if decoder is None:
        return None
    budget = _budget(job, clone_grad.QUALITY)
    checks = -(-max(0, budget.steps) // budget.check)
    total = len(stock) * len(PHRASES) + max(0, budget.steps) + checks + GUARD_TRIES
    state = {"done": 0, "best": float("-inf")}

    def tick(held: float, label: str) -> None:
        state["done"] += 1
        if held == held:  # a step has no measured score (nan): the bar shows the best so far
            state["best"] = max(state["best"], held)
        if job.progress:
            job.progress(state["done"], total, state["best"], held if held == held else state["best"], label)

    stock_scores = _stock_scores(stock, embed, fit_target, held_target, tick)
    base = max(stock_scores, key=lambda name: stock_scores[name].fit)
    table = np.asarray(stock[base], np.float32).reshape(-1, 256)
    rows = [(backend.rules.frame(r.ids[0]), backend.rules.style_row(table.shape[0], len(r.ids[0]), r.texts[0]))
            for r in renders]

    def score(candidate: np.ndarray) -> Score:
        mean = np.mean([embed(candidate, phrase) for phrase in range(len(PHRASES))], axis=0)
        return Score(cosine(fit_target, mean), cosine(held_target, mean))

    result = clone_grad.climb(decoder, clone_grad.TorchSpeaker(), rows, stock, base, stock_scores, score,
                              fit_target, budget, seed=job.seed, tick=tick)
    return result, state["done"], total


def _walk(job: EncodeJob, stock: dict, embed, fit_target, held_target):
    from .clone_search import QUALITY, search

    result = search(stock, embed, fit_target, held_target, _budget(job, QUALITY), phrases=len(PHRASES),
                    seed=job.seed, progress=job.progress, extra_steps=GUARD_TRIES)
    return result, result.evaluations, result.evaluations + GUARD_TRIES


def encode(job: EncodeJob) -> Encoded:
    from ...audio import holdout
    from ...backends import registry
    from ...runtime.plan import apply_env
    from ...runtime.planners import plan_for

    plan = plan_for("onnxruntime")
    apply_env(plan)
    backend = registry.get("kokoro").load(job.model, plan=plan)
    stock = _stock_voices(backend, job.model)
    speaker = SpeakerEncoder(threads=1)  # a 2 s clip: a second thread only spins on a busy machine
    parts = holdout.split(job.clip.samples, job.clip.sample_rate)
    fit_target = speaker.embed(parts.fit, parts.rate)
    if parts.held is None:
        log.warning("the reference is too short to hold part of it back (under %.0f s): the similarity "
                    "reported is on the audio the search fitted", 2 * holdout.MIN_PART_SECONDS)
    held_target = fit_target if parts.held is None else speaker.embed(parts.held, parts.rate)
    renders = [Renderer(backend, (phrase,)) for phrase in PHRASES]
    rate = backend.sample_rate

    def embed(style: np.ndarray, phrase: int) -> np.ndarray:
        audio = renders[phrase](style)
        return speaker.embed(audio, rate) if audio.size else np.zeros_like(fit_target)

    climbed = _climb(job, backend, stock, renders, embed, fit_target, held_target)
    result, done, total = climbed if climbed is not None else _walk(job, stock, embed, fit_target, held_target)
    chosen, clone_wer, stock_wer = _guard(result, backend, job.listen, job.progress, done, total)
    if job.progress:
        job.progress(total, total, chosen.score.held, chosen.score.held, "done")
    base = result.stock[result.base]
    log.info("voice match: held-back similarity %.3f (stock %s: %.3f) after %d renders or steps",
             chosen.score.held, result.base, base.held, result.evaluations)
    return Encoded(
        tensors={"style": result.style_of(chosen).reshape(-1, 256).astype(np.float32)},
        meta={
            "method": "kokoro-timbre-gradient" if climbed is not None else "kokoro-style-model-walk",
            "language": LANGUAGE,
            "similarity": round(chosen.score.held, 4),
            "similarity_on": "held-back" if parts.held is not None else "fitted",
            "fit_similarity": round(chosen.score.fit, 4),
            "best_stock": {"voice": result.base, "similarity": round(base.held, 4),
                           "fit_similarity": round(base.fit, 4)},
            "held_back_seconds": round(parts.seconds[1], 2),
            "stock_voices": len(stock),
            "candidates": done,  # renders of the stock voices, then the walk's or the climb's steps and checks
            "phrases": len(PHRASES),
            "stopped_early": result.stopped_early,
            "chosen": chosen.label,
            "style_distance": round(result.distance(chosen), 3),
            "wer": None if clone_wer is None else {"clone": round(clone_wer, 4), "stock": round(stock_wer, 4)},
            "quality": job.quality,
            "seed": job.seed,
            "speaker_encoder": "resemblyzer",
        },
    )
