"""Search over blends and perturbations of style voicepacks for the best score.

A candidate voice is

    style = Σ_k softmax(a)_k · S_k  +  Σ_j c_j · d_j

where S_k are the stock voicepacks (rows × 256 tables), ``a`` are blend
logits and ``d_j`` are fixed 256-dim directions added to every row: the
principal axes of how the stock voices differ (each scaled to the spread of
the voices along it), then seeded random directions with the voices'
per-dimension spread. Offsets are bounded (``|c_j| ≤ OFFSET_BOUND``) so a
candidate stays near the voices the model was trained with and keeps its
intelligibility.

The optimiser is a (1+1) evolution strategy with the one-fifth success rule:
start from the best stock voice (and the best pairwise blend), mutate the
parameters with Gaussian steps, keep a candidate only when it scores higher,
widen the step after a success and narrow it after failures. It needs only
scores, not gradients, so any renderer + speaker encoder can drive it, and
it is seeded, so the same reference gives the same voice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import numpy as np

OFFSET_BOUND = 1.5
DIRECTIONS = 8
LOGIT_SCALE = 4.0  # scale of logit mutations
STOCK_LOGIT = 9.0  # a stock voice's logit (others 0): 99.95% of the blend with 5 voices


@dataclass
class Candidate:
    logits: np.ndarray
    offsets: np.ndarray
    score: float = float("-inf")
    label: str = ""


@dataclass
class SearchResult:
    style: np.ndarray  # rows × 256 float32
    score: float
    weights: dict[str, float]  # stock voice → blend weight
    offsets: list[float]
    stock_scores: dict[str, float]
    evaluations: int
    history: list[float] = field(default_factory=list)  # best score after each evaluation

    @property
    def best_stock(self) -> tuple[str, float]:
        name = max(self.stock_scores, key=self.stock_scores.get)
        return name, self.stock_scores[name]


class StyleSpace:
    """Maps search parameters to style tables for one set of stock voices."""

    def __init__(self, stock: dict[str, np.ndarray], seed: int = 0, directions: int = DIRECTIONS):
        if not stock:
            raise ValueError("no stock voices to search over")
        shapes = {v.shape for v in stock.values()}
        if len(shapes) != 1:
            raise ValueError(f"stock voices have different shapes {sorted(shapes)}")
        self.names = list(stock)
        self.tables = np.stack([np.asarray(stock[n], dtype=np.float64) for n in self.names])  # K×R×256
        means = self.tables.mean(axis=1)  # K×256: each voice's average style
        centred = means - means.mean(axis=0)
        spread = centred.std(axis=0) + 1e-6  # per-dimension spread across voices
        axes: list[np.ndarray] = []
        if len(self.names) > 1:
            _, sing, vt = np.linalg.svd(centred, full_matrices=False)
            for s, v in zip(sing, vt):
                if s > 1e-6 and len(axes) < directions:
                    axes.append(v * s / np.sqrt(len(self.names)))
        rng = np.random.default_rng(seed)
        while len(axes) < directions:
            axes.append(rng.standard_normal(means.shape[1]) * spread)
        self.directions = np.stack(axes) if axes else np.zeros((0, means.shape[1]))

    def style(self, cand: Candidate) -> np.ndarray:
        w = np.exp(cand.logits - cand.logits.max())
        w /= w.sum()
        out = np.tensordot(w, self.tables, axes=1)
        if len(cand.offsets):
            out = out + cand.offsets @ self.directions
        return out.astype(np.float32)

    def style_for(self, weights: dict[str, float], offsets) -> np.ndarray:
        """The table for a recipe as stored in a voice's metadata (weights by name, offsets)."""
        w = np.array([float(weights.get(n, 0.0)) for n in self.names])
        out = np.tensordot(w, self.tables, axes=1) + np.asarray(offsets, dtype=np.float64) @ self.directions
        return out.astype(np.float32)

    def weights(self, cand: Candidate) -> dict[str, float]:
        w = np.exp(cand.logits - cand.logits.max())
        w /= w.sum()
        return {n: float(x) for n, x in zip(self.names, w)}

    def stock(self, index: int) -> Candidate:
        """A stock voice (99.9% of the blend, so mutations can still move the weights)."""
        logits = np.zeros(len(self.names))
        logits[index] = STOCK_LOGIT
        return Candidate(logits, np.zeros(len(self.directions)), label=self.names[index])


Progress = Callable[[int, int, float, float, str], None]  # step, total, best, current, label


def search(stock: dict[str, np.ndarray], score: Callable[[np.ndarray], float], steps: int, *,
           seed: int = 0, progress: Progress | None = None, initial_sigma: float = 0.6) -> SearchResult:
    """Score every stock voice, then spend ``steps`` evaluations improving on the best."""
    space = StyleSpace(stock, seed=seed)
    rng = np.random.default_rng(seed + 1)
    total = len(space.names) + max(0, steps)
    done = 0
    history: list[float] = []
    best: Candidate | None = None

    def evaluate(cand: Candidate) -> Candidate:
        nonlocal done, best
        cand.score = float(score(space.style(cand)))
        done += 1
        if best is None or cand.score > best.score:
            best = cand
        history.append(best.score)
        if progress:
            progress(done, total, best.score, cand.score, cand.label)
        return cand

    stock_scores = {}
    for i, name in enumerate(space.names):
        stock_scores[name] = evaluate(space.stock(i)).score
    ranked = sorted(range(len(space.names)), key=lambda i: -stock_scores[space.names[i]])
    current = space.stock(ranked[0])
    current.score = stock_scores[space.names[ranked[0]]]
    sigma = initial_sigma
    budget = max(0, steps)
    if budget and len(ranked) > 1:  # a structured first move: the two best voices, even blend
        logits = np.zeros(len(space.names))
        logits[ranked[0]] = logits[ranked[1]] = STOCK_LOGIT
        pair = evaluate(Candidate(logits, np.zeros(len(space.directions)),
                                  label=f"{space.names[ranked[0]]}+{space.names[ranked[1]]}"))
        budget -= 1
        if pair.score > current.score:
            current = pair
    for step in range(budget):
        logits = current.logits + rng.standard_normal(current.logits.shape) * sigma * LOGIT_SCALE / 2
        offsets = np.clip(current.offsets + rng.standard_normal(current.offsets.shape) * sigma,
                          -OFFSET_BOUND, OFFSET_BOUND)
        cand = evaluate(Candidate(logits, offsets, label=f"search {step + 1}"))
        if cand.score > current.score:
            current = cand
            sigma = min(sigma * 1.5, 2.0)
        else:
            sigma = max(sigma * 0.85, 0.05)
    assert best is not None
    return SearchResult(space.style(best), best.score, space.weights(best), [float(c) for c in best.offsets],
                        stock_scores, done, history)
