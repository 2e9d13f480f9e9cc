"""Search the whole Kokoro style space for a voice; select it on held-back audio.

A candidate voice is a stock voicepack plus one 256-dim offset added to every
row of the table (Kokoro picks the row by phoneme count, so a shared offset
keeps the rows consistent with each other):

    style = S_base + c · B

``B`` holds ``D`` directions over both halves of the style vector (the
decoder's timbre half ``[:128]`` and the predictor's prosody half ``[128:]``):
first the principal axes of how the stock voices differ, then seeded random
directions restricted to one half each, shaped by the stock voices' per-
dimension spread. The score of a candidate comes from the caller as two
numbers: ``fit`` (similarity to the audio being optimised on) and ``held``
(similarity to audio the search never optimises on).

The optimiser is a (1+1) evolution strategy with the one-fifth success rule
on ``fit`` minus a plausibility penalty (how far the candidate's average style
lies outside the stock voices' cloud, in units of their spread). Every voice
it accepts joins a path; the result is the voice on that path with the best
``held`` score (early stopping), and the walk stops once ``held`` has not
improved for ``patience`` evaluations. Seeded: the same scores give the same
voice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

TIMBRE = slice(0, 128)  # read by the decoder
PROSODY = slice(128, 256)  # read by the duration/pitch predictor
RADIUS = 1.5  # allowed rms z-distance from the stock centre, as a multiple of the farthest stock voice
PENALTY = 0.25  # fitness lost per squared z unit beyond that radius
RESTART = 12  # failures in a row after which the step size goes back to its start
SPREAD_FLOOR = 0.1  # of the median spread: dimensions where the stock voices agree still move a little


@dataclass(frozen=True)
class Budget:
    directions: int
    steps: int
    patience: int
    sigma: float = 0.5


QUALITY = {
    "fast": Budget(directions=16, steps=72, patience=36),
    "best": Budget(directions=40, steps=300, patience=120),
}


@dataclass(frozen=True)
class Score:
    fit: float  # similarity to the audio optimised on
    held: float  # similarity to the held-back audio (never optimised on)


@dataclass(eq=False)
class Step:
    coeffs: np.ndarray
    score: Score
    fitness: float
    label: str
    evaluation: int


@dataclass
class SearchResult:
    style: np.ndarray  # rows × 256 float32: the selected voice
    chosen: Step
    path: list[Step]  # accepted voices in order (the stock start first)
    stock: dict[str, Score]
    base: str  # the stock voice the walk started from (best on `fit`)
    evaluations: int
    stopped_early: bool
    space: "StyleSpace"
    history: list[float] = field(default_factory=list)  # best held-back score after each evaluation

    def style_of(self, step: Step) -> np.ndarray:
        """The table of any voice on the path."""
        return self.space.style(self.space.names.index(self.base), step.coeffs)

    def distance(self, step: Step) -> float:
        """How far the voice's average style lies from the stock centre, in stock spreads."""
        return self.space.z_distance(self.style_of(step).astype(np.float64).mean(axis=0))

    def ranked(self) -> list[Step]:
        """The path's voices, best held-back score first (fallbacks for the intelligibility guard)."""
        return sorted(self.path, key=lambda s: (-s.score.held, s.evaluation))


class StyleSpace:
    """Maps offset coefficients to style tables around the stock voices."""

    def __init__(self, stock: dict[str, np.ndarray], seed: int = 0, directions: int = 16):
        if not stock:
            raise ValueError("no stock voices to search over")
        shapes = {np.asarray(v).shape for v in stock.values()}
        if len(shapes) != 1:
            raise ValueError(f"stock voices have different shapes {sorted(shapes)}")
        self.names = list(stock)
        self.tables = np.stack([np.asarray(stock[n], dtype=np.float64).reshape(-1, 256) for n in self.names])
        means = self.tables.mean(axis=1)  # K×256: each voice's average style
        self.center = means.mean(axis=0)
        spread = means.std(axis=0) if len(self.names) > 1 else np.abs(means[0]) * 0.1
        floor = SPREAD_FLOOR * float(np.median(spread)) + 1e-6
        self.spread = np.maximum(spread, floor)
        stock_z = [self.z_distance(m) for m in means]
        self.radius = RADIUS * max(max(stock_z), 1.0)
        self.directions = self._basis(means, seed, directions)

    def _basis(self, means: np.ndarray, seed: int, count: int) -> np.ndarray:
        axes: list[np.ndarray] = []
        centred = means - self.center
        if len(self.names) > 1:
            _, sing, vt = np.linalg.svd(centred, full_matrices=False)
            for s, v in zip(sing, vt):
                if s > 1e-6 and len(axes) < count:
                    axes.append(v * s / np.sqrt(len(self.names)))
        rng = np.random.default_rng(seed)
        typical = float(np.sqrt(np.mean(np.square(centred / self.spread), axis=1)).mean()) if len(axes) else 1.0
        half = 0
        while len(axes) < count:
            mask = np.zeros(256)
            mask[(TIMBRE, PROSODY)[half % 2]] = 1.0
            half += 1
            v = rng.standard_normal(256) * self.spread * mask
            # as far from the centre (in z units) as a typical stock voice, over the half it moves
            v *= typical * np.sqrt(256 / 128) / np.sqrt(np.mean(np.square(v / self.spread)) * 2)
            axes.append(v)
        return np.stack(axes)

    def z_distance(self, mean_style: np.ndarray) -> float:
        """rms distance of an average style row from the stock centre, in stock spreads."""
        return float(np.sqrt(np.mean(np.square((mean_style - self.center) / self.spread))))

    def offset(self, coeffs: np.ndarray) -> np.ndarray:
        return np.asarray(coeffs, dtype=np.float64) @ self.directions

    def style(self, base: int, coeffs: np.ndarray) -> np.ndarray:
        return (self.tables[base] + self.offset(coeffs)).astype(np.float32)

    def penalty(self, base: int, coeffs: np.ndarray) -> float:
        z = self.z_distance(self.tables[base].mean(axis=0) + self.offset(coeffs))
        return PENALTY * max(0.0, z - self.radius) ** 2


Progress = Callable[[int, int, float, float, str], None]  # step, total, best held, current held, label
Scorer = Callable[[np.ndarray], Score]


def search(stock: dict[str, np.ndarray], score: Scorer, budget: Budget, *, seed: int = 0,
           progress: Progress | None = None, extra_steps: int = 0) -> SearchResult:
    """Score every stock voice, walk from the best (on ``fit``), select on ``held``.

    ``extra_steps`` only widens the progress total (work the caller does afterwards)."""
    space = StyleSpace(stock, seed=seed, directions=budget.directions)
    rng = np.random.default_rng(seed + 1)
    total = len(space.names) + max(0, budget.steps) + extra_steps
    done = 0
    best_held = float("-inf")
    history: list[float] = []

    def evaluate(base: int, coeffs: np.ndarray, label: str) -> tuple[Score, float]:
        nonlocal done, best_held
        result = score(space.style(base, coeffs))
        done += 1
        best_held = max(best_held, result.held)
        history.append(best_held)
        if progress:
            progress(done, total, best_held, result.held, label)
        return result, result.fit - space.penalty(base, coeffs)

    zero = np.zeros(len(space.directions))
    stock_scores = {name: evaluate(i, zero, name)[0] for i, name in enumerate(space.names)}
    base = max(range(len(space.names)), key=lambda i: (stock_scores[space.names[i]].fit, -i))
    start = stock_scores[space.names[base]]
    current = Step(zero, start, start.fit, space.names[base], 0)
    path = [current]
    chosen = current
    sigma, since, failures = budget.sigma, 0, 0
    stopped = False
    for step in range(max(0, budget.steps)):
        if since >= budget.patience:
            stopped = True
            break
        coeffs = current.coeffs + rng.standard_normal(len(zero)) * sigma
        result, fitness = evaluate(base, coeffs, f"walk {step + 1}")
        since += 1
        if fitness > current.fitness:
            current = Step(coeffs, result, fitness, f"walk {step + 1}", step + 1)
            path.append(current)
            sigma, failures = min(sigma * 1.5, 3.0), 0
            if result.held > chosen.score.held:
                chosen, since = current, 0
        else:
            failures += 1
            # narrow after a failure; after RESTART failures in a row the walk is stuck in a
            # narrow ridge or at a local top: take wide steps again instead of ever smaller ones
            sigma = budget.sigma if failures % RESTART == 0 else max(sigma * 0.85, 0.02)
    return SearchResult(space.style(base, chosen.coeffs), chosen, path, stock_scores, space.names[base],
                        done, stopped, space, history)

