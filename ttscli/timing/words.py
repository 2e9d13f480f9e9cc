"""Match the words of a segment to the spoken words (phone groups) the model timed.

Phonemizers do not keep words one to one: espeak joins function words ("on the"
→ ``ɑːnðə``), spells abbreviations as several words, drops symbols. A small
dynamic program over the two sequences finds the monotone pairing where each
step pairs one word with 1-3 groups or 2-4 words with one group, and the
phoneme count of each step best fits its letter count. Words that share a group
share its time by letter count.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from ..text.alignment import key
from .groups import PhoneGroup

# (words, groups) per step; (0, 1) skips a group nobody wrote (a symbol the phonemizer read)
_STEPS = ((1, 1), (1, 2), (2, 1), (1, 3), (3, 1), (4, 1), (0, 1))
_PENALTY = {(1, 1): 0.0, (0, 1): 2.0}
_BAND = 12


def _letters(word: str) -> int:
    return max(1, len(key(word)))


def time_words(words: Sequence[str], groups: Sequence[PhoneGroup]) -> list[tuple[int, int]]:
    """(start, end) samples for each of ``words`` (empty groups: nothing can be timed)."""
    n, m = len(words), len(groups)
    if not n or not m:
        return []
    if n == m:
        return [(g.start, g.end) for g in groups]
    letters = [_letters(w) for w in words]
    ratio = sum(g.size for g in groups) / float(sum(letters))
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        centre = i * m / n
        for j in range(max(0, int(centre) - _BAND), min(m, int(centre) + _BAND) + 1):
            here = cost[i][j]
            if here == inf:
                continue
            for dw, dg in _STEPS:
                ni, nj = i + dw, j + dg
                if ni > n or nj > m:
                    continue
                phones = sum(g.size for g in groups[j:nj])
                expected = ratio * sum(letters[i:ni]) if dw else 0.0
                fit = abs(math.log(phones / expected)) if dw else 0.0
                c = here + fit + _PENALTY.get((dw, dg), 0.4)
                if c < cost[ni][nj]:
                    cost[ni][nj] = c
                    back[ni][nj] = (dw, dg)
    if cost[n][m] == inf:  # outside the band: spread the words over the whole span
        return spread(letters, groups[0].start, groups[-1].end)
    out: list[tuple[int, int]] = []
    i, j = n, m
    while i or j:
        dw, dg = back[i][j]  # type: ignore[misc]
        if dw:
            span = groups[j - dg : j]
            out[:0] = spread(letters[i - dw : i], span[0].start, span[-1].end)
        i, j = i - dw, j - dg
    return out


def spread(letters: Sequence[int], start: int, end: int) -> list[tuple[int, int]]:
    total = float(sum(letters))
    out, pos = [], float(start)
    for count in letters:
        nxt = pos + (end - start) * count / total
        out.append((round(pos), round(nxt)))
        pos = nxt
    return out
