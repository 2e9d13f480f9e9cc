"""Search the whole Kokoro style space for a voice; select it on held-back audio.

A candidate voice is a stock voicepack plus one 256-dim offset added to every
row of the table (Kokoro picks the row by phoneme count, so a shared offset
keeps the rows consistent with each other):

    style = S_base + c · B

``B`` holds ``D`` directions over both halves of the style vector (the
decoder's timbre half ``[:128]`` and the predictor's prosody half ``[128:]``):
first the principal axes of how the stock voices differ, then seeded random
directions restricted to one half each, shaped by the stock voices' per-
dimension spread. The caller gives an ``embed(style, phrase)`` function (a
speaker vector of that voice speaking that phrase) and two target vectors:
``fit`` (the audio optimised on) and ``held`` (audio never optimised on).

Every stock voice speaks every phrase; what each text adds to the speaker
vector (its mean over the stock voices minus the overall mean) is then
subtracted from every later vector, so candidates speaking different phrases
compare. The walk: ``explore`` random steps, then steps proposed by a local
linear model of the speaker vector (a ridge fit to every vector so far, near
ones weighted most) as the point, within the step radius, closest to ``fit``.
Candidates are compared by that model's smoothed estimate at each point, not by
their single render, so one lucky render cannot lock the walk. A candidate is
kept when its estimated ``fit`` minus a plausibility penalty (how far its
average style lies outside the stock voices' cloud) beats the current voice's;
the kept voices form a path, the result is the one with the best estimated
``held`` score, and the walk stops once that has not improved for
``patience`` evaluations. Seeded: the same vectors give the same voice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

from ...audio.speaker import cosine

TIMBRE = slice(0, 128)  # read by the decoder
PROSODY = slice(128, 256)  # read by the duration/pitch predictor
RADIUS = 1.5  # allowed rms z-distance from the stock centre, as a multiple of the farthest stock voice
PENALTY = 0.25  # fitness lost per squared z unit beyond that radius
SPREAD_FLOOR = 0.1  # of the median spread: dimensions where the stock voices agree still move a little
RIDGE = 1.0  # shrinkage of the local linear model (coefficients are O(1), so is its design matrix)
ASCENT_ITERATIONS = 32
MIN_SIGMA, MAX_SIGMA = 0.05, 2.0  # per-coefficient step scale


@dataclass(frozen=True)
class Budget:
    directions: int
    steps: int
    patience: int
    sigma: float = 0.5
    explore: int = 12  # random steps before the model proposes


QUALITY = {
    "fast": Budget(directions=12, steps=60, patience=30),
    "best": Budget(directions=32, steps=240, patience=100, explore=24),
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
Embedder = Callable[[np.ndarray, int], np.ndarray]  # (style table, phrase index) -> speaker vector


class _Model:
    """A local linear model of the speaker vector around ``centre``, fitted (ridge) to every voice
    scored so far, near ones weighted most: its intercept is a smoothed estimate of the vector at
    ``centre`` (one noisy render no longer decides), its slope the direction to move."""

    def __init__(self, coeffs: list[np.ndarray], vectors: list[np.ndarray], centre: np.ndarray, reach: float):
        dx = np.stack(coeffs) - centre
        weights = np.sqrt(np.maximum(np.exp(-0.5 * np.sum(np.square(dx), axis=1) / (2.0 * reach) ** 2), 0.05))
        design = np.hstack([np.ones((len(dx), 1)), dx]) * weights[:, None]
        ridge = np.eye(design.shape[1]) * RIDGE
        ridge[0, 0] = 1e-9
        solved = np.linalg.solve(design.T @ design + ridge, design.T @ (np.stack(vectors) * weights[:, None]))
        self.centre, self.intercept, self.jacobian = centre, solved[0], solved[1:]  # E, D×E

    def score(self, fit: np.ndarray, held: np.ndarray) -> "Score":
        return Score(cosine(fit, self.intercept), cosine(held, self.intercept))

    def ascend(self, target: np.ndarray, reach: float) -> np.ndarray:
        """The offset within ``reach`` of the centre whose modelled vector is closest to ``target``
        (projected gradient ascent of the cosine)."""
        unit = target / np.linalg.norm(target)
        step = np.zeros(len(self.centre))
        for _ in range(ASCENT_ITERATIONS):
            y = self.intercept + step @ self.jacobian
            norm = float(np.linalg.norm(y)) or 1.0
            grad = self.jacobian @ (unit / norm - float(unit @ y) * y / norm ** 3)
            size = float(np.linalg.norm(grad))
            if size < 1e-12:
                break
            step = step + grad / size * (reach / 8.0)
            length = float(np.linalg.norm(step))
            if length > reach:
                step *= reach / length
        return self.centre + step


def search(stock: dict[str, np.ndarray], embed: Embedder, fit_target: np.ndarray, held_target: np.ndarray,
           budget: Budget, *, phrases: int = 1, seed: int = 0, progress: Progress | None = None,
           extra_steps: int = 0) -> SearchResult:
    """Score every stock voice on every phrase, walk from the best (on ``fit``), select on ``held``.

    Each walk candidate speaks one phrase (in turn); the phrases' own pull on the speaker vector,
    measured on the stock voices, is subtracted so candidates speaking different texts compare.
    ``extra_steps`` only widens the progress total (work the caller does afterwards)."""
    space = StyleSpace(stock, seed=seed, directions=budget.directions)
    rng = np.random.default_rng(seed + 1)
    phrases = max(1, phrases)
    total = len(space.names) * phrases + max(0, budget.steps) + extra_steps
    done = 0
    best_held = float("-inf")
    history: list[float] = []

    def tick(held: float, label: str) -> None:
        nonlocal done, best_held
        done += 1
        best_held = max(best_held, held)
        history.append(best_held)
        if progress:
            progress(done, total, best_held, held, label)

    zero = np.zeros(len(space.directions))
    vectors = np.zeros((len(space.names), phrases, len(np.asarray(fit_target))))
    for i, name in enumerate(space.names):
        for p in range(phrases):
            vectors[i, p] = embed(space.style(i, zero), p)
            tick(cosine(held_target, vectors[i, :p + 1].mean(axis=0)), name)
    pull = vectors.mean(axis=0) - vectors.mean(axis=(0, 1))  # P×E: what each text adds
    means = vectors.mean(axis=1)
    stock_scores = {name: Score(cosine(fit_target, means[i]), cosine(held_target, means[i]))
                    for i, name in enumerate(space.names)}
    base = max(range(len(space.names)), key=lambda i: (stock_scores[space.names[i]].fit, -i))
    start = stock_scores[space.names[base]]
    current = Step(zero, start, start.fit, space.names[base], 0)
    path, chosen = [current], current
    seen_coeffs, seen_vectors = [zero], [means[base]]
    sigma, since, stopped = budget.sigma, 0, False
    dims = len(zero)
    for step in range(max(0, budget.steps)):
        if since >= budget.patience:
            stopped = True
            break
        reach = sigma * np.sqrt(dims)
        modelled = step >= budget.explore
        if modelled:
            coeffs = _Model(seen_coeffs, seen_vectors, current.coeffs, reach).ascend(fit_target, reach)
        else:
            coeffs = current.coeffs + rng.standard_normal(dims) * sigma
        label = f"walk {step + 1}"
        vector = embed(space.style(base, coeffs), step % phrases) - pull[step % phrases]
        seen_coeffs.append(coeffs)
        seen_vectors.append(vector)
        tick(cosine(held_target, vector), label)
        since += 1
        # compare smoothed estimates, not single renders: a lucky render must not lock the walk
        here = _Model(seen_coeffs, seen_vectors, current.coeffs, reach).score(fit_target, held_target)
        there = _Model(seen_coeffs, seen_vectors, coeffs, reach).score(fit_target, held_target)
        if current.evaluation or len(seen_coeffs) > dims:  # the stock start keeps its measured mean at first
            current = Step(current.coeffs, here, here.fit - space.penalty(base, current.coeffs), current.label,
                           current.evaluation)
        fitness = there.fit - space.penalty(base, coeffs)
        if fitness > current.fitness:
            current = Step(coeffs, there, fitness, label, step + 1)
            path.append(current)
            sigma = min(sigma * 1.3, MAX_SIGMA)
            if there.held > chosen.score.held:
                chosen, since = current, 0
        elif modelled:
            sigma = max(sigma * 0.7, MIN_SIGMA)
    # final estimates with every render: the held-back ranking the guard and the result use
    final = sigma * np.sqrt(dims)
    for i, kept in enumerate(path):
        if kept.evaluation:
            path[i] = Step(kept.coeffs, _Model(seen_coeffs, seen_vectors, kept.coeffs, final).score(
                fit_target, held_target), kept.fitness, kept.label, kept.evaluation)
    chosen = max(path, key=lambda s: (s.score.held, -s.evaluation))
    return SearchResult(space.style(base, chosen.coeffs), chosen, path, stock_scores, space.names[base],
                        done, stopped, space, history)
