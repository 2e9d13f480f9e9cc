"""Timed words → subtitle cues that follow common readability rules.

At most 2 lines of at most 42 characters, 1 to 7 seconds on screen, a new cue
at each sentence end and, once a cue is half full, at a clause end (, ; : —).
Cues never overlap: a short cue is held longer only up to the next one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from .model import TimedWord

MAX_LINE = 42
MAX_LINES = 2
MIN_SECONDS = 1.0
MAX_SECONDS = 7.0
PAUSE_BREAK = 1.5  # a silence this long always starts a new cue
_CLAUSE_END = re.compile(r"[,;:—–)]['\"”’]*$")


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    lines: tuple[str, ...]
    words: tuple[TimedWord, ...]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)


def wrap(words: Sequence[str]) -> tuple[str, ...] | None:
    """``words`` on at most 2 balanced lines of ≤ 42 characters, or None when they do not fit.

    A single word longer than a line (a URL) gets a line of its own.
    """
    one = " ".join(words)
    if len(one) <= MAX_LINE:
        return (one,)
    best = None
    for cut in range(1, len(words)) if MAX_LINES > 1 else ():
        a, b = " ".join(words[:cut]), " ".join(words[cut:])
        too_long = max(len(a) - MAX_LINE if cut > 1 else 0, len(b) - MAX_LINE if len(words) - cut > 1 else 0)
        if too_long > 0:
            continue
        score = max(len(a), len(b))
        if best is None or score < best[0]:
            best = (score, (a, b))
    if best is None and len(words) == 1:
        return (one,)
    return best[1] if best else None


def build(words: Sequence[TimedWord], end_of_audio: float | None = None) -> list[Cue]:
    groups: list[list[TimedWord]] = []
    current: list[TimedWord] = []
    for word in words:
        if current and _must_break(current, word):
            groups.append(current)
            current = []
        current.append(word)
        if _may_break(current):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    cues = []
    for k, group in enumerate(groups):
        start, end = group[0].start, max(w.end for w in group)
        limit = groups[k + 1][0].start if k + 1 < len(groups) else (end_of_audio or end + MIN_SECONDS)
        end = max(end, min(start + MIN_SECONDS, limit))
        end = min(end, start + MAX_SECONDS, max(limit, end) if k + 1 == len(groups) else limit)
        cues.append(Cue(round(start, 3), round(max(end, start + 0.001), 3),
                        wrap([w.text for w in group]) or (" ".join(w.text for w in group),), tuple(group)))
    return cues


def _must_break(current: list[TimedWord], word: TimedWord) -> bool:
    if word.start - current[-1].end >= PAUSE_BREAK:
        return True
    if word.end - current[0].start > MAX_SECONDS:
        return True
    return wrap([w.text for w in current] + [word.text]) is None


def _may_break(current: list[TimedWord]) -> bool:
    last = current[-1]
    if last.sentence_end:
        return True
    chars = sum(len(w.text) + 1 for w in current)
    seconds = last.end - current[0].start
    return bool(_CLAUSE_END.search(last.text)) and (chars >= MAX_LINE or seconds >= MAX_SECONDS / 2)
