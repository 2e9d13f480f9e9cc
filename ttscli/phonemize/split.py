"""Split a phoneme string that is too long for one model call, losing nothing.

The text front end already chunks text to the backend's budget, but a chunk
can still phonemize longer than expected (numbers spelled out, an unbroken
run of letters). Backends then split the phoneme string here instead of
truncating it. The split uses as few pieces as the limit allows, balanced in
size, and among the word boundaries that keep that count it takes a sentence
end, else a clause mark, else the boundary nearest the balanced size. A
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
    knows); a space between two words counts through ``count(" ")``. 1.2 ×
    the limit becomes two pieces of about 0.6, not a full piece and a scrap
    (a scrap gets poor prosody, and shorter calls are cheaper per second).
    """
    if limit <= 0:
        raise ValueError("limit must be positive")
    rest = " ".join(phonemes.split())
    out: list[str] = []
    space = count(" ")
    while rest and (total := count(rest)) > limit:
        words = rest.split(" ")
        ends = _cumulative(words, count, space)
        if ends[0] > limit:  # one word longer than the whole budget: cut inside it
            head = _longest_prefix(words[0], limit, count)
            out.append(head)
            rest = rest[len(head):].lstrip()
            continue
        cut = _best_cut(words, ends, total, limit)
        out.append(" ".join(words[:cut]))
        rest = " ".join(words[cut:])
    if rest.strip():
        out.append(rest)
    return out


def _cumulative(words: list[str], count: Callable[[str], int], space: int) -> list[int]:
    """Tokens up to and including each word (spaces between words counted)."""
    ends, total = [], 0
    for i, word in enumerate(words):
        total += count(word) + (space if i else 0)
        ends.append(total)
    return ends


def _best_cut(words: list[str], ends: list[int], total: int, limit: int) -> int:
    """How many words the next piece takes."""
    needed = -(-total // limit)
    target = total / needed
    lowest = total - limit * (needed - 1)  # the rest must still fit in needed - 1 pieces
    fits = [n for n in range(1, len(words) + 1) if ends[n - 1] <= limit]
    keeps_count = [n for n in fits if ends[n - 1] >= lowest] or fits[-1:]
    def balance(n: int) -> tuple[float, int]:
        return abs(ends[n - 1] - target), -n  # on a tie, the longer first piece

    for marks in (SENTENCE_MARKS, CLAUSE_MARKS):
        marked = [n for n in keeps_count if words[n - 1][-1:] in marks]
        if marked:
            return min(marked, key=balance)
    return min(keeps_count, key=balance)


def _longest_prefix(word: str, limit: int, count: Callable[[str], int]) -> str:
    total = 0
    for i, ch in enumerate(word):
        total += count(ch)
        if total > limit:
            return word[:i]
    return word
