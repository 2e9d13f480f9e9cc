"""Split a phoneme string that is too long for one model call, losing nothing.

The text front end already chunks text to the backend's budget, but a chunk
can still phonemize longer than expected (numbers spelled out, an unbroken
run of letters). Backends then split the phoneme string here instead of
truncating it: at a sentence end if there is one in the back half of the
window, else at a clause mark, else at the last word boundary that fits. A
single "word" longer than the limit is cut inside the word; every phoneme
still reaches some piece, in order.
"""

from __future__ import annotations

from typing import Callable

SENTENCE_MARKS = ".!?…"
CLAUSE_MARKS = ",;:—"


def split_phonemes(phonemes: str, limit: int, count: Callable[[str], int]) -> list[str]:
    """Pieces of ``phonemes`` with ``count(piece) <= limit`` each, split at spaces when possible.

    ``count`` measures a piece in model tokens (characters the vocabulary
    knows); a space between two words counts through ``count(" ")``.
    """
    if limit <= 0:
        raise ValueError("limit must be positive")
    rest = " ".join(phonemes.split())
    out: list[str] = []
    space = count(" ")
    while rest and count(rest) > limit:
        words = rest.split(" ")
        total, fit = 0, 0
        for i, word in enumerate(words):
            add = count(word) + (space if i else 0)
            if total + add > limit:
                break
            total, fit = total + add, i + 1
        if fit == 0:  # one word longer than the whole budget: cut inside it
            head = _longest_prefix(words[0], limit, count)
            out.append(head)
            rest = rest[len(head):].lstrip()
            continue
        cut = _best_break(words, fit)
        out.append(" ".join(words[:cut]))
        rest = " ".join(words[cut:])
    if rest.strip():
        out.append(rest)
    return out


def _best_break(words: list[str], fit: int) -> int:
    """Number of words to keep: prefer ending on a sentence mark, then a clause mark."""
    if fit == len(words):
        return fit
    floor = max(1, fit // 2)
    for marks in (SENTENCE_MARKS, CLAUSE_MARKS):
        for n in range(fit, floor - 1, -1):
            if words[n - 1] and words[n - 1][-1] in marks:
                return n
    return fit


def _longest_prefix(word: str, limit: int, count: Callable[[str], int]) -> str:
    total = 0
    for i, ch in enumerate(word):
        total += count(ch)
        if total > limit:
            return word[:i]
    return word
