"""Spoken words of one model call as sample spans, from per-token durations.

A backend that knows its durations labels each input token with the phoneme it
stands for ("" for padding/BOS/EOS, which lengthen the phoneme before them);
whitespace and punctuation tokens separate words. :func:`from_tokens` turns the
labels and token edges (in samples, see ``runtime.durations.frames_to_samples``)
into :class:`PhoneGroup`s.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

# Stress marks before a word's first sound: the model gives them frames, but nothing is heard yet.
_LEADING_MARKS = frozenset("ˈˌ")


@dataclass(frozen=True)
class PhoneGroup:
    """One spoken word as the model saw it: ``size`` phonemes from sample ``start`` to ``end``."""

    size: int
    start: int
    end: int

    def shifted(self, offset: int, length: int) -> PhoneGroup:
        """Moved by ``offset`` samples and clipped to [0, length]."""
        start = min(max(self.start + offset, 0), length)
        return PhoneGroup(self.size, start, min(max(self.end + offset, start), length))


def is_boundary(label: str) -> bool:
    """Whitespace and punctuation tokens end a word."""
    return all(ch.isspace() or unicodedata.category(ch)[0] == "P" for ch in label)


def from_tokens(labels: Sequence[str], edges: Sequence[int]) -> list[PhoneGroup]:
    """Words of one call: ``labels[i]`` is token i's phoneme, ``edges[i]..edges[i+1]`` its samples."""
    out: list[PhoneGroup] = []
    size = start = end = 0
    for i, label in enumerate(labels):
        if label == "" or (not size and label in _LEADING_MARKS):
            if size:
                end = int(edges[i + 1])
            continue
        if is_boundary(label):
            if size:
                out.append(PhoneGroup(size, start, end))
            size = 0
            continue
        if not size:
            start = int(edges[i])
        size += 1
        end = int(edges[i + 1])
    if size:
        out.append(PhoneGroup(size, start, end))
    return out


def shift_all(groups: Sequence[PhoneGroup], offset: int, length: int) -> tuple[PhoneGroup, ...]:
    """``groups`` after the first ``-offset`` samples of their audio were trimmed (offset ≤ 0)."""
    return tuple(g for g in (g.shifted(offset, length) for g in groups) if g.end > g.start)


def timed_words(labels: Sequence[str], frames, n_samples: int, offset: int = 0,
                length: int | None = None) -> tuple[PhoneGroup, ...] | None:
    """The words of one model call from its per-token ``frames`` (None: the graph gave none).

    ``offset``/``length``: the call's audio was cut to ``length`` samples starting
    ``offset`` samples in (a backend that trims silence).
    """
    if frames is None:
        return None
    from ..runtime.durations import frames_to_samples

    edges, _ = frames_to_samples(frames, n_samples)
    if len(edges) != len(labels) + 1:
        return None
    words = from_tokens(labels, edges)
    if offset or length is not None:
        return shift_all(words, -offset, n_samples - offset if length is None else length)
    return tuple(words)
